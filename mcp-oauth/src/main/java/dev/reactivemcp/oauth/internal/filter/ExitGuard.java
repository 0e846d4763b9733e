package dev.reactivemcp.oauth.internal.filter;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Mono;

/**
 * The last owner of refresh transactions: a JVM shutdown hook (one per JVM, added at the first refresh) that waits
 * up to {@link #EXIT_WAIT} for the transactions running at exit to persist what the token endpoint returned. A
 * program that ends without {@code McpOAuth.dispose()} then still keeps a rotated refresh token; with nothing in
 * flight the hook returns at once. Holds only running transactions, never a finished one or an engine.
 */
final class ExitGuard {

    /** How long a JVM exit waits for refreshes in flight. */
    static final Duration EXIT_WAIT = Duration.ofSeconds(10);

    private static final Set<Mono<?>> RUNNING = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HOOKED = new AtomicBoolean();

    private ExitGuard() { }

    static void running(Mono<?> transaction) {
        if (HOOKED.compareAndSet(false, true)) {
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(ExitGuard::awaitRunning, "reactive-mcp-oauth-exit"));
            } catch (IllegalStateException exiting) {
                // the JVM is exiting already: nothing to hook into
            }
        }
        RUNNING.add(transaction);
    }

    static void finished(Mono<?> transaction) {
        RUNNING.remove(transaction);
    }

    private static void awaitRunning() {
        List<Mono<Void>> running = RUNNING.stream().map(m -> m.then().onErrorComplete()).toList();
        if (running.isEmpty()) {
            return;
        }
        try {
            Mono.when(running).block(EXIT_WAIT); // a shutdown hook thread: blocking is what it is for
        } catch (RuntimeException gaveUp) {
            // bounded: the JVM exits anyway
        }
    }
}
