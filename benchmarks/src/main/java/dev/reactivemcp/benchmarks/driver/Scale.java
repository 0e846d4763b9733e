package dev.reactivemcp.benchmarks.driver;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/** Many in-flight calls from one client against a slow server; heap per idle connected client. */
final class Scale {

    /** The in-flight test's outcome. */
    record InFlight(int calls, long ok, long errors, String firstError, double seconds, double p50Millis,
                    double p99Millis, int peakThreads, int threadsBefore, String serverStats) { }

    /** Heap and threads per idle client. */
    record Idle(String client, int clients, double heapBytesPerClient, double threadsPerClient) { }

    private Scale() { }

    /** {@code calls} concurrent {@code tools/call}s from one client of this SDK (each answered after a delay). */
    static InFlight inFlight(URI slowEndpoint, int calls, int maxConnections) {
        HttpClient http = Http.pooled("scale", maxConnections);
        SdkClient client = new SdkClient(slowEndpoint, false, http);
        client.connect().block(Duration.ofSeconds(30));
        client.call().block(Duration.ofSeconds(30));
        int threadsBefore = Meter.liveThreads();
        Meter.resetPeakThreads();
        long[] latencies = new long[calls];
        AtomicInteger done = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        long t0 = System.nanoTime();
        Flux.range(0, calls)
                .flatMap(i -> Mono.defer(() -> {
                    long start = System.nanoTime();
                    return client.call().doOnNext(t -> latencies[done.getAndIncrement()] = System.nanoTime() - start)
                            .onErrorResume(e -> {
                                errors.incrementAndGet();
                                firstError.compareAndSet(null, e.toString());
                                return Mono.empty();
                            });
                }), calls)
                .then()
                .block(Duration.ofSeconds(180));
        double seconds = (System.nanoTime() - t0) / 1e9;
        int peak = Meter.peakThreads();
        client.close();
        long[] sorted = Arrays.copyOf(latencies, done.get());
        Arrays.sort(sorted);
        return new InFlight(calls, done.get(), errors.get(), firstError.get(), seconds,
                LoadRun.percentile(sorted, 0.5) / 1e6, LoadRun.percentile(sorted, 0.99) / 1e6, peak, threadsBefore,
                null);
    }

    /** Heap (after GC) and live threads added by {@code n} connected, idle clients, per client. */
    static Idle idle(String label, int n, Supplier<BenchClient> fresh) {
        long heap0 = Meter.heapUsedAfterGc();
        int threads0 = Meter.liveThreads();
        List<BenchClient> clients = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            clients.add(fresh.get());
        }
        Flux.fromIterable(clients).flatMap(c -> c.connect(), 16).then().block(Duration.ofSeconds(120));
        long heap1 = Meter.heapUsedAfterGc();
        int threads1 = Meter.liveThreads();
        Idle result = new Idle(label, n, (double) (heap1 - heap0) / n, (double) (threads1 - threads0) / n);
        for (BenchClient c : clients) {
            c.close();
        }
        return result;
    }
}
