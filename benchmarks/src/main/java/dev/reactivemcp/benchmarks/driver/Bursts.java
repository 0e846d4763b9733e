package dev.reactivemcp.benchmarks.driver;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** All {@code calls} of a client at once, each timed from its own subscription (the scale and refresh tests). */
final class Bursts {

    private Bursts() { }

    /**
     * What a burst did. Times are {@code System.nanoTime()} values; {@code firstDoneAt} is 0 when no call succeeded.
     *
     * @param sortedLatencies nanoseconds of each successful call, ascending
     */
    record Result(long[] sortedLatencies, long errors, String firstError, long startedAt, long firstDoneAt,
                  long endedAt) {
        int done() {
            return sortedLatencies.length;
        }
    }

    /** Fires {@code calls} calls of {@code client} concurrently and waits (at most 180 s) for all of them. */
    static Result fire(BenchClient client, int calls) {
        long[] latencies = new long[calls];
        AtomicInteger done = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        AtomicLong firstDoneAt = new AtomicLong();
        long t0 = System.nanoTime();
        Flux.range(0, calls)
                .flatMap(i -> Mono.defer(() -> {
                    long start = System.nanoTime();
                    return client.call()
                            .doOnNext(t -> {
                                long now = System.nanoTime();
                                latencies[done.getAndIncrement()] = now - start;
                                firstDoneAt.compareAndSet(0, now);
                            })
                            .onErrorResume(e -> {
                                errors.incrementAndGet();
                                firstError.compareAndSet(null, e.toString());
                                return Mono.empty();
                            });
                }), calls)
                .then()
                .block(Duration.ofSeconds(180));
        long end = System.nanoTime();
        long[] sorted = Arrays.copyOf(latencies, done.get());
        Arrays.sort(sorted);
        return new Result(sorted, errors.get(), firstError.get(), t0, firstDoneAt.get(), end);
    }
}
