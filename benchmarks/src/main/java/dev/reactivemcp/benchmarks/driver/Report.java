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

    String render(String header, List<Mode> modes, List<Integer> concurrency) {
        StringBuilder sb = new StringBuilder(header);
        sb.append("\n## Per call (medians over the measured rounds)\n\n");
        sb.append("| mode | conc | client | calls/s | p50 µs | p99 µs | CPU µs/call | alloc KB/call | peak threads | errors |\n");
        sb.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
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
                    sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %.0f | %.0f | %.0f | %.1f | %.2f | %.0f | %d |\n",
                            m.label(), c, client, median(m, c, client, RunResult::callsPerSecond),
                            median(m, c, client, RunResult::p50Micros), median(m, c, client, RunResult::p99Micros),
                            median(m, c, client, RunResult::cpuMicrosPerCall),
                            median(m, c, client, RunResult::allocBytesPerCall) / 1024,
                            median(m, c, client, RunResult::peakThreads), errors));
                    rs.stream().map(RunResult::firstError).filter(e -> e != null).findFirst()
                            .ifPresent(e -> extra.add("- error in " + m.label() + " c=" + c + " " + client + ": `"
                                    + e.replace('`', '\'') + "`"));
                }
            }
        }
        sb.append("\n## Ratios of this SDK (A) to the floor (B) and to the official SDK (C)\n\n");
        sb.append("Targets: CPU/call <= 1.3x floor, allocation/call <= 1.5x floor.\n\n");
        sb.append("| mode | conc | CPU ×floor | alloc ×floor | targets | calls/s ×floor | CPU ×official | alloc ×official | calls/s ×official | p99 ×official |\n");
        sb.append("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|\n");
        for (Mode m : modes) {
            for (int c : concurrency) {
                double cpu = ratio(m, c, "B floor", RunResult::cpuMicrosPerCall);
                double alloc = ratio(m, c, "B floor", RunResult::allocBytesPerCall);
                String verdict = Double.isNaN(cpu) ? "" : (cpu <= 1.3 ? "CPU ok" : "CPU miss")
                        + ", " + (alloc <= 1.5 ? "alloc ok" : "alloc miss");
                sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", m.label(), c,
                        fmt(cpu), fmt(alloc), verdict, fmt(ratio(m, c, "B floor", RunResult::callsPerSecond)),
                        fmt(ratio(m, c, "C official SDK", RunResult::cpuMicrosPerCall)),
                        fmt(ratio(m, c, "C official SDK", RunResult::allocBytesPerCall)),
                        fmt(ratio(m, c, "C official SDK", RunResult::callsPerSecond)),
                        fmt(ratio(m, c, "C official SDK", RunResult::p99Micros))));
            }
        }
        if (!init.isEmpty()) {
            sb.append("\n## Handshake latency (initialize; server/discover in the modern era)\n\n");
            sb.append("| mode | client | first, fresh JVM (ms) | median of fresh sessions, warm JVM (ms) |\n");
            sb.append("|---|---|---:|---:|\n");
            init.forEach((k, r) -> {
                String[] parts = k.split("\\|");
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |\n", parts[0], parts[1],
                        fmt1(r.coldMillis()), fmt2(r.warmMedianMillis())));
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
        return "| " + mode + " | " + c + " | " + client + " | " + note + " | | | | | | |\n";
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
