package dev.reactivemcp.benchmarks.driver;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import reactor.netty.http.client.HttpClient;

/**
 * The load driver: starts the loopback servers (JSON and SSE) as child processes, then per mode and concurrency
 * runs alternating rounds A B C A B C of this SDK (A), the floor (B) and the official MCP Java SDK (C), then the
 * handshake latency, the 10,000-in-flight test, the idle-client memory and (unless {@code --no-refresh})
 * {@link RefreshUnderLoad}. Writes a markdown report to stdout and
 * to {@code --out} (default {@code benchmarks/results/latest.md}). See benchmarks/README.md for the flags.
 */
public final class LoadDriver {

    private LoadDriver() { }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].startsWith("--cold-init=")) {
            InitLatency.coldChild(args);
            return;
        }
        boolean refresh = !List.of(args).contains("--no-refresh"); // --no-refresh: skip RefreshUnderLoad
        boolean officialHttp2 = List.of(args).contains("--official-http2"); // C asks the JDK for HTTP/2
        boolean h2StrictReuse = List.of(args).contains("--h2-strict-reuse"); // A's and B's H2 pools: one connection
        boolean many = !List.of(args).contains("--no-many"); // --no-many: skip ManyServers
        boolean filter = !List.of(args).contains("--no-filter"); // --no-filter: skip FilterCost
        Settings s = Settings.parse(Arrays.stream(args).filter(a -> !a.equals("--no-refresh") && !a.equals("--no-many")
                && !a.equals("--no-filter")
                && !a.equals("--official-http2") && !a.equals("--h2-strict-reuse")).toArray(String[]::new));
        long started = System.nanoTime();
        Report report = new Report();
        int maxConc = s.concurrency().stream().mapToInt(Integer::intValue).max().orElse(1);
        // --sdk-default-http: A on the SDK's own default (HttpClient.create(), Reactor Netty's global pool)
        // servers (plain, TLS, h2) start on first use; A and B get identical pools and TLS per wire
        try (Servers servers = new Servers(Math.max(64, maxConc * 2), s.sdkDefaultHttp(), officialHttp2,
                h2StrictReuse)) {
            for (Mode mode : s.modes()) { // JIT warm-up of every client on every mode before anything is measured
                measureMode(s, null, mode, servers);
            }
            for (Mode mode : s.modes()) {
                measureMode(s, report, mode, servers);
            }
            for (Mode mode : s.modes()) {
                handshakes(s, report, mode, servers);
            }
            if (s.scale()) {
                report.section(scale(s, servers.endpoint(new Mode(false, false))));
            }
        }
        if (refresh) {
            report.section(RefreshUnderLoad.section(RefreshUnderLoad.Options.parse(new String[0])));
        }
        if (filter) {
            report.section(FilterCost.section(FilterCost.Options.parse(new String[] {"--rounds=5", "--seconds=2", "--warmup=2"})));
        }
        if (many) {
            report.section(ManyServers.section(ManyServers.Options.parse(new String[0])));
        }
        double minutes = (System.nanoTime() - started) / 60e9;
        String md = report.render(header(s, minutes), s.modes(), s.concurrency());
        System.out.println(md);
        if (s.out() != null) {
            Files.createDirectories(s.out().toAbsolutePath().getParent());
            Files.writeString(s.out(), md);
            log("wrote " + s.out().toAbsolutePath());
        }
        System.exit(0);
    }

    /** Measures one mode into {@code report}; with a null report, only warms every client up on it. */
    private static void measureMode(Settings s, Report report, Mode mode, Servers servers) {
        log((report == null ? "warm-up " : "mode ") + mode.label());
        URI endpoint = servers.endpoint(mode);
        ServerProcess server = servers.server(mode);
        HttpClient httpA = servers.httpA(mode.wire());
        HttpClient httpB = servers.httpB(mode.wire());
        try (CapturedExchange captured = new CapturedExchange(endpoint, mode.modern(), httpB)) {
            List<BenchClient> clients = new ArrayList<>();
            if (s.runs('A')) {
                clients.add(new SdkClient(endpoint, mode.modern(), httpA));
            }
            if (s.runs('B')) {
                clients.add(new FloorClient(endpoint, httpB, captured, mode.modern()));
            }
            if (s.runs('C') && !mode.modern()) {
                clients.add(servers.official(mode));
            }
            for (BenchClient c : clients) {
                c.connect().block(Duration.ofSeconds(30));
                String text = c.call().block(Duration.ofSeconds(30));
                if (text == null || text.length() != 64) {
                    throw new IllegalStateException(c.label() + " got a wrong answer: " + text);
                }
            }
            for (BenchClient c : clients) {
                LoadRun.run(c, 16, s.runTime().multipliedBy(report == null ? 2 : 1), s.maxCallsPerRun());
                if (report == null) {
                    LoadRun.run(c, 1, s.runTime(), s.maxCallsPerRun());
                }
            }
            if (report == null) {
                clients.forEach(BenchClient::close);
                return;
            }
            for (int conc : s.concurrency()) {
                // more rounds (up to twice as many) while A's or B's CPU per call spreads more than 20% round to round
                int planned = s.warmupRounds() + s.rounds();
                for (int round = 0; round < planned || round < s.warmupRounds() + 2 * s.rounds()
                        && (report.spread(mode, conc, "A this SDK") > 0.2
                        || report.spread(mode, conc, "B floor") > 0.2); round++) {
                    boolean measured = round >= s.warmupRounds();
                    for (BenchClient c : clients) {
                        server.counters(); // a new counting period: this run's connections and handshakes
                        RunResult r = LoadRun.run(c, conc, s.runTime(), s.maxCallsPerRun());
                        WireStats w = server.counters();
                        if (measured) {
                            report.add(mode, conc, c.label(), r);
                            report.wire(mode, conc, c.label(), w);
                        }
                        log(String.format(Locale.ROOT, "  %-12s c=%-4d %s %-15s %8.0f calls/s p50 %6.0f µs "
                                        + "cpu %6.1f µs alloc %7.0f B threads %d errors %d conns %d/%d tls %d/%d %s",
                                mode.label(), conc,
                                measured ? "run " : "warm", c.label(), r.callsPerSecond(), r.p50Micros(),
                                r.cpuMicrosPerCall(), r.allocBytesPerCall(), r.peakThreads(), r.errors(),
                                w.opened(), w.used(), w.tlsFull(), w.tlsResumed(), w.protocol()));
                    }
                }
            }
            clients.forEach(BenchClient::close);
        }
    }

    private static void handshakes(Settings s, Report report, Mode mode, Servers servers) throws IOException {
        log("handshakes " + mode.label());
        URI endpoint = servers.endpoint(mode);
        ServerProcess server = servers.server(mode);
        HttpClient httpA = servers.httpA(mode.wire());
        HttpClient httpB = servers.httpB(mode.wire());
        Wire wire = mode.wire();
        List<String> childArgs = new ArrayList<>();
        if (wire.secure()) {
            childArgs.add("--tls-root=" + servers.tls().rootPem());
            childArgs.add("--wire=" + wire.name());
        }
        if (servers.officialHttp2()) {
            childArgs.add("--official-http2");
        }
        try (CapturedExchange captured = new CapturedExchange(endpoint, mode.modern(), httpB)) {
            Path posts = InitLatency.writePosts(captured, mode.modern());
            // over TLS each warm session gets a new pool, so it pays a new connection and TLS handshake (the
            // shared SslContext lets the JDK resume the session: the server counts full and resumed handshakes)
            if (s.runs('A')) {
                double cold = InitLatency.coldMillis('A', endpoint, mode.modern(), null, childArgs);
                server.counters();
                double warm = InitLatency.warmMedianMillis(() -> wire.secure()
                        ? FreshPool.of(pool -> new SdkClient(endpoint, mode.modern(), servers.tls().secure(
                                HttpClient.create(pool), wire)))
                        : new SdkClient(endpoint, mode.modern(), httpA), s.initSessions());
                report.init(mode, "A this SDK", new InitLatency.Result(cold, warm), server.counters());
            }
            if (s.runs('B')) {
                double cold = InitLatency.coldMillis('B', endpoint, mode.modern(), posts, childArgs);
                server.counters();
                double warm = InitLatency.warmMedianMillis(() -> wire.secure()
                        ? FreshPool.of(pool -> new FloorClient(endpoint, servers.tls().secure(
                                HttpClient.create(pool), wire), captured, mode.modern()))
                        : new FloorClient(endpoint, httpB, captured, mode.modern()), s.initSessions());
                report.init(mode, "B floor", new InitLatency.Result(cold, warm), server.counters());
            }
            if (s.runs('C') && !mode.modern()) {
                double cold = InitLatency.coldMillis('C', endpoint, false, null, childArgs);
                server.counters();
                double warm = InitLatency.warmMedianMillis(() -> servers.official(mode), s.initSessions());
                report.init(mode, "C official SDK", new InitLatency.Result(cold, warm), server.counters());
            }
        }
    }

    private static String scale(Settings s, URI fastEndpoint) throws IOException {
        StringBuilder sb = new StringBuilder("## Scale (this SDK)\n\n");
        log("scale: " + s.scaleCalls() + " in-flight calls, server delay " + s.scaleDelayMs() + " ms");
        Scale.InFlight r;
        String stats;
        try (ServerProcess slow = ServerProcess.start("--mode=json", "--delay-ms=" + s.scaleDelayMs())) {
            r = Scale.inFlight(slow.endpoint(), s.scaleCalls(), s.scaleConnections());
            slow.close();
            stats = slow.stats();
        }
        sb.append(String.format(Locale.ROOT, "- %d concurrent `tools/call`s from one client (legacy JSON, server "
                        + "answers after %d ms, pool of up to %d connections): %d ok, %d errors, %.1f s wall, "
                        + "p50 %.0f ms, p99 %.0f ms; client live threads %d before, peak %d during; server: %s%s\n",
                r.calls(), s.scaleDelayMs(), s.scaleConnections(), r.ok(), r.errors(), r.seconds(), r.p50Millis(),
                r.p99Millis(), r.threadsBefore(), r.peakThreads(), stats,
                r.firstError() == null ? "" : "; first error: `" + r.firstError() + "`"));
        return sb.toString();
    }

    private static String header(Settings s, double minutes) {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
        } catch (IOException e) {
            // keep unknown
        }
        return "# MCP client benchmark: this SDK vs the floor vs the official MCP Java SDK\n\n"
                + "- date: " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME) + "\n"
                + "- machine: " + Runtime.getRuntime().availableProcessors() + " cores, " + cpu + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + "\n"
                + "- JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
                + ", driver flags " + ManagementFactory.getRuntimeMXBean().getInputArguments() + "\n"
                + "- clients: A = dev.reactivemcp McpClient 0.1.0-SNAPSHOT; B = bare Reactor Netty POST of the "
                + "same bytes + Jackson 3 parse; C = io.modelcontextprotocol.sdk:mcp 2.1.0 "
                + "(HttpClientStreamableHttpTransport, JDK HttpClient)\n"
                + "- settings: " + s.warmupRounds() + " warm-up + " + s.rounds() + " measured rounds of "
                + s.runTime().toMillis() + " ms per client, alternating A B C; concurrency " + s.concurrency()
                + "; server in its own JVM on 127.0.0.1; total " + String.format(Locale.ROOT, "%.1f", minutes)
                + " min\n"
                + "- CPU = driver process CPU time / calls (server excluded); alloc = heap bytes allocated by all "
                + "driver threads / calls; threads = peak live threads of the driver JVM during the run\n"
                + (s.modes().stream().noneMatch(m -> m.wire().secure()) ? "" : "- HTTPS rows: TLS = HTTPS, "
                + "HTTP/1.1 only; h2 = HTTPS, server offers h2 and http/1.1 by ALPN, A and B ask for h2 first; a "
                + "throwaway EC P-256 CA (TestPki) and a certificate for 127.0.0.1; A and B share one client "
                + "SslContext per wire and identical pools; C: JDK HttpClient with an SSLContext trusting the root ("
                + "the official transport pins HTTP/1.1 unless --official-http2)\n");
    }

    static void log(String line) {
        System.err.println(line);
    }
}
