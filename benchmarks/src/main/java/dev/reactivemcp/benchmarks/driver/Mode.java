package dev.reactivemcp.benchmarks.driver;

/** One measured configuration: the server's response kind and the protocol era. */
record Mode(boolean sse, boolean modern) {

    String label() {
        return (sse ? "SSE" : "JSON") + " " + (modern ? "modern" : "legacy");
    }
}
