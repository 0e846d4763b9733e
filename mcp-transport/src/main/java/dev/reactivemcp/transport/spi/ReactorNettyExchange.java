package dev.reactivemcp.transport.spi;

import dev.reactivemcp.errors.Delivery;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.transport.ExchangeFunction;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.McpHttpResponse;
import dev.reactivemcp.transport.TlsTrust;
import java.util.Objects;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * The end of a filter chain: one HTTP exchange over Reactor Netty, exactly as {@code McpClient} performs it. The
 * response is emitted once its status and headers arrive; its body streams from the connection. Redirects are not
 * followed. A connection-level failure is a {@link dev.reactivemcp.transport.McpTransportException} whose
 * {@code McpFailure.ConnectionFailure} or {@code Timeout} says how far the request got ({@link Delivery}).
 *
 * <pre>{@code
 * ExchangeFunction http = ReactorNettyExchange.create(HttpClient.create(), TlsTrust.pemFile(Path.of("ca.pem")));
 * Mono<McpHttpResponse> response = http.exchange(McpHttpRequest.of("GET", metadataUri));
 * }</pre>
 */
public final class ReactorNettyExchange implements ExchangeFunction {

    private final ExchangeFunction delegate;

    /**
     * Exchanges through {@code client} as configured (its TLS settings included).
     *
     * @param client the Reactor Netty client
     */
    public ReactorNettyExchange(HttpClient client) {
        this.delegate = new dev.reactivemcp.transport.internal.ReactorNettyExchange(
                Objects.requireNonNull(client, "client"));
    }

    /**
     * Exchanges through {@code client} trusting {@code trust} for https URIs ({@link Tls#apply}), after checking
     * on the calling thread that TLS is available.
     *
     * @param client the Reactor Netty client
     * @param trust what to trust for https
     * @return the exchange function
     * @throws IllegalStateException when TLS is unavailable on this classpath
     */
    public static ReactorNettyExchange create(HttpClient client, TlsTrust trust) {
        Tls.requireAvailable();
        return new ReactorNettyExchange(Tls.apply(client, trust));
    }

    /**
     * {@inheritDoc}
     *
     * @param request the request
     * @return the response, once its head has arrived; cold, cancelling aborts the exchange
     */
    @Override
    public Mono<McpHttpResponse> exchange(McpHttpRequest request) {
        return delegate.exchange(request);
    }

    /**
     * The failure for a connection-level error {@code e} from any HTTP client, with the finer kind (refused, reset,
     * premature close, DNS, TLS) when one is known, described by {@code detail}.
     *
     * @param e the error
     * @param detail what was being done, for messages (no secrets)
     * @return a {@code ConnectionFailure}, a {@code Timeout}, or the classifier's answer for other errors
     */
    public static McpFailure connectionKind(Throwable e, String detail) {
        return dev.reactivemcp.transport.internal.ReactorNettyExchange.connectionKind(e, detail);
    }

    /**
     * As {@link #connectionKind(Throwable, String)}, with how far the request got.
     *
     * @param e the error
     * @param detail what was being done, for messages (no secrets)
     * @param delivery how far the request got; null when not known
     * @return a {@code ConnectionFailure}, a {@code Timeout}, or the classifier's answer for other errors
     */
    public static McpFailure connectionKind(Throwable e, String detail, Delivery delivery) {
        return dev.reactivemcp.transport.internal.ReactorNettyExchange.connectionKind(e, detail, delivery);
    }
}
