package dev.reactivemcp.benchmarks.driver;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * Process-wide client costs: process CPU time (the server is another process, so all of it is the client's plus
 * the driver's small loop, the same for every client) and heap bytes allocated, summed per thread (JDK 17 has no
 * total counter; a thread that dies between two snapshots takes its bytes with it, see README).
 */
final class Meter {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static {
        THREADS.setThreadAllocatedMemoryEnabled(true);
    }

    /** A snapshot. */
    record Snapshot(long cpuNanos, Map<Long, Long> allocatedByThread, long wallNanos) { }

    private Meter() { }

    static Snapshot snapshot() {
        long[] ids = THREADS.getAllThreadIds();
        long[] bytes = THREADS.getThreadAllocatedBytes(ids);
        Map<Long, Long> byThread = new HashMap<>(ids.length * 2);
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                byThread.put(ids[i], bytes[i]);
            }
        }
        return new Snapshot(OS.getProcessCpuTime(), byThread, System.nanoTime());
    }

    /** Bytes allocated between two snapshots by the threads alive at the second one. */
    static long allocatedBetween(Snapshot a, Snapshot b) {
        long sum = 0;
        for (Map.Entry<Long, Long> e : b.allocatedByThread().entrySet()) {
            sum += e.getValue() - a.allocatedByThread().getOrDefault(e.getKey(), 0L);
        }
        return sum;
    }

    static void resetPeakThreads() {
        THREADS.resetPeakThreadCount();
    }

    static int peakThreads() {
        return THREADS.getPeakThreadCount();
    }

    static int liveThreads() {
        return THREADS.getThreadCount();
    }

    static long heapUsedAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
