package dev.reactivemcp.benchmarks.driver;

import reactor.core.publisher.Mono;

/** One of the clients under comparison, connected to one server in one mode. */
interface BenchClient {

    /** Short label for tables. */
    String label();

    /** The handshake (initialize, or server/discover in the 2026-07-28 era). */
    Mono<?> connect();

    /** One {@code tools/call}; emits the echoed text. */
    Mono<String> call();

    /** Ends the session. */
    void close();
}
