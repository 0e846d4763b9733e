package dev.reactivemcp.benchmarks.driver;

import java.net.URI;
import java.time.Duration;
import reactor.netty.http.client.HttpClient;

/**
 * Many in-flight calls from one client against a slow server. (Heap per idle client is measured by
 * {@code ManyServers}, from the class histogram; this class's former {@code MemoryMXBean} figure was noise.)
 */
final class Scale {

    /** The in-flight test's outcome. */
    record InFlight(int calls, long ok, long errors, String firstError, double seconds, double p50Millis,
                    double p99Millis, int peakThreads, int threadsBefore, String serverStats) { }

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
}
