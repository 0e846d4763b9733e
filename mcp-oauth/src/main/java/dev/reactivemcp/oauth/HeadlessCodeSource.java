package dev.reactivemcp.oauth;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.transport.TlsTrust;
import dev.reactivemcp.transport.spi.ReactorNettyExchange;
import dev.reactivemcp.transport.spi.Tls;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * {@link AuthorizationCodeSource#headless()}: one {@code GET} of the authorization URL with redirects disabled; the
 * {@code Location} of the 3xx answer must point at the redirect URI, and its query is the authorization response.
 * An answer that is not such a redirect (a login page) fails: this source cannot log a user in.
 */
final class HeadlessCodeSource implements AuthorizationCodeSource {

    static final String DEFAULT_REDIRECT_URI = "http://localhost:3000/callback";

    private final String redirectUri;
    private final URI redirect;
    private final Duration timeout;
    private final HttpClient client;

    HeadlessCodeSource(String redirectUri, Duration timeout) {
        this(redirectUri, timeout, TlsTrust.systemDefault());
    }

    HeadlessCodeSource(String redirectUri, Duration timeout, TlsTrust trust) {
        this.redirectUri = Objects.requireNonNull(redirectUri, "redirectUri");
        this.redirect = URI.create(redirectUri);
        if (!redirect.isAbsolute() || redirect.getRawQuery() != null || redirect.getRawFragment() != null) {
            throw new IllegalArgumentException("redirect URI must be absolute, without query or fragment");
        }
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.client = Tls.apply(HttpClient.create(), Objects.requireNonNull(trust, "trust")).followRedirect(false);
    }

    @Override
    public Mono<Redirect> authorize(Function<String, Mono<URI>> authorizationUrl) {
        return Mono.defer(() -> authorizationUrl.apply(redirectUri)).flatMap(this::follow);
    }

    private Mono<Redirect> follow(URI authorizationUrl) {
        return client.get().uri(authorizationUrl).response()
                .timeout(timeout)
                .onErrorMap(e -> !(e instanceof McpException), HeadlessCodeSource::requestFailed)
                .map(response -> {
                    int status = response.status().code();
                    String location = response.responseHeaders().get("Location");
                    if (status < 300 || status >= 400 || location == null) {
                        throw failure(new McpFailure.ProtocolError("authorization endpoint answered HTTP " + status
                                + " instead of redirecting; interactive login needs a loopback or manual source"));
                    }
                    return toRedirect(resolve(authorizationUrl, location));
                });
    }

    private static URI resolve(URI base, String location) {
        try {
            return base.resolve(new URI(location.strip()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw failure(new McpFailure.ProtocolError("malformed Location in the authorization response"));
        }
    }

    private Redirect toRedirect(URI target) {
        boolean toRedirectUri = redirect.getScheme().equalsIgnoreCase(target.getScheme())
                && Objects.equals(redirect.getRawAuthority(), target.getRawAuthority())
                && Objects.equals(redirect.getRawPath(), target.getRawPath());
        if (!toRedirectUri) {
            throw failure(new McpFailure.ProtocolError("authorization endpoint redirected elsewhere than the "
                    + "redirect URI; interactive login needs a loopback or manual source"));
        }
        try {
            return Redirect.fromQuery(target.getRawQuery());
        } catch (IllegalArgumentException e) {
            throw failure(new McpFailure.ProtocolError("malformed authorization response: " + e.getMessage()));
        }
    }

    private static McpException requestFailed(Throwable e) {
        McpFailure failure = e instanceof TimeoutException
                ? new McpFailure.Timeout(null)
                : ReactorNettyExchange.connectionKind(e,
                        "authorization request failed: " + e.getClass().getSimpleName());
        return new McpException(failure, failure.describe(), e);
    }

    private static McpException failure(McpFailure failure) {
        return new McpException(failure, failure.describe(), null);
    }

    @Override
    public String toString() {
        return "HeadlessCodeSource[redirectUri=" + redirectUri + "]";
    }
}
