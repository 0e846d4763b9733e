package dev.reactivemcp.oauth;

import dev.reactivemcp.transport.TlsTrust;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * The user-agent step of the authorization code flow (RFC 6749 sections 4.1.1 and 4.1.2; RFC 8252 for native
 * apps): chooses the redirect URI, sends a user agent to the authorization URL and hands back the parameters of the
 * redirect. The login flow validates them ({@code state}, RFC 9207 {@code iss}); a source only transports them.
 *
 * <p>Three ready-made sources:
 * <ul>
 *   <li>{@link #headless()}: requests the authorization URL itself with redirects disabled and reads the
 *       {@code Location} header; for authorization servers that approve without a user (test suites, trusted
 *       automation). Nothing listens on its redirect URI.</li>
 *   <li>{@link #loopback(Consumer)}: a one-shot HTTP listener on {@code 127.0.0.1} receives the redirect
 *       (RFC 8252 section 7.3); the application opens the browser with the URL it is given.</li>
 *   <li>{@link #manual(Consumer, Mono)}: prints the URL and reads back what the user pastes (the redirected URL from
 *       the browser's address bar, or just the code), for remote shells.</li>
 * </ul>
 *
 * <pre>{@code
 * AuthorizationCodeSource browser = AuthorizationCodeSource.loopback(url -> Desktop.getDesktop().browse(url))
 *         .withTimeout(Duration.ofMinutes(5));
 * AuthorizationCodeSource ci = AuthorizationCodeSource.headless();
 * }</pre>
 *
 * <p>Contract: {@link #authorize} is cold; every resource it opens (a listener, a connection) is released when the
 * returned {@code Mono} terminates or is cancelled.
 */
public interface AuthorizationCodeSource {

    /**
     * Runs one authorization: picks the redirect URI (a loopback source starts its listener first), calls
     * {@code authorizationUrl} with it (the flow registers the client and builds the URL there), sends the user agent
     * to that URL and emits the redirect's parameters.
     *
     * @param authorizationUrl from the redirect URI to the complete authorization URL
     * @return the parameters the authorization server sent to the redirect URI
     */
    Mono<Redirect> authorize(Function<String, Mono<URI>> authorizationUrl);

    /**
     * A source that follows nothing and asks nobody: it sends {@code GET <authorization URL>} with redirects
     * disabled and reads {@code code}, {@code state} and {@code iss} from the {@code Location} of the 3xx answer.
     * Redirect URI {@code http://localhost:3000/callback}, 30 s deadline.
     *
     * @return the headless source
     */
    static AuthorizationCodeSource headless() {
        return headless(HeadlessCodeSource.DEFAULT_REDIRECT_URI, Duration.ofSeconds(30));
    }

    /**
     * {@link #headless()} with this redirect URI and a deadline for the authorization request.
     *
     * @param redirectUri the redirect URI registered for the client; nothing listens on it
     * @param timeout     the longest the authorization request may take
     * @return the headless source
     */
    static AuthorizationCodeSource headless(String redirectUri, Duration timeout) {
        return new HeadlessCodeSource(redirectUri, timeout);
    }

    /**
     * {@link #headless(String, Duration)} trusting {@code trust} when the authorization endpoint is https.
     *
     * @param redirectUri the redirect URI registered for the client; nothing listens on it
     * @param timeout     the longest the authorization request may take
     * @param trust       the certificate authorities to trust for the authorization endpoint
     * @return the headless source
     */
    static AuthorizationCodeSource headless(String redirectUri, Duration timeout, TlsTrust trust) {
        return new HeadlessCodeSource(redirectUri, timeout, trust);
    }

    /**
     * A loopback redirect receiver on {@code 127.0.0.1} (ephemeral port, path {@code /callback}, 5 minute
     * timeout). {@code openBrowser} receives the authorization URL; opening a browser is the application's job.
     *
     * @param openBrowser called with the authorization URL once the listener is up
     * @return the loopback source, to adjust with its {@code with...} methods
     */
    static LoopbackCodeSource loopback(Consumer<URI> openBrowser) {
        return LoopbackCodeSource.create(openBrowser);
    }

    /**
     * Print-URL/paste-back: {@code show} displays the authorization URL, then {@code pasted} is subscribed and
     * must emit what the user pasted, either the full redirected URL (preferred: it carries {@code state} and
     * {@code iss}) or only the code. Subscribe {@code pasted} off the event loop, for example
     * {@code Mono.fromCallable(console::readLine).subscribeOn(Schedulers.boundedElastic())}. Redirect URI
     * {@code http://127.0.0.1/callback}: the browser shows an error page whose address the user copies.
     *
     * @param show   displays the authorization URL to the user
     * @param pasted emits what the user pasted back; subscribed once per authorization
     * @return the manual source
     */
    static AuthorizationCodeSource manual(Consumer<URI> show, Mono<String> pasted) {
        return new ManualCodeSource(show, pasted, ManualCodeSource.DEFAULT_REDIRECT_URI);
    }

    /**
     * {@link #manual(Consumer, Mono)} with this redirect URI.
     *
     * @param show        displays the authorization URL to the user
     * @param pasted      emits what the user pasted back; subscribed once per authorization
     * @param redirectUri the redirect URI registered for the client
     * @return the manual source
     */
    static AuthorizationCodeSource manual(Consumer<URI> show, Mono<String> pasted, String redirectUri) {
        return new ManualCodeSource(show, pasted, redirectUri);
    }

    /**
     * The parameters of an authorization response (RFC 6749 section 4.1.2, 4.1.2.1; RFC 9207 {@code iss}), decoded,
     * exactly as received. {@link #toString()} never shows the code or the state.
     *
     * <pre>{@code
     * Redirect r = Redirect.fromQuery(URI.create(pastedUrl).getRawQuery());
     * String code = r.code().orElseThrow(() -> new IllegalStateException("login failed: " + r.error().orElse("?")));
     * }</pre>
     *
     * @param parameters the decoded query parameters of the redirect
     */
    record Redirect(Map<String, String> parameters) {

        /**
         * Copies the parameters.
         *
         * @param parameters the decoded query parameters of the redirect
         */
        public Redirect {
            parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        }

        /**
         * Decodes a query string ({@code code=...&state=...}). A parameter that occurs twice is refused (RFC 6749
         * section 3.1: response parameters must not be included more than once).
         *
         * @param rawQuery the raw (still percent-encoded) query of the redirect URI; {@code null} or empty for none
         * @return the decoded parameters
         * @throws IllegalArgumentException on a repeated parameter
         */
        public static Redirect fromQuery(String rawQuery) {
            Map<String, String> params = new LinkedHashMap<>();
            if (rawQuery != null && !rawQuery.isEmpty()) {
                for (String pair : rawQuery.split("&")) {
                    if (pair.isEmpty()) {
                        continue;
                    }
                    int eq = pair.indexOf('=');
                    String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                    String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                    if (params.putIfAbsent(name, value) != null) {
                        throw new IllegalArgumentException("repeated parameter in authorization response: " + name);
                    }
                }
            }
            return new Redirect(params);
        }

        /**
         * One parameter.
         *
         * @param name the parameter name, for example {@code "error_description"}
         * @return its decoded value, or empty when the redirect did not carry it
         */
        public Optional<String> get(String name) {
            return Optional.ofNullable(parameters.get(name));
        }

        /**
         * The authorization code.
         *
         * @return the {@code code} parameter, or empty when the authorization failed
         */
        public Optional<String> code() {
            return get("code");
        }

        /**
         * The {@code state}, which the login flow compares with the one it sent.
         *
         * @return the {@code state} parameter, or empty when absent
         */
        public Optional<String> state() {
            return get("state");
        }

        /**
         * The RFC 9207 {@code iss}, which the login flow compares with the issuer it used.
         *
         * @return the {@code iss} parameter, or empty when the authorization server does not send it
         */
        public Optional<String> iss() {
            return get("iss");
        }

        /**
         * The OAuth {@code error} code, when the authorization failed (RFC 6749 section 4.1.2.1).
         *
         * @return the {@code error} parameter, for example {@code "access_denied"}, or empty on success
         */
        public Optional<String> error() {
            return get("error");
        }

        /** Parameter names only: never the code or the state. */
        @Override
        public String toString() {
            return "Redirect[parameters=" + parameters.keySet() + "]";
        }

        private static String decode(String s) {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        }
    }
}
