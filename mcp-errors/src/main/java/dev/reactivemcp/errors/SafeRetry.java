package dev.reactivemcp.errors;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * A Reactor {@link Retry} that retries only what {@link McpFailures#isSafeToRetry(Throwable)} allows, with
 * exponential backoff, and waits at least as long as the server asked ({@code Retry-After} on 429 and 503, RFC 9110
 * section 10.2.3). A server that asks for more than {@link #maxRetryAfter(Duration)} is not retried: its failure
 * passes through. When the retries are spent the last failure passes through as it is (not wrapped). Immutable: each
 * {@code withX}-style method returns a copy.
 *
 * <pre>{@code
 * client.callTool("create-ticket", args)
 *     .retryWhen(SafeRetry.of(3, Duration.ofMillis(100)));
 * }</pre>
 *
 * <p>Time comes from the {@link #scheduler(Scheduler)} (default {@code Schedulers.parallel()}, looked up at
 * subscription), so a {@code StepVerifier.withVirtualTime} test controls the delays and the HTTP-date form alike.
 */
public final class SafeRetry extends Retry {

    private final long maxRetries;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final Duration maxRetryAfter;
    private final double jitter;
    private final Scheduler scheduler;

    private SafeRetry(long maxRetries, Duration firstBackoff, Duration maxBackoff, Duration maxRetryAfter,
                      double jitter, Scheduler scheduler) {
        this.maxRetries = maxRetries;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.maxRetryAfter = maxRetryAfter;
        this.jitter = jitter;
        this.scheduler = scheduler;
    }

    /**
     * At most {@code maxRetries} retries, the n-th after {@code firstBackoff * 2^n} (at most 10 s, jitter 50%), or
     * after the server's {@code Retry-After} when that is longer (at most 60 s).
     *
     * @param maxRetries   how many retries at most, not counting the first attempt; 0 or more
     * @param firstBackoff the backoff before the first retry, doubled for each further one; positive
     * @return the retry spec
     * @throws IllegalArgumentException when {@code maxRetries} is negative or {@code firstBackoff} is {@code null},
     *                                  zero or negative
     */
    public static SafeRetry of(long maxRetries, Duration firstBackoff) {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0: " + maxRetries);
        }
        requirePositive(firstBackoff, "firstBackoff");
        return new SafeRetry(maxRetries, firstBackoff, Duration.ofSeconds(10), Duration.ofSeconds(60), 0.5, null);
    }

    /**
     * The longest backoff (not counting {@code Retry-After}).
     *
     * @param max the cap on the exponential backoff, jitter included (default 10 s); positive
     * @return a copy with this cap
     * @throws IllegalArgumentException when {@code max} is {@code null}, zero or negative
     */
    public SafeRetry maxBackoff(Duration max) {
        requirePositive(max, "maxBackoff");
        return new SafeRetry(maxRetries, firstBackoff, max, maxRetryAfter, jitter, scheduler);
    }

    /**
     * The longest {@code Retry-After} waited for; a server asking for more is not retried.
     *
     * @param max the longest wait the server may ask for (default 60 s); positive
     * @return a copy with this limit
     * @throws IllegalArgumentException when {@code max} is {@code null}, zero or negative
     */
    public SafeRetry maxRetryAfter(Duration max) {
        requirePositive(max, "maxRetryAfter");
        return new SafeRetry(maxRetries, firstBackoff, maxBackoff, max, jitter, scheduler);
    }

    /**
     * The jitter factor, 0 (none) to 1: a backoff {@code b} becomes a random delay in {@code [b(1-j), b(1+j)]}.
     *
     * @param factor the jitter {@code j}, within [0, 1] (default 0.5; 0 gives exact delays, for tests)
     * @return a copy with this jitter
     * @throws IllegalArgumentException when {@code factor} is outside [0, 1] or NaN
     */
    public SafeRetry jitter(double factor) {
        if (!(factor >= 0 && factor <= 1)) {
            throw new IllegalArgumentException("jitter must be within [0, 1]: " + factor);
        }
        return new SafeRetry(maxRetries, firstBackoff, maxBackoff, maxRetryAfter, factor, scheduler);
    }

    /**
     * The scheduler that times the delays and tells the time for an HTTP-date {@code Retry-After}.
     *
     * @param timer the scheduler, for example a {@code VirtualTimeScheduler} in tests; not {@code null}
     * @return a copy that uses it
     * @throws NullPointerException when {@code timer} is {@code null}
     */
    public SafeRetry scheduler(Scheduler timer) {
        return new SafeRetry(maxRetries, firstBackoff, maxBackoff, maxRetryAfter, jitter,
            Objects.requireNonNull(timer, "scheduler"));
    }

    @Override
    public Flux<Long> generateCompanion(Flux<RetrySignal> retrySignals) {
        return Flux.defer(() -> {
            Scheduler timer = scheduler != null ? scheduler : Schedulers.parallel();
            return retrySignals.concatMap(signal -> {
                Throwable failure = signal.failure();
                long attempt = signal.totalRetries();
                if (attempt >= maxRetries || !McpFailures.isSafeToRetry(failure)) {
                    return Mono.error(failure);
                }
                Optional<Duration> asked = McpFailures.retryAfter(failure, clockOf(timer));
                if (asked.isPresent() && asked.get().compareTo(maxRetryAfter) > 0) {
                    return Mono.error(failure);
                }
                Duration wait = backoffFor(attempt);
                if (asked.isPresent() && asked.get().compareTo(wait) > 0) {
                    wait = asked.get();
                }
                return Mono.delay(wait, timer).thenReturn(attempt);
            });
        });
    }

    /** The n-th backoff (0-based), jittered and capped. */
    Duration backoffFor(long attempt) {
        Duration base;
        try {
            base = attempt >= 62 ? maxBackoff : firstBackoff.multipliedBy(1L << attempt);
        } catch (ArithmeticException overflow) {
            base = maxBackoff;
        }
        if (base.compareTo(maxBackoff) > 0) {
            base = maxBackoff;
        }
        if (jitter == 0) {
            return base;
        }
        long nanos = base.toNanos();
        long spread = (long) (nanos * jitter);
        long jittered = nanos - spread + (spread == 0 ? 0 : ThreadLocalRandom.current().nextLong(2 * spread + 1));
        return Duration.ofNanos(Math.min(jittered, maxBackoff.toNanos()));
    }

    private static Clock clockOf(Scheduler timer) {
        return new Clock() {
            @Override public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override public Instant instant() {
                return Instant.ofEpochMilli(timer.now(TimeUnit.MILLISECONDS));
            }
        };
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }

    @Override
    public String toString() {
        return "SafeRetry[maxRetries=" + maxRetries + ", firstBackoff=" + firstBackoff + ", maxBackoff=" + maxBackoff
            + ", maxRetryAfter=" + maxRetryAfter + ", jitter=" + jitter + "]";
    }
}
