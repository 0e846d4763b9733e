package dev.reactivemcp.benchmarks.driver;

import java.time.Duration;
import reactor.netty.http.client.Http2AllocationStrategy;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The Reactor Netty client given to this SDK and to the floor, identical for both: a pool large enough for the
 * highest concurrency, with an unbounded acquire queue (Reactor Netty's default pool is 16 connections with 32
 * waiting acquires, which fails above 48 concurrent calls; see README).
 */
final class Http {

    private Http() { }

    static HttpClient pooled(String name, int maxConnections) {
        ConnectionProvider pool = ConnectionProvider.builder(name)
                .maxConnections(maxConnections)
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(Duration.ofSeconds(60))
                .build();
        return HttpClient.create(pool);
    }

    /**
     * {@link #pooled(String, int)} over {@code wire} (TLS trusting {@code tls}'s root; h2 first for H2). With
     * {@code h2StrictReuse}, an H2 pool opens another connection only when the open ones have no free stream
     * ({@code Http2AllocationStrategy.strictConnectionReuse}); Reactor Netty's default opens new connections up to
     * the pool's maximum while existing ones still have free streams.
     */
    static HttpClient pooled(String name, int maxConnections, Wire wire, TlsSetup tls, boolean h2StrictReuse) {
        HttpClient http;
        if (wire == Wire.H2 && h2StrictReuse) {
            http = HttpClient.create(ConnectionProvider.builder(name)
                    .maxConnections(maxConnections)
                    .pendingAcquireMaxCount(-1)
                    .pendingAcquireTimeout(Duration.ofSeconds(60))
                    .allocationStrategy(Http2AllocationStrategy.builder().minConnections(1)
                            .maxConnections(maxConnections).strictConnectionReuse(true).build())
                    .build());
        } else {
            http = pooled(name, maxConnections);
        }
        return wire.secure() ? tls.secure(http, wire) : http;
    }
}
