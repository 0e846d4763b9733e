package dev.reactivemcp.benchmarks.driver;

import dev.reactivemcp.transport.internal.ReactorNettyExchange;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Many servers per process (issue 16, deliver 4): {@code --servers} (1,000) {@code McpClient}s in this JVM, each to
 * its own endpoint (one {@code BenchServer} process listening on that many loopback ports), as a service holding one
 * client per MCP server builds them. Per pass (legacy and 2026-07-28, on one shared {@code HttpClient} whose
 * {@code ConnectionProvider} holds one pool per endpoint, and on the SDK's default {@code HttpClient}):
 * <ol>
 *   <li>build and connect every client (handshake), leave them idle: heap per client after GC, live threads, and the
 *       connections open at the server;</li>
 *   <li>the same heap with every endpoint's pool disposed ({@code ConnectionProvider#disposeWhen}): the clients'
 *       own heap without their idle connection and pool, so the two are reported apart;</li>
 *   <li>{@code --calls} (10) {@code tools/call}s per client all at once (10,000 in flight): p50/p99/max, errors,
 *       peak threads, peak connections open at the server;</li>
 *   <li>close every client, then dispose the pools (the shared one: its owner, the application, does that at
 *       shutdown; the SDK's default: per endpoint): connections open at the server and live threads after each.</li>
 * </ol>
 *
 * <pre>
 * java -cp ... dev.reactivemcp.benchmarks.driver.ManyServers [--servers=1000] [--calls=10] [--per-server=10]
 *     [--no-default] [--histo] [--evict-ms=N] [--out=benchmarks/results/many-latest.md]
 * </pre>
 * {@code --histo}: a class histogram of the live heap (the JVM's {@code GC.class_histogram}) before and after the
 * clients, the difference per client printed to standard error (the profile of a missed heap target).
 * {@code --per-server}: the shared pool's maximum connections per endpoint (pending acquires unbounded).
 * {@code --evict-ms=N}: the shared pool also gets {@code maxIdleTime}, {@code evictInBackground} and
 * {@code disposeInactivePoolsInBackground} of N ms (the SDK default pool's bounds, 30 s and 5 min, made short), and
 * each shared pass logs the heap per client and open connections again after 4 N ms idle.
 * Blocks only in {@link #main} and {@link #section} (main threads).
 */
public final class ManyServers {

    private ManyServers() { }

    /** Settings; see the class comment. */
    record Options(int servers, int calls, int perServer, boolean sdkDefault, boolean histo, Path out,
                   long evictMillis) {

        static Options parse(String[] args) {
            Flags f = Flags.parse(args);
            int servers = f.integer("servers", 1000);
            int calls = f.integer("calls", 10);
            int perServer = f.integer("per-server", 10);
            boolean sdkDefault = !f.isSet("no-default");
            boolean histo = f.isSet("histo");
            Path out = f.path("out", null);
            long evictMillis = f.integer("evict-ms", 0);
            f.rejectUnknown();
            if (servers < 1 || servers > 5000 || calls < 1 || calls > 100 || perServer < 1) {
                throw new IllegalArgumentException("servers 1..5000, calls 1..100, per-server >= 1");
            }
            return new Options(servers, calls, perServer, sdkDefault, histo, out, evictMillis);
        }
    }

    /** One pass's figures; heap in bytes per client, open = connections open at the server. */
    record Pass(String label, int clients, double heapPerClient, double heapPerClientNoConnections,
                int threadsBefore, int threadsIdle, int openIdle, long callsOk, long errors, String firstError,
                double p50Millis, double p99Millis, double maxMillis, double wallSeconds, int peakThreads,
                int peakOpen, int openAfterClose, int threadsAfterClose, int openAfterDispose,
                int threadsAfterDispose) { }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        StandaloneReport.emit("Many servers per process", section(o), o.out());
        System.exit(0);
    }

    /** Runs every pass and returns the markdown section (level-2 heading). Blocks: call from a main thread. */
    static String section(Options o) throws IOException {
        List<Pass> passes = new ArrayList<>();
        String serverStats;
        try (ServerProcess server = ServerProcess.start("--mode=json", "--ports=" + o.servers())) {
            List<URI> endpoints = server.endpoints();
            LoadDriver.log("many: " + endpoints.size() + " endpoints on server pid " + server.pid() + ", "
                    + endpoints.get(0) + " .. " + endpoints.get(endpoints.size() - 1));
            // JIT and class loading of every path first: a small unreported pass
            run(o, server, endpoints.subList(0, Math.min(50, endpoints.size())), false, "shared", true);
            run(o, server, endpoints.subList(0, Math.min(50, endpoints.size())), true, "shared", true);
            for (boolean modern : new boolean[] {false, true}) {
                passes.add(run(o, server, endpoints, modern, "shared", false));
            }
            if (o.sdkDefault()) {
                for (boolean modern : new boolean[] {false, true}) {
                    passes.add(run(o, server, endpoints, modern, "default", false));
                }
            }
            server.close();
            serverStats = server.stats();
        }
        return render(o, passes, serverStats);
    }

    private static Pass run(Options o, ServerProcess server, List<URI> endpoints, boolean modern, String http,
                            boolean warmUp) {
        String label = (modern ? "2026-07-28" : "legacy") + ", " + (http.equals("shared")
                ? "shared HttpClient (pool of " + o.perServer() + " per endpoint)"
                : "SDK default HttpClient");
        LoadDriver.log("many: " + (warmUp ? "warm-up " : "") + label);
        int n = endpoints.size();
        ConnectionProvider provider;
        HttpClient shared;
        if (http.equals("shared")) {
            ConnectionProvider.Builder pool = ConnectionProvider.builder("many")
                    .maxConnections(o.perServer())
                    .pendingAcquireMaxCount(-1)
                    .pendingAcquireTimeout(Duration.ofSeconds(60));
            if (o.evictMillis() > 0) { // the SDK default pool's bounds (30 s idle, empty pools gone after 5 min), faster
                Duration d = Duration.ofMillis(o.evictMillis());
                pool.maxIdleTime(d).evictInBackground(d).disposeInactivePoolsInBackground(d, d);
            }
            provider = pool.build();
            shared = HttpClient.create(provider);
        } else {
            shared = null; // McpClient's default: ReactorNettyExchange.defaultClient(), one pool per endpoint
            provider = ReactorNettyExchange.defaultClient().configuration().connectionProvider();
        }
        Function<URI, SdkClient> build = uri -> new SdkClient(uri, modern, shared);

        int threadsBefore = Meter.liveThreads();
        boolean histo = o.histo() && !warmUp;
        java.util.Map<String, long[]> h0 = Histogram.take();
        long heap0 = Histogram.bytes(h0);
        // A histogram kept for the diff is itself live heap (a map of ~2,000 classes, ~0.4 MB): without --histo it is
        // dropped at once; with it, its size is measured (a second histogram while it is held) and subtracted.
        long held = 0;
        if (histo) {
            held = Math.max(0, Histogram.bytes(Histogram.take()) - heap0);
        } else {
            h0 = null;
        }
        List<SdkClient> clients = new ArrayList<>(n);
        for (URI uri : endpoints) {
            clients.add(build.apply(uri));
        }
        Flux.fromIterable(clients).flatMap(SdkClient::connect, 64).then().block(Duration.ofSeconds(120));
        java.util.Map<String, long[]> h1 = Histogram.take();
        long heap1 = Histogram.bytes(h1) - held;
        int threadsIdle = Meter.liveThreads();
        int openIdle = open(server);
        if (histo) {
            LoadDriver.log("  heap histogram, idle clients minus before (" + label + "):\n"
                    + Histogram.diff(h0, h1, n, 30, held));
        }
        h1 = null; // not live during the next histogram
        if (o.evictMillis() > 0 && http.equals("shared") && !warmUp) {
            sleepMillis(4 * o.evictMillis());  // idle for longer than maxIdleTime plus the eviction and disposal runs
            settle();
            long heapEvicted = Histogram.bytes(Histogram.take()) - held;
            LoadDriver.log(String.format(Locale.ROOT, "  %s: after %d ms idle (maxIdleTime, evictInBackground and "
                            + "disposeInactivePoolsInBackground of %d ms): heap/client %.0f B, open at server %d",
                    label, 4 * o.evictMillis(), o.evictMillis(), (double) (heapEvicted - heap0) / n, open(server)));
        }
        // the same clients without their idle connection and pool: every endpoint's pool disposed
        disposePools(provider, endpoints);
        settle();   // the pools' disposal is asynchronous
        java.util.Map<String, long[]> h2 = Histogram.take();
        long heap2 = Histogram.bytes(h2) - held;
        if (histo) {
            LoadDriver.log("  heap histogram, idle clients without pools minus before (" + label + "):\n"
                    + Histogram.diff(h0, h2, n, 30, held));
        }

        server.resetPeaks();
        Meter.resetPeakThreads();
        Burst b = fire(clients, o.calls());
        int peakThreads = Meter.peakThreads();
        int peakOpen = (int) server.counters().peakOpen();

        Flux.fromIterable(clients).flatMap(c -> Mono.fromRunnable(c::close), 64).then()
                .block(Duration.ofSeconds(120));
        settle();
        int openAfterClose = open(server);
        int threadsAfterClose = Meter.liveThreads();
        if (shared != null) {
            provider.disposeLater().block(Duration.ofSeconds(30));  // the application's shutdown
        } else {
            disposePools(provider, endpoints);   // the SDK's process-wide default pool is never disposed
        }
        settle();
        int openAfterDispose = open(server);
        int threadsAfterDispose = Meter.liveThreads();
        Pass p = new Pass(label, n, (double) (heap1 - heap0) / n, (double) (heap2 - heap0) / n, threadsBefore,
                threadsIdle, openIdle, b.ok, b.errors, b.firstError, pct(b.sorted, 0.5), pct(b.sorted, 0.99),
                b.sorted.length == 0 ? 0 : b.sorted[b.sorted.length - 1] / 1e6, b.wallSeconds, peakThreads,
                peakOpen, openAfterClose, threadsAfterClose, openAfterDispose, threadsAfterDispose);
        LoadDriver.log(String.format(Locale.ROOT, "  %s: heap/client %.0f B (without connections %.0f B), threads "
                        + "%d -> %d idle, open at server %d; %d calls: ok %d errors %d p50 %.1f ms p99 %.1f ms max "
                        + "%.1f ms, peak threads %d, peak open %d; after close: open %d threads %d; after dispose: "
                        + "open %d threads %d%s", label, p.heapPerClient(), p.heapPerClientNoConnections(),
                threadsBefore, threadsIdle, openIdle, (long) n * o.calls(), b.ok, b.errors, p.p50Millis(),
                p.p99Millis(), p.maxMillis(), peakThreads, peakOpen, openAfterClose, threadsAfterClose,
                openAfterDispose, threadsAfterDispose, b.firstError == null ? "" : "; first error " + b.firstError));
        return p;
    }

    private record Burst(long[] sorted, long ok, long errors, String firstError, double wallSeconds) { }

    /** {@code calls} calls of every client, all subscribed at once, each timed from its own subscription. */
    private static Burst fire(List<SdkClient> clients, int calls) {
        int total = clients.size() * calls;
        long[] latencies = new long[total];
        AtomicInteger done = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        long t0 = System.nanoTime();
        Flux.fromIterable(clients)
                .flatMap(c -> Flux.range(0, calls).flatMap(i -> Mono.defer(() -> {
                    long start = System.nanoTime();
                    return c.call()
                            .doOnNext(t -> latencies[done.getAndIncrement()] = System.nanoTime() - start)
                            .onErrorResume(e -> {
                                errors.incrementAndGet();
                                firstError.compareAndSet(null, e.toString());
                                return Mono.empty();
                            });
                }), calls), clients.size())
                .then()
                .block(Duration.ofSeconds(180));
        double wall = (System.nanoTime() - t0) / 1e9;
        long[] sorted = Arrays.copyOf(latencies, done.get());
        Arrays.sort(sorted);
        return new Burst(sorted, sorted.length, errors.get(), firstError.get(), wall);
    }

    private static void disposePools(ConnectionProvider provider, List<URI> endpoints) {
        for (URI u : endpoints) {
            provider.disposeWhen(new InetSocketAddress(u.getHost(), u.getPort()));  // asynchronous
        }
    }

    /** Connections open at the server now. */
    private static int open(ServerProcess server) {
        return (int) server.counters().open();
    }

    /** Closed channels are counted when the server sees the close: a short wait, then the counts are read. */
    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void settle() {
        Meter.heapUsedAfterGc(); // four GCs, ~0.4 s: also lets the closes reach the server
    }

    private static double pct(long[] sorted, double q) {
        return LoadRun.percentile(sorted, q) / 1e6;
    }

    private static String render(Options o, List<Pass> passes, String serverStats) {
        StringBuilder sb = new StringBuilder("## Many servers per process (this SDK)\n\n");
        sb.append(String.format(Locale.ROOT, "%d `McpClient`s in one JVM, each to its own endpoint (one BenchServer "
                + "process on %d loopback ports, JSON): connected and idle, then %d `tools/call`s per client all at "
                + "once (%d in flight), then all closed. Heap: live bytes in the class histogram (a full GC "
                + "first) with the clients minus before them; \"without connections\": the same clients "
                + "with every endpoint's Reactor Netty pool disposed (their idle connection and pool gone). "
                + "Connections are counted at the server. Target: < 4 KB heap per idle client, no thread per "
                + "client.\n\n", o.servers(), o.servers(), o.calls(), o.servers() * o.calls()));
        sb.append("| pass | heap per idle client (B) | of it, without connections (B) | threads before / idle "
                + "| open at server, idle | calls ok / errors | p50 / p99 / max (ms) | wall (s) | peak threads "
                + "| peak open | after close: open / threads | after pool dispose: open / threads |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Pass p : passes) {
            sb.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %d / %d | %d | %d / %d | %.1f / %.1f / "
                            + "%.1f | %.2f | %d | %d | %d / %d | %d / %d |\n", p.label(), p.heapPerClient(),
                    p.heapPerClientNoConnections(), p.threadsBefore(), p.threadsIdle(), p.openIdle(), p.callsOk(),
                    p.errors(), p.p50Millis(), p.p99Millis(), p.maxMillis(), p.wallSeconds(), p.peakThreads(),
                    p.peakOpen(), p.openAfterClose(), p.threadsAfterClose(), p.openAfterDispose(),
                    p.threadsAfterDispose()));
        }
        for (Pass p : passes) {
            if (p.firstError() != null) {
                sb.append("\nfirst error (").append(p.label()).append("): `").append(p.firstError()).append("`\n");
            }
        }
        sb.append("\nserver: ").append(serverStats).append("\n");
        return sb.toString();
    }
}
