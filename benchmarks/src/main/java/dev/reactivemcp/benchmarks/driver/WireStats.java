package dev.reactivemcp.benchmarks.driver;

import java.util.HashMap;
import java.util.Map;

/**
 * The server's wire counters for one period (one run of one client): connections accepted ({@code opened}),
 * connections that carried at least one request ({@code used}), TLS handshakes completed in full and resumed
 * ({@code tlsFull}, {@code tlsResumed}), failed handshakes, and requests per negotiated protocol; and, not per
 * period, the connections open at the server when it answered ({@code open}) and their peak since the server's last
 * {@code reset-peaks} ({@code peakOpen}).
 */
record WireStats(long opened, long used, long tlsFull, long tlsResumed, long tlsFailed, long h2, long http1,
                 long open, long peakOpen) {

    /** From the server's {@code key=value key=value ...} line. */
    static WireStats parse(String line) {
        Map<String, Long> v = new HashMap<>();
        for (String kv : line.trim().split(" ")) {
            int eq = kv.indexOf('=');
            v.put(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)));
        }
        return new WireStats(v.get("opened"), v.get("used"), v.get("tlsFull"), v.get("tlsResumed"),
                v.get("tlsFailed"), v.get("h2"), v.get("http1"), v.get("open"), v.get("peakOpen"));
    }

    /** The negotiated protocol of the period's requests: {@code h2}, {@code http/1.1}, both with counts, or -. */
    String protocol() {
        if (h2 > 0 && http1 > 0) {
            return "h2 " + h2 + " + http/1.1 " + http1;
        }
        return h2 > 0 ? "h2" : http1 > 0 ? "http/1.1" : "-";
    }
}
