package dev.reactivemcp.oauth.internal.filter;

import dev.reactivemcp.oauth.internal.store.Detached;
import dev.reactivemcp.transport.internal.SharedMono;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * One execution per key at a time: concurrent callers of {@link #run} with the same key share one cached,
 * detached execution, removed as it terminates, before its result is delivered (a later call starts a new
 * one). Cancelling a caller never cancels the shared work.
 *
 * @param <K> the key type
 * @param <V> the result type
 */
public final class SingleFlight<K, V> {

    private final ConcurrentHashMap<K, Mono<V>> inFlight = new ConcurrentHashMap<>();

    /** Joins the running execution for {@code key}, or starts {@code work} as one. */
    public Mono<V> run(K key, Supplier<Mono<V>> work) {
        return Mono.defer(() -> {
            AtomicReference<Mono<V>> self = new AtomicReference<>();
            return inFlight.computeIfAbsent(key, k -> {
                // Removed before the result reaches anyone: a caller reacting to it starts a new execution.
                // SharedMono, not cache(): thousands of concurrent joiners are added in constant time each.
                Mono<V> shared = SharedMono.cached(Detached.run(Mono.defer(work))
                        .doOnEach(signal -> inFlight.remove(k, self.get())));
                self.set(shared);
                return shared;
            });
        });
    }

    /** How many executions are running (for tests and diagnostics). */
    public int size() {
        return inFlight.size();
    }
}
