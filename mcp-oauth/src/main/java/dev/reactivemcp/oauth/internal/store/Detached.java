package dev.reactivemcp.oauth.internal.store;

import reactor.core.publisher.Mono;

/** Runs work that must finish once started (a persist, a refresh transaction) independently of its subscriber. */
public final class Detached {

    private Detached() { }

    /**
     * {@code work}, started on subscription and run to its end even when the subscriber cancels: cancelling only
     * stops waiting for it. Empty stays empty; errors are delivered to a subscriber still waiting.
     */
    public static <T> Mono<T> run(Mono<T> work) {
        return Mono.defer(() -> Mono.fromFuture(work.toFuture(), true));
    }
}
