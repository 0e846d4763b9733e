package dev.reactivemcp.oauth.internal.filter;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to refresh an access token (the AWS {@code CachedSupplier} model): from the prefetch instant
 * ({@code expiry - skew - jitter}) one background refresh runs while callers keep the current token; from the
 * stale instant ({@code expiry - staleMargin}) callers wait for the refresh. Failed prefetches are retried with
 * exponential backoff between {@code minBackoff} and {@code maxBackoff} until the stale instant.
 *
 * @param skew           how long before expiry the prefetch starts (default 60 s)
 * @param maxJitter      the prefetch starts up to this much earlier, at random, per token (default 10 s)
 * @param staleMargin    how long before expiry callers start to wait (default 10 s, at most {@code skew})
 * @param minBackoff     first delay between failed prefetches
 * @param maxBackoff     largest delay between failed prefetches
 * @param refreshTimeout the longest one token request may take inside the refresh transaction
 */
public record RefreshPolicy(Duration skew, Duration maxJitter, Duration staleMargin, Duration minBackoff,
                            Duration maxBackoff, Duration refreshTimeout) {

    /** The defaults: 60 s skew, 10 s jitter, 10 s stale margin, backoff 1 s to 30 s, 45 s refresh timeout. */
    public static final RefreshPolicy DEFAULT = new RefreshPolicy(Duration.ofSeconds(60), Duration.ofSeconds(10),
            Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(45));

    /** Validates. */
    public RefreshPolicy {
        for (Duration d : new Duration[] {skew, maxJitter, staleMargin, minBackoff, maxBackoff, refreshTimeout}) {
            if (Objects.requireNonNull(d, "durations must be set").isNegative()) {
                throw new IllegalArgumentException("durations must not be negative");
            }
        }
        if (staleMargin.compareTo(skew) > 0) {
            staleMargin = skew;
        }
        if (minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0 || refreshTimeout.isZero()) {
            throw new IllegalArgumentException("backoff and timeout must be positive, maxBackoff >= minBackoff");
        }
    }

    /** A copy with {@code skew} (the stale margin shrinks with it when larger). */
    public RefreshPolicy withSkew(Duration newSkew) {
        return new RefreshPolicy(newSkew, maxJitter, staleMargin, minBackoff, maxBackoff, refreshTimeout);
    }

    /** A copy with {@code jitter}. */
    public RefreshPolicy withMaxJitter(Duration jitter) {
        return new RefreshPolicy(skew, jitter, staleMargin, minBackoff, maxBackoff, refreshTimeout);
    }

    /** A copy with {@code margin}. */
    public RefreshPolicy withStaleMargin(Duration margin) {
        return new RefreshPolicy(skew, maxJitter, margin, minBackoff, maxBackoff, refreshTimeout);
    }

    /** The prefetch instant for a token expiring at {@code expiresAt}, jittered. */
    Instant prefetchAt(Instant expiresAt) {
        long jitterMillis = maxJitter.toMillis() <= 0 ? 0 : ThreadLocalRandom.current().nextLong(maxJitter.toMillis() + 1);
        return expiresAt.minus(skew).minusMillis(jitterMillis);
    }

    /** The stale instant for a token expiring at {@code expiresAt}. */
    Instant staleAt(Instant expiresAt) {
        return expiresAt.minus(staleMargin);
    }
}
