package dev.reactivemcp.oauth.internal.filter;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to refresh an access token (the AWS {@code CachedSupplier} model, scaled to the granted lifetime): from
 * the prefetch instant one background refresh runs while callers keep the current token; from the stale instant
 * callers wait for the refresh. Failed prefetches are retried with exponential backoff between
 * {@code minBackoff} and {@code maxBackoff} until the stale instant.
 *
 * <p>With {@code L} the lifetime the server granted ({@code expiresAt - issuedAt}):
 * <ul>
 *   <li>prefetch = {@code expiresAt - min(skew, L/10) - random[0, min(maxJitter, L/20)]}: 60 s + up to 10 s
 *       before expiry for tokens living 10 minutes or more, the last 10-15 % of the lifetime for shorter ones
 *       (a 30 s token is refreshed 25.5-27 s after issue, never "due" the moment it arrives: at a steady call
 *       rate about one refresh per lifetime);</li>
 *   <li>stale = {@code expiresAt - min(staleMargin, L/20)}, never before the prefetch instant;</li>
 *   <li>both never before {@code issuedAt}. An unknown issue time reads as a long lifetime (the fixed window);
 *       an unknown expiry is never refreshed on schedule, only after a 401.</li>
 * </ul>
 *
 * @param skew           how long before expiry the prefetch starts for long-lived tokens (default 60 s)
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

    /** Of the lifetime, at most this part (1/10) is the prefetch lead before the jitter. */
    static final int LEAD_DIVISOR = 10;
    /** Of the lifetime, at most this part (1/20) is jitter, and at most this part is the stale margin. */
    static final int MARGIN_DIVISOR = 20;

    /**
     * The prefetch instant of a token issued at {@code issuedAt} (null: unknown) and expiring at
     * {@code expiresAt}, jittered; never before the issue nor after the stale instant.
     */
    Instant prefetchAt(Instant issuedAt, Instant expiresAt) {
        long lifetime = lifetimeMillis(issuedAt, expiresAt);
        long lead = Math.min(skew.toMillis(), lifetime / LEAD_DIVISOR);
        long jitterBound = Math.min(maxJitter.toMillis(), lifetime / MARGIN_DIVISOR);
        long jitter = jitterBound <= 0 ? 0 : ThreadLocalRandom.current().nextLong(jitterBound + 1);
        Instant at = expiresAt.minusMillis(lead + jitter);
        Instant stale = staleAt(issuedAt, expiresAt);
        return notBefore(at.isAfter(stale) ? stale : at, issuedAt);
    }

    /** The stale instant of a token issued at {@code issuedAt} (null: unknown), expiring at {@code expiresAt}. */
    Instant staleAt(Instant issuedAt, Instant expiresAt) {
        long margin = Math.min(staleMargin.toMillis(), lifetimeMillis(issuedAt, expiresAt) / MARGIN_DIVISOR);
        return notBefore(expiresAt.minusMillis(margin), issuedAt);
    }

    /** The granted lifetime in ms: 0 when born expired, "long" (no cap applies) when the issue is unknown. */
    private static long lifetimeMillis(Instant issuedAt, Instant expiresAt) {
        if (issuedAt == null) {
            return Long.MAX_VALUE;
        }
        if (!issuedAt.isBefore(expiresAt)) {
            return 0;
        }
        Duration lifetime = Duration.between(issuedAt, expiresAt);
        return lifetime.compareTo(Duration.ofDays(365_000)) > 0 ? Long.MAX_VALUE : lifetime.toMillis();
    }

    private static Instant notBefore(Instant at, Instant issuedAt) {
        return issuedAt != null && at.isBefore(issuedAt) ? issuedAt : at;
    }
}
