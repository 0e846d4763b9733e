package dev.reactivemcp.benchmarks.driver;

import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.netty.resources.ConnectionProvider;

/**
 * A client on a connection pool of its own, disposed with it: a fresh session that must open its own connection
 * (and, over TLS, do its own handshake) instead of borrowing a warm one from the shared pool.
 */
final class FreshPool implements BenchClient {

    private final ConnectionProvider pool;
    private final BenchClient client;

    private FreshPool(ConnectionProvider pool, BenchClient client) {
        this.pool = pool;
        this.client = client;
    }

    static BenchClient of(Function<ConnectionProvider, BenchClient> make) {
        ConnectionProvider pool = ConnectionProvider.builder("fresh-session").maxConnections(4).build();
        return new FreshPool(pool, make.apply(pool));
    }

    @Override
    public String label() {
        return client.label();
    }

    @Override
    public Mono<?> connect() {
        return client.connect();
    }

    @Override
    public Mono<String> call() {
        return client.call();
    }

    @Override
    public void close() {
        client.close();
        pool.disposeLater().block(java.time.Duration.ofSeconds(10));
    }
}
