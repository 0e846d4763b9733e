package dev.reactivemcp.tokenstore.redis.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * One transaction per entry at a time in this store instance, in arrival order, without a waiting thread: the others
 * queue here instead of all polling Redis for the entry's lock (with 100 callers, one poller per replica, not 100).
 */
public final class LocalQueue {

    private final ConcurrentHashMap<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

    /** {@code work}, subscribed once the previous work queued for {@code key} has ended (however it ended). */
    public <T> Mono<T> run(String key, Mono<T> work) {
        return Mono.defer(() -> {
            CompletableFuture<Void> done = new CompletableFuture<>();
            CompletableFuture<Void> previous = tails.put(key, done);
            Mono<Void> turn = previous == null ? Mono.empty() : Mono.fromFuture(previous, true);
            return turn.then(work).doFinally(signal -> {
                tails.remove(key, done);
                done.complete(null);
            });
        });
    }
}
