package dev.reactivemcp.benchmarks.driver;

/** One measured configuration: the server's response kind, the protocol era and the wire (plain, TLS, h2). */
record Mode(boolean sse, boolean modern, Wire wire) {

    /** A plain-HTTP mode. */
    Mode(boolean sse, boolean modern) {
        this(sse, modern, Wire.PLAIN);
    }

    String label() {
        return (sse ? "SSE" : "JSON") + " " + (modern ? "modern" : "legacy") + wire.label();
    }
}
