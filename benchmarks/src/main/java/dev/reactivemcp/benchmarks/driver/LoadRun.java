package dev.reactivemcp.benchmarks.driver;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Drives one client with {@code concurrency} callers for a bounded time and a bounded number of calls: each caller
 * issues its next call when the previous one completes. Latencies go to a preallocated array so that recording
 * allocates nothing.
 */
final class LoadRun {

    private LoadRun() { }

    static RunResult run(BenchClient client, int concurrency, Duration duration, int maxCalls) {
        long[] latencies = new long[maxCalls];
        AtomicInteger count = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        System.gc();
        Meter.resetPeakThreads();
        Meter.Snapshot before = Meter.snapshot();
        long deadline = before.wallNanos() + duration.toNanos();
        Flux.range(0, concurrency)
                .flatMap(worker -> Mono.defer(() -> {
                    long start = System.nanoTime();
                    return client.call()
                            .doOnNext(text -> {
                                long took = System.nanoTime() - start;
                                int i = count.getAndIncrement();
                                if (i < latencies.length) {
                                    latencies[i] = took;
                                }
                            })
                            .onErrorResume(e -> {
                                errors.incrementAndGet();
                                firstError.compareAndSet(null, e.toString());
                                return Mono.empty();
                            });
                }).repeat(() -> System.nanoTime() < deadline && count.get() < maxCalls
                        && errors.get() < 1000), concurrency)
                .then()
                .block(duration.plusSeconds(90));
        Meter.Snapshot after = Meter.snapshot();
        int peak = Meter.peakThreads();
        int n = Math.min(count.get(), latencies.length);
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        double seconds = (after.wallNanos() - before.wallNanos()) / 1e9;
        long calls = count.get();
        return new RunResult(calls, errors.get(), calls / seconds, percentile(sorted, 0.50) / 1e3,
                percentile(sorted, 0.99) / 1e3,
                calls == 0 ? Double.NaN : (after.cpuNanos() - before.cpuNanos()) / 1e3 / calls,
                calls == 0 ? Double.NaN : (double) Meter.allocatedBetween(before, after) / calls,
                peak, firstError.get());
    }

    static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
