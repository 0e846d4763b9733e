package dev.reactivemcp.oauth;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import io.netty.handler.codec.http.HttpMethod;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A loopback redirect receiver for native apps (RFC 8252 sections 7.3 and 8.3): for each authorization it binds an
 * HTTP listener on {@code 127.0.0.1} (an ephemeral port unless {@link #withPort fixed}), uses
 * {@code http://127.0.0.1:<port><path>} as the redirect URI, hands the authorization URL to the application's
 * {@code openBrowser} callback and waits for the one redirect that carries the expected {@code state}. Other
 * requests get 404 or 400 and are otherwise ignored. The browser is shown a short page asking the user to return
 * to the application; it never echoes the response. The listener is closed when the authorization completes,
 * fails, times out or is cancelled.
 *
 * <pre>{@code
 * LoopbackCodeSource source = AuthorizationCodeSource.loopback(url -> System.out.println("Open " + url))
 *         .withPath("/oauth/callback")
 *         .withTimeout(Duration.ofMinutes(3));
 * }</pre>
 */
public final class LoopbackCodeSource implements AuthorizationCodeSource {

    static final String PAGE = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Authorization</title>"
            + "</head><body><p>The authorization response was received. You can close this window and return to "
            + "the application.</p></body></html>";

    private static final String HOST = "127.0.0.1";

    private final Consumer<URI> openBrowser;
    private final String host;
    private final int port;
    private final String path;
    private final Duration timeout;
    private final Scheduler scheduler;

    private LoopbackCodeSource(Consumer<URI> openBrowser, String host, int port, String path, Duration timeout,
                               Scheduler scheduler) {
        this.openBrowser = Objects.requireNonNull(openBrowser, "openBrowser");
        this.host = host;
        this.port = port;
        this.path = path;
        this.timeout = timeout;
        this.scheduler = scheduler;
    }

    static LoopbackCodeSource create(Consumer<URI> openBrowser) {
        return new LoopbackCodeSource(openBrowser, HOST, 0, "/callback", Duration.ofMinutes(5), Schedulers.parallel());
    }

    /**
     * A copy whose redirect URI names {@code host}: {@code 127.0.0.1} (the default; RFC 8252 section 7.3 recommends
     * the IP literal, and servers that ignore the port for loopback redirects often do so only for it) or
     * {@code localhost} (for a provider where only {@code http://localhost...} is registered). Either way the listener
     * binds {@code 127.0.0.1} only, never another interface.
     *
     * <pre>{@code
     * AuthorizationCodeSource.loopback(browser).withHost("localhost").withPort(33418).withPath("/oauth/callback");
     * }</pre>
     *
     * @param host the host of the redirect URI: {@code 127.0.0.1} or {@code localhost}
     * @return the copy; this source is unchanged
     * @throws IllegalArgumentException when {@code host} is anything else, {@code null} included
     */
    public LoopbackCodeSource withHost(String host) {
        if (!HOST.equals(host) && !"localhost".equals(host)) {
            throw new IllegalArgumentException("loopback host must be 127.0.0.1 or localhost");
        }
        return new LoopbackCodeSource(openBrowser, host, port, path, timeout, scheduler);
    }

    /**
     * A copy listening on {@code port} (0: an ephemeral port, the default). A fixed port is for authorization
     * servers that require an exact redirect URI; RFC 8252 section 7.3 asks them to accept any port.
     *
     * @param port the port on {@code 127.0.0.1}, or 0
     * @return the copy
     * @throws IllegalArgumentException when {@code port} is outside 0-65535
     */
    public LoopbackCodeSource withPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        return new LoopbackCodeSource(openBrowser, host, port, path, timeout, scheduler);
    }

    /**
     * A copy receiving the redirect on {@code path} (default {@code /callback}).
     *
     * @param path the path of the redirect URI
     * @return the copy
     * @throws IllegalArgumentException when {@code path} is {@code null}, does not start with {@code /}, or has a
     *                                  query or fragment
     */
    public LoopbackCodeSource withPath(String path) {
        if (path == null || !path.startsWith("/") || path.contains("?") || path.contains("#")) {
            throw new IllegalArgumentException("path must start with / and have no query or fragment");
        }
        return new LoopbackCodeSource(openBrowser, host, port, path, timeout, scheduler);
    }

    /**
     * A copy waiting at most {@code timeout} for the redirect once the URL was handed out (default 5 minutes).
     *
     * @param timeout how long the user has to log in; positive
     * @return the copy
     * @throws IllegalArgumentException when {@code timeout} is {@code null}, zero or negative
     */
    public LoopbackCodeSource withTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        return new LoopbackCodeSource(openBrowser, host, port, path, timeout, scheduler);
    }

    /**
     * A copy timing out on {@code scheduler} (default {@link Schedulers#parallel()}); tests pass a virtual one.
     *
     * @param scheduler the scheduler the timeout is measured on
     * @return the copy
     * @throws NullPointerException when {@code scheduler} is {@code null}
     */
    public LoopbackCodeSource withScheduler(Scheduler scheduler) {
        return new LoopbackCodeSource(openBrowser, host, port, path, timeout, Objects.requireNonNull(scheduler));
    }

    @Override
    public Mono<Redirect> authorize(Function<String, Mono<URI>> authorizationUrl) {
        return Mono.usingWhen(Mono.defer(this::listen), listener -> listener.run(authorizationUrl),
                Listener::close, (listener, error) -> listener.close(), Listener::close);
    }

    private Mono<Listener> listen() {
        Listener listener = new Listener();
        return HttpServer.create().host(HOST).port(port).handle(listener::handle).bind().map(server -> {
            listener.server = server;
            return listener;
        });
    }

    /** One authorization's listener: the server, the expected state and the one-shot result. */
    private final class Listener {
        private final Sinks.One<Redirect> result = Sinks.one();
        private volatile DisposableServer server;
        private volatile String expectedState;
        private volatile boolean awaiting;

        Mono<Redirect> run(Function<String, Mono<URI>> authorizationUrl) {
            String redirectUri = "http://" + host + ":" + server.port() + path;
            return Mono.defer(() -> authorizationUrl.apply(redirectUri)).flatMap(url -> {
                expectedState = Redirect.fromQuery(url.getRawQuery()).state().orElse(null);
                awaiting = true;
                Disposable timer = scheduler.schedule(() -> result.tryEmitError(timedOut()),
                        timeout.toMillis(), TimeUnit.MILLISECONDS);
                openBrowser.accept(url);
                return result.asMono().doFinally(signal -> timer.dispose());
            });
        }

        Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
            if (request.method() != HttpMethod.GET || !path.equals(request.fullPath())) {
                return response.keepAlive(false).status(404).send();
            }
            Redirect redirect;
            try {
                String uri = request.uri();
                int q = uri.indexOf('?');
                redirect = Redirect.fromQuery(q < 0 ? null : uri.substring(q + 1));
            } catch (IllegalArgumentException e) {
                return response.keepAlive(false).status(400).send();
            }
            if (!awaiting || (expectedState != null && !expectedState.equals(redirect.state().orElse(null)))) {
                return response.keepAlive(false).status(400).send();
            }
            return response.keepAlive(false).status(200)
                    .header("Content-Type", "text/html; charset=utf-8")
                    .header("Cache-Control", "no-store")
                    .header("Referrer-Policy", "no-referrer")
                    .sendByteArray(Mono.just(PAGE.getBytes(StandardCharsets.UTF_8)))
                    .then()
                    .doFinally(signal -> result.tryEmitValue(redirect));
        }

        Mono<Void> close() {
            DisposableServer s = server;
            return s == null ? Mono.empty() : Mono.fromRunnable(s::dispose).then(s.onDispose());
        }

        private McpException timedOut() {
            McpFailure failure = new McpFailure.Timeout(timeout);
            return new McpException(failure, "no authorization response within " + timeout.toMillis() + " ms",
                    null);
        }
    }

    @Override
    public String toString() {
        return "LoopbackCodeSource[" + host + ":" + port + path + ", timeout=" + timeout + "]";
    }
}
