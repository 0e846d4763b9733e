package dev.reactivemcp.transport;

import java.net.URI;
import java.time.Duration;

/** Client builders and clean-up shared by the transport tests. */
final class Clients {

    static final Duration WAIT = Duration.ofSeconds(20);

    private Clients() { }

    /** A legacy-only client without the optional listening stream. */
    static McpClient.Builder legacy(URI uri) {
        return McpClient.builder(uri).negotiation(ProtocolNegotiation.legacyOnly()).listeningStream(false)
                .clientInfo("test-client", "9.9.9");
    }

    /** A client pinned to the modern era. */
    static McpClient.Builder modern(URI uri) {
        return McpClient.builder(uri).negotiation(ProtocolNegotiation.pinned("2026-07-28"))
                .clientInfo("test-client", "9.9.9");
    }

    /** An auto-negotiating client without the optional listening stream. */
    static McpClient.Builder auto(URI uri) {
        return McpClient.builder(uri).listeningStream(false).rememberLegacyVerdict(false)
                .clientInfo("test-client", "9.9.9");
    }

    static void close(McpClient client) {
        if (client != null) {
            client.close().block(WAIT);
        }
    }
}
