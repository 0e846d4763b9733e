package dev.reactivemcp.benchmarks.driver;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** Command-line settings of the load driver; every loop they bound is bounded in count and time. */
record Settings(int warmupRounds, int rounds, Duration runTime, List<Integer> concurrency, List<Mode> modes,
                String clients, int maxCallsPerRun, int initSessions, boolean scale, int scaleCalls,
                long scaleDelayMs, int scaleConnections, int idleClients, int officialIdleClients, boolean sdkDefaultHttp, Path out) {

    static Settings parse(String[] args) {
        int warmup = 1;
        int rounds = 3;
        double seconds = 1.5;
        List<Integer> conc = List.of(1, 16, 64, 256);
        List<Mode> modes = List.of(new Mode(false, false), new Mode(true, false), new Mode(false, true),
                new Mode(true, true));
        String clients = "ABC";
        int initSessions = 20;
        boolean scale = true;
        int scaleCalls = 10_000;
        long scaleDelay = 200;
        int scaleConnections = 2000;
        int idle = 1000;
        int officialIdle = 100;
        Path out = Path.of("benchmarks/results/latest.md");
        boolean sdkDefaultHttp = false;
        for (String a : args) {
            String v = a.contains("=") ? a.substring(a.indexOf('=') + 1) : "";
            if (a.startsWith("--warmup=")) {
                warmup = Integer.parseInt(v);
            } else if (a.startsWith("--rounds=")) {
                rounds = Integer.parseInt(v);
            } else if (a.startsWith("--seconds=")) {
                seconds = Double.parseDouble(v);
            } else if (a.startsWith("--concurrency=")) {
                conc = Arrays.stream(v.split(",")).map(Integer::valueOf).toList();
            } else if (a.startsWith("--modes=")) {
                modes = v.equals("none") ? List.of() : Arrays.stream(v.split(",")).map(Settings::mode).toList();
            } else if (a.startsWith("--clients=")) {
                clients = v;
            } else if (a.startsWith("--init-sessions=")) {
                initSessions = Integer.parseInt(v);
            } else if (a.equals("--no-scale")) {
                scale = false;
            } else if (a.startsWith("--scale-calls=")) {
                scaleCalls = Integer.parseInt(v);
            } else if (a.startsWith("--scale-delay-ms=")) {
                scaleDelay = Long.parseLong(v);
            } else if (a.startsWith("--scale-connections=")) {
                scaleConnections = Integer.parseInt(v);
            } else if (a.startsWith("--idle-clients=")) {
                idle = Integer.parseInt(v);
            } else if (a.startsWith("--official-idle-clients=")) {
                officialIdle = Integer.parseInt(v);
            } else if (a.equals("--sdk-default-http")) {
                sdkDefaultHttp = true;
            } else if (a.startsWith("--out=")) {
                out = v.isEmpty() ? null : Path.of(v);
            } else {
                throw new IllegalArgumentException("unknown argument: " + a);
            }
        }
        if (rounds < 1 || rounds > 20 || warmup < 0 || warmup > 10 || seconds <= 0 || seconds > 30) {
            throw new IllegalArgumentException("rounds 1..20, warmup 0..10, seconds (0, 30]");
        }
        return new Settings(warmup, rounds, Duration.ofMillis((long) (seconds * 1000)), conc, modes, clients,
                2_000_000, initSessions, scale, scaleCalls, scaleDelay, scaleConnections, idle, officialIdle, sdkDefaultHttp, out);
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
