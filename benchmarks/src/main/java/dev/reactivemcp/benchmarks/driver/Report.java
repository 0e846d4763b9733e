package dev.reactivemcp.benchmarks.driver;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** Collects medians and renders the markdown report. */
final class Report {

    static final String[] CLIENTS = {"A this SDK", "B floor", "C official SDK"};

    /** Key of one cell. */
    record Cell(Mode mode, int concurrency, String client) { }

    private final Map<Cell, List<RunResult>> runs = new LinkedHashMap<>();
    private final Map<String, InitLatency.Result> init = new LinkedHashMap<>();
    private final List<String> extra = new ArrayList<>();
    private final Map<Cell, List<WireStats>> wire = new LinkedHashMap<>();
    private final Map<String, WireStats> initWire = new LinkedHashMap<>();

    /** The server's wire counters of one measured run. */
    void wire(Mode mode, int concurrency, String client, WireStats w) {
        wire.computeIfAbsent(new Cell(mode, concurrency, client), k -> new ArrayList<>()).add(w);
    }

    /** A handshake latency with the server's wire counters over its warm fresh sessions. */
    void init(Mode mode, String client, InitLatency.Result r, WireStats w) {
        init(mode, client, r);
        initWire.put(mode.label() + "|" + client, w);
    }

    private double wireMedian(Mode mode, int conc, String client, ToDoubleFunction<WireStats> metric) {
        List<WireStats> ws = wire.get(new Cell(mode, conc, client));
        if (ws == null || ws.isEmpty()) {
            return Double.NaN;
        }
        double[] v = ws.stream().mapToDouble(metric).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    void add(Mode mode, int concurrency, String client, RunResult r) {
        runs.computeIfAbsent(new Cell(mode, concurrency, client), k -> new ArrayList<>()).add(r);
    }

    void init(Mode mode, String client, InitLatency.Result r) {
        init.put(mode.label() + "|" + client, r);
    }

    void section(String markdown) {
        extra.add(markdown);
    }

    double median(Mode mode, int conc, String client, ToDoubleFunction<RunResult> metric) {
        List<RunResult> rs = runs.get(new Cell(mode, conc, client));
        if (rs == null || rs.isEmpty()) {
            return Double.NaN;
        }
        double[] v = rs.stream().mapToDouble(metric).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Round-to-round spread of CPU per call: (max - min) / median over the measured rounds; 0 with one round. */
    double spread(Mode mode, int conc, String client) {
        List<RunResult> rs = runs.get(new Cell(mode, conc, client));
        if (rs == null || rs.size() < 2) {
            return 0;
        }
        double[] v = rs.stream().mapToDouble(RunResult::cpuMicrosPerCall).sorted().toArray();
        return (v[v.length - 1] - v[0]) / median(mode, conc, client, RunResult::cpuMicrosPerCall);
    }

    /** Measured rounds of a cell. */
    int rounds(Mode mode, int conc, String client) {
        List<RunResult> rs = runs.get(new Cell(mode, conc, client));
        return rs == null ? 0 : rs.size();
    }

    String render(String header, List<Mode> modes, List<Integer> concurrency) {
        StringBuilder sb = new StringBuilder(header);
        sb.append("\n## Per call (medians over the measured rounds)\n\n");
        sb.append("| mode | conc | client | calls/s | p50 µs | p99 µs | CPU µs/call | alloc KB/call | peak threads | errors | rounds | CPU spread |\n");
        sb.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Mode m : modes) {
            for (int c : concurrency) {
                for (String client : CLIENTS) {
                    List<RunResult> rs = runs.get(new Cell(m, c, client));
                    if (rs == null) {
                        if (m.modern() && client.startsWith("C")) {
                            sb.append(row(m.label(), c, client, "n/a (no 2026-07-28 support)"));
                        }
                        continue;
                    }
                    long errors = rs.stream().mapToLong(RunResult::errors).sum();
                    sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %.0f | %.0f | %.0f | %.1f | %.2f | %.0f | %d | %d | %.0f%% |\n",
                            m.label(), c, client, median(m, c, client, RunResult::callsPerSecond),
                            median(m, c, client, RunResult::p50Micros), median(m, c, client, RunResult::p99Micros),
                            median(m, c, client, RunResult::cpuMicrosPerCall),
                            median(m, c, client, RunResult::allocBytesPerCall) / 1024,
                            median(m, c, client, RunResult::peakThreads), errors, rs.size(),
                            spread(m, c, client) * 100));
                    rs.stream().map(RunResult::firstError).filter(e -> e != null).findFirst()
                            .ifPresent(e -> extra.add("- error in " + m.label() + " c=" + c + " " + client + ": `"
                                    + e.replace('`', '\'') + "`"));
                }
            }
        }
        if (!wire.isEmpty()) {
            sb.append("\n## Connections, TLS handshakes and protocol per run (counted by the server; medians)\n\n");
            sb.append("opened = connections accepted during the run; used = connections that carried at least one "
                    + "request of the run (pooled connections opened earlier count here); TLS full/resumed = "
                    + "handshakes completed during the run; protocol = what the requests of all measured runs "
                    + "arrived on.\n\n");
            sb.append("| mode | conc | client | calls/s | CPU µs/call | alloc KB/call | conns opened/run | "
                    + "conns used/run | TLS full/run | TLS resumed/run | protocol |\n");
            sb.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
            for (Mode m : modes) {
                for (int c : concurrency) {
                    for (String client : CLIENTS) {
                        List<WireStats> ws = wire.get(new Cell(m, c, client));
                        if (ws == null) {
                            continue;
                        }
                        WireStats sum = new WireStats(0, 0, 0, 0, 0, ws.stream().mapToLong(WireStats::h2).sum(),
                                ws.stream().mapToLong(WireStats::http1).sum(), 0, 0);
                        sb.append(String.format(Locale.ROOT,
                                "| %s | %d | %s | %.0f | %.1f | %.2f | %s | %s | %s | %s | %s |\n", m.label(), c,
                                client, median(m, c, client, RunResult::callsPerSecond),
                                median(m, c, client, RunResult::cpuMicrosPerCall),
                                median(m, c, client, RunResult::allocBytesPerCall) / 1024,
                                fmt1(wireMedian(m, c, client, WireStats::opened)),
                                fmt1(wireMedian(m, c, client, WireStats::used)),
                                fmt1(wireMedian(m, c, client, WireStats::tlsFull)),
                                fmt1(wireMedian(m, c, client, WireStats::tlsResumed)), sum.protocol()));
                    }
                }
            }
        }
        sb.append("\n## Ratios of this SDK (A) to the floor (B) and to the official SDK (C)\n\n");
        sb.append("Targets: CPU/call <= 1.3x floor, allocation/call <= 1.5x floor (issue #5, plain legacy rows). Over "
                + "HTTPS (TLS and h2 rows, issue #16): CPU/call <= 1.15x, allocation/call <= 1.3x, and no more "
                + "connections than the floor (median opened and used per run, counted by the server). The 2026-07-28 "
                + "era (modern rows, any wire; issue #16: the floor sends the same headers and `_meta`): CPU/call <= "
                + "1.1x, allocation/call <= 1.15x. Cells whose round-to-round CPU spread (max-min over median) stayed "
                + "above 20% after the extra rounds are marked `noisy`.\n\n");
        sb.append("| mode | conc | CPU ×floor | alloc ×floor | conns used A/B | targets | calls/s ×floor | CPU ×official | alloc ×official | calls/s ×official | p99 ×official |\n");
        sb.append("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|\n");
        for (Mode m : modes) {
            for (int c : concurrency) {
                double cpu = ratio(m, c, "B floor", RunResult::cpuMicrosPerCall);
                double alloc = ratio(m, c, "B floor", RunResult::allocBytesPerCall);
                boolean tls = m.wire().secure();
                double usedA = wireMedian(m, c, "A this SDK", WireStats::used);
                double usedB = wireMedian(m, c, "B floor", WireStats::used);
                double openedA = wireMedian(m, c, "A this SDK", WireStats::opened);
                double openedB = wireMedian(m, c, "B floor", WireStats::opened);
                double cpuTarget = m.modern() ? 1.1 : tls ? 1.15 : 1.3;
                double allocTarget = m.modern() ? 1.15 : tls ? 1.3 : 1.5;
                boolean noisy = spread(m, c, "A this SDK") > 0.2 || spread(m, c, "B floor") > 0.2;
                String verdict = Double.isNaN(cpu) ? "" : (cpu <= cpuTarget ? "CPU ok" : "CPU miss")
                        + (noisy ? " (noisy)" : "")
                        + ", " + (alloc <= allocTarget ? "alloc ok" : "alloc miss")
                        + (!tls || Double.isNaN(usedA) || Double.isNaN(usedB) ? ""
                        : usedA <= usedB && openedA <= openedB ? ", conns ok" : ", conns miss");
                sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", m.label(), c,
                        fmt(cpu), fmt(alloc), fmt1(usedA) + "/" + fmt1(usedB), verdict,
                        fmt(ratio(m, c, "B floor", RunResult::callsPerSecond)),
                        fmt(ratio(m, c, "C official SDK", RunResult::cpuMicrosPerCall)),
                        fmt(ratio(m, c, "C official SDK", RunResult::allocBytesPerCall)),
                        fmt(ratio(m, c, "C official SDK", RunResult::callsPerSecond)),
                        fmt(ratio(m, c, "C official SDK", RunResult::p99Micros))));
            }
        }
        if (!init.isEmpty()) {
            sb.append("\n## Handshake latency (initialize; server/discover in the modern era)\n\n");
            sb.append("Over HTTPS (TLS, h2 rows) each warm fresh session of A and B has a pool of its own, so it opens "
                    + "a connection and does a TLS handshake (the SslContext is shared, so the JDK may resume the "
                    + "session); C builds a JDK HttpClient per client anyway. Plain rows: A and B share a warm pool. "
                    + "The last column is counted by the server over the warm sessions (3 unmeasured included).\n\n");
            sb.append("| mode | client | first, fresh JVM (ms) | median of fresh sessions, warm JVM (ms) "
                    + "| warm sessions: conns opened, TLS full/resumed |\n");
            sb.append("|---|---|---:|---:|---|\n");
            init.forEach((k, r) -> {
                String[] parts = k.split("\\|");
                WireStats w = initWire.get(k);
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |\n", parts[0], parts[1],
                        fmt1(r.coldMillis()), fmt2(r.warmMedianMillis()),
                        w == null ? "" : w.opened() + ", " + w.tlsFull() + "/" + w.tlsResumed()));
            });
        }
        for (String e : extra) {
            sb.append('\n').append(e).append('\n');
        }
        return sb.toString();
    }

    private double ratio(Mode m, int c, String other, ToDoubleFunction<RunResult> metric) {
        return median(m, c, "A this SDK", metric) / median(m, c, other, metric);
    }

    private static String row(String mode, int c, String client, String note) {
        return "| " + mode + " | " + c + " | " + client + " | " + note + " | | | | | | | | |\n";
    }

    static String fmt(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    static String fmt1(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.0f", v);
    }

    static String fmt2(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }
}
