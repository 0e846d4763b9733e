package dev.reactivemcp.benchmarks.profile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording: CPU samples by own frame, by inclusive frame of the given package prefixes, and
 * sampled allocation weight by allocating frame of those prefixes and by allocated type.
 *
 * <pre>java -cp ... dev.reactivemcp.benchmarks.profile.JfrTop rec.jfr 25 dev.reactivemcp. io.modelcontextprotocol.</pre>
 */
public final class JfrTop {

    private JfrTop() { }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        List<String> prefixes = args.length > 2 ? List.of(args).subList(2, args.length) : List.of("dev.reactivemcp.");
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> inclusive = new HashMap<>();
        Map<String, Long> allocSite = new HashMap<>();
        Map<String, Long> allocType = new HashMap<>();
        long samples = 0;
        long allocTotal = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            if (type.equals("jdk.ExecutionSample")) {
                samples++;
                self.merge(name(st.getFrames().get(0)), 1L, Long::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame f : st.getFrames()) {
                    String n = name(f);
                    if (matches(n, prefixes) && seen.add(n)) {
                        inclusive.merge(n, 1L, Long::sum);
                    }
                }
            } else if (type.equals("jdk.ObjectAllocationSample")) {
                long w = e.getLong("weight");
                allocTotal += w;
                allocType.merge(e.getClass("objectClass").getName(), w, Long::sum);
                for (RecordedFrame f : st.getFrames()) {
                    String n = name(f);
                    if (matches(n, prefixes)) {
                        allocSite.merge(n, w, Long::sum);
                        break;
                    }
                }
            }
        }
        System.out.println("CPU samples: " + samples);
        print("top own frames (share of CPU samples)", self, samples, top);
        print("inclusive frames of " + prefixes + " (share of CPU samples)", inclusive, samples, top);
        print("allocation by first " + prefixes + " frame (share of sampled bytes)", allocSite, allocTotal, top);
        print("allocation by type (share of sampled bytes)", allocType, allocTotal, top);
    }

    private static boolean matches(String name, List<String> prefixes) {
        for (String p : prefixes) {
            if (name.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static void print(String title, Map<String, Long> counts, long total, int top) {
        System.out.println("\n## " + title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(e -> System.out.printf("%6.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, total),
                        e.getKey()));
    }
}
