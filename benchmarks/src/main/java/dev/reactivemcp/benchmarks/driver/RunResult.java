package dev.reactivemcp.benchmarks.driver;

/** One measured run of one client at one concurrency. */
record RunResult(long calls, long errors, double callsPerSecond, double p50Micros, double p99Micros,
                 double cpuMicrosPerCall, double allocBytesPerCall, int peakThreads, String firstError) {
}
