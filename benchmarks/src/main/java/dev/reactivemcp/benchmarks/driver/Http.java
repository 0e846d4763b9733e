package dev.reactivemcp.benchmarks.driver;

import java.time.Duration;
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

    /** {@link #pooled(String, int)} over {@code wire} (TLS trusting {@code tls}'s root; h2 first for H2). */
    static HttpClient pooled(String name, int maxConnections, Wire wire, TlsSetup tls) {
        HttpClient http = pooled(name, maxConnections);
        return wire.secure() ? tls.secure(http, wire) : http;
    }
}
