package dev.reactivemcp.benchmarks.driver;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
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
        Bursts.Result r = Bursts.fire(client, calls);
        double seconds = (r.endedAt() - r.startedAt()) / 1e9;
        int peak = Meter.peakThreads();
        client.close();
        long[] sorted = r.sortedLatencies();
        return new InFlight(calls, r.done(), r.errors(), r.firstError(), seconds,
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
