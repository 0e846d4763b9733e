package dev.reactivemcp.benchmarks.driver;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Command-line settings of the load driver; every loop they bound is bounded in count and time. */
record Settings(int warmupRounds, int rounds, Duration runTime, List<Integer> concurrency, List<Mode> modes,
                String clients, int maxCallsPerRun, int initSessions, boolean scale, int scaleCalls,
                long scaleDelayMs, int scaleConnections, boolean sdkDefaultHttp, Path out) {

    static Settings parse(String[] args) {
        Flags f = Flags.parse(args);
        int warmup = f.integer("warmup", 1);
        int rounds = f.integer("rounds", 3);
        double seconds = f.decimal("seconds", 1.5);
        List<Integer> conc = f.list("concurrency", List.of("1", "16", "64", "256")).stream()
                .map(Integer::valueOf).toList();
        List<String> modeNames = f.list("modes", List.of("json-legacy", "sse-legacy", "json-modern", "sse-modern"));
        List<Mode> modes = modeNames.equals(List.of("none")) ? List.of()
                : modeNames.stream().map(Settings::mode).toList();
        String clients = f.string("clients", "ABC");
        int initSessions = f.integer("init-sessions", 20);
        boolean scale = !f.isSet("no-scale");
        int scaleCalls = f.integer("scale-calls", 10_000);
        long scaleDelay = f.longInteger("scale-delay-ms", 200);
        int scaleConnections = f.integer("scale-connections", 2000);
        boolean sdkDefaultHttp = f.isSet("sdk-default-http");
        Path out = f.path("out", Path.of("benchmarks/results/latest.md"));
        f.rejectUnknown();
        if (rounds < 1 || rounds > 20 || warmup < 0 || warmup > 10 || seconds <= 0 || seconds > 30) {
            throw new IllegalArgumentException("rounds 1..20, warmup 0..10, seconds (0, 30]");
        }
        return new Settings(warmup, rounds, Duration.ofMillis((long) (seconds * 1000)), conc, modes, clients,
                2_000_000, initSessions, scale, scaleCalls, scaleDelay, scaleConnections, sdkDefaultHttp, out);
    }

    /**
     * {@code json-legacy}, {@code sse-legacy}, {@code json-modern}, {@code sse-modern}, each optionally followed by
     * {@code -tls} (HTTPS, HTTP/1.1) or {@code -h2} (HTTPS, h2 offered by ALPN): {@code json-modern-h2}.
     */
    static Mode mode(String s) {
        Wire wire = Wire.PLAIN;
        String base = s;
        for (Wire w : Wire.values()) {
            if (w.secure() && s.endsWith(w.suffix())) {
                wire = w;
                base = s.substring(0, s.length() - w.suffix().length());
            }
        }
        return switch (base) {
            case "json-legacy" -> new Mode(false, false, wire);
            case "sse-legacy" -> new Mode(true, false, wire);
            case "json-modern" -> new Mode(false, true, wire);
            case "sse-modern" -> new Mode(true, true, wire);
            default -> throw new IllegalArgumentException("unknown mode " + s);
        };
    }

    boolean runs(char client) {
        return clients.indexOf(client) >= 0;
    }
}
