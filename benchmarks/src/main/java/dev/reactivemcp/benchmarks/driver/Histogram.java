package dev.reactivemcp.benchmarks.driver;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.management.ObjectName;

/**
 * The live heap by class ({@code jcmd <pid> GC.class_histogram}, taken in-process through the DiagnosticCommand
 * MBean; it runs a full GC first), and the difference of two such histograms per client: what N clients hold.
 */
final class Histogram {

    private Histogram() { }

    /** Class name to {instances, bytes}. */
    static Map<String, long[]> take() {
        String text;
        try {
            text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (Exception e) {
            throw new IllegalStateException("no class histogram: " + e, e);
        }
        Map<String, long[]> byClass = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                byClass.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        return byClass;
    }

    /** Live bytes of all classes in a histogram. */
    static long bytes(Map<String, long[]> histogram) {
        long sum = 0;
        for (long[] v : histogram.values()) {
            sum += v[1];
        }
        return sum;
    }

    /**
     * The {@code top} classes by bytes added from {@code before} to {@code after}, per one of {@code n}; the total
     * without {@code held} bytes (the {@code before} histogram itself, live while {@code after} was taken: its
     * {@code HashMap$Node}, {@code [J}, {@code String} and {@code [B} rows still show in the classes).
     */
    static String diff(Map<String, long[]> before, Map<String, long[]> after, int n, int top, long held) {
        List<Map.Entry<String, long[]>> grown = new ArrayList<>();
        long total = 0;
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            long[] d = {e.getValue()[0] - b[0], e.getValue()[1] - b[1]};
            total += d[1];
            if (d[1] > 0) {
                grown.add(Map.entry(e.getKey(), d));
            }
        }
        grown.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "    total %+.0f B per client (without the %.0f B per client of the histogram held for this diff)%n",
                (double) (total - held) / n, (double) held / n));
        for (Map.Entry<String, long[]> e : grown.subList(0, Math.min(top, grown.size()))) {
            sb.append(String.format(Locale.ROOT, "    %8.1f B %6.2f objects  %s%n", (double) e.getValue()[1] / n,
                    (double) e.getValue()[0] / n, e.getKey()));
        }
        return sb.toString();
    }
}
