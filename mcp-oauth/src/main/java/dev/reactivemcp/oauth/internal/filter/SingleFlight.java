package dev.reactivemcp.oauth.internal.filter;

import dev.reactivemcp.oauth.internal.store.Detached;
import dev.reactivemcp.transport.spi.SharedMono;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * One execution per key at a time: concurrent callers of {@link #run} with the same key share one cached,
 * detached execution, removed as it terminates, before its result is delivered (a later call starts a new
 * one). Cancelling a caller, or every caller, never cancels the shared work: once started it runs to its end
 * (for a refresh: the token request, then the persist of what it returned), and {@link #idle()} waits for it.
 *
 * @param <K> the key type
 * @param <V> the result type
 */
public final class SingleFlight<K, V> {

    private final ConcurrentHashMap<K, Mono<V>> inFlight = new ConcurrentHashMap<>();
    private final boolean guardExit;

    /** A single-flight whose executions a JVM exit does not wait for. */
    public SingleFlight() {
        this(false);
    }

    /** With {@code guardExit}, a JVM exit waits (bounded) for executions running then ({@link ExitGuard}). */
    public SingleFlight(boolean guardExit) {
        this.guardExit = guardExit;
    }

    /** Joins the running execution for {@code key}, or starts {@code work} as one. */
    public Mono<V> run(K key, Supplier<Mono<V>> work) {
        return Mono.defer(() -> {
            AtomicReference<Mono<V>> self = new AtomicReference<>();
            return inFlight.computeIfAbsent(key, k -> {
                // Removed before the result reaches anyone: a caller reacting to it starts a new execution.
                // SharedMono, not cache(): thousands of concurrent joiners are added in constant time each.
                // SharedMono.cached never cancels its source, and Detached would not pass a cancel on anyway.
                Mono<V> shared = SharedMono.cached(Detached.run(Mono.defer(work))
                        .doOnEach(signal -> {
                            inFlight.remove(k, self.get());
                            if (guardExit) {
                                ExitGuard.finished(self.get());
                            }
                        }));
                self.set(shared);
                if (guardExit) {
                    ExitGuard.running(shared);
                }
                return shared;
            });
        });
    }

    /** The running execution for {@code key}, joined, or empty when none runs: never starts one. */
    public Mono<V> join(K key) {
        return Mono.defer(() -> {
            Mono<V> running = inFlight.get(key);
            return running == null ? Mono.empty() : running;
        });
    }

    /**
     * Completes once no execution runs: waits for those running, then for any started meanwhile. Their errors
     * are ignored (their callers get them); cancelling this only stops waiting.
     */
    public Mono<Void> idle() {
        return Mono.defer(() -> {
            List<Mono<Void>> running = inFlight.values().stream()
                    .map(m -> m.then().onErrorComplete()).toList();
            return running.isEmpty() ? Mono.empty() : Mono.when(running).then(Mono.defer(this::idle));
        });
    }

    /** How many executions are running (for tests and diagnostics). */
    public int size() {
        return inFlight.size();
    }
}
