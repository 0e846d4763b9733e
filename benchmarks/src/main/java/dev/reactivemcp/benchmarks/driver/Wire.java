package dev.reactivemcp.benchmarks.driver;

/**
 * How the bytes travel: plain loopback HTTP/1.1, HTTPS with HTTP/1.1 only, or HTTPS where the server offers h2 and
 * http/1.1 by ALPN (RFC 7301) and A and B ask for h2 first.
 */
enum Wire {
    PLAIN("", ""),
    TLS(" TLS", "-tls"),
    H2(" h2", "-h2");

    private final String label;
    private final String suffix;

    Wire(String label, String suffix) {
        this.label = label;
        this.suffix = suffix;
    }

    /** Appended to the mode's label in tables ({@code ""}, {@code " TLS"}, {@code " h2"}). */
    String label() {
        return label;
    }

    /** Appended to the mode's name on the command line ({@code ""}, {@code "-tls"}, {@code "-h2"}). */
    String suffix() {
        return suffix;
    }

    boolean secure() {
        return this != PLAIN;
    }
}
