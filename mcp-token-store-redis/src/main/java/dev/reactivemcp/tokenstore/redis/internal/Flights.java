package dev.reactivemcp.tokenstore.redis.internal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The store's transactions in flight: each runs to its end once started, even when its subscriber cancels (a refresh
 * whose token request was sent must persist what it receives), and {@link #awaitAll} is how shutdown waits for them.
 */
public final class Flights {

    private final Set<CompletableFuture<?>> running = ConcurrentHashMap.newKeySet();

    /** {@code work}, started on subscription, detached from its subscriber, tracked until it ends. */
    public <T> Mono<T> run(Mono<T> work) {
        return Mono.defer(() -> {
            CompletableFuture<T> future = work.toFuture();
            running.add(future);
            future.whenComplete((v, e) -> running.remove(future));
            return Mono.fromFuture(future, true);
        });
    }

    /** Completes when every transaction running now has ended, or after {@code timeout}. */
    public Mono<Void> awaitAll(Duration timeout, Scheduler timer) {
        return Mono.defer(() -> Mono.when(running.stream()
                        .map(f -> Mono.fromFuture(f, true).onErrorResume(e -> Mono.empty())).toList()))
                .timeout(timeout, Mono.empty(), timer);
    }

    /** How many transactions are running. */
    public int size() {
        return running.size();
    }
}
