package dev.reactivemcp.transport.spi;

import reactor.core.publisher.Mono;

/**
 * One run of a {@code Mono} shared by every subscriber that arrives while it runs, each added in constant time.
 * Reactor's {@code cache()} and {@code share()} copy their array of subscribers on every arrival, quadratic in the
 * number of concurrent waiters (10,000 callers waiting for one token refresh). The outcome is kept for every later
 * subscriber; the source runs with the context of the subscriber that started it.
 *
 * <pre>{@code
 * Mono<Tokens> refresh = SharedMono.cached(tokenEndpoint.refresh(refreshToken)); // one request, many waiters
 * }</pre>
 */
public final class SharedMono {

    private SharedMono() { }

    /**
     * Runs {@code source} once, at the first subscription, and gives its outcome to every subscriber; a cancelled
     * subscriber never cancels the source.
     *
     * @param <T> the value type
     * @param source the work to share
     * @return the shared {@code Mono}
     */
    public static <T> Mono<T> cached(Mono<T> source) {
        return dev.reactivemcp.transport.internal.SharedMono.cached(source);
    }

    /**
     * Shares one run of {@code source} while anyone waits for it: cancelled when every subscriber has cancelled
     * before the outcome, and started again by the next subscriber.
     *
     * @param <T> the value type
     * @param source the work to share
     * @return the shared {@code Mono}
     */
    public static <T> Mono<T> refCounted(Mono<T> source) {
        return dev.reactivemcp.transport.internal.SharedMono.refCounted(source);
    }
}
