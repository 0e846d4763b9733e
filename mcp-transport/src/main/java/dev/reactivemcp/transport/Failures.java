package dev.reactivemcp.transport;

import dev.reactivemcp.errors.McpFailure;

/** Failure values the transport creates (package-private bridge to the vocabulary of mcp-errors). */
final class Failures {
    private Failures() { }

    static McpFailure protocol(String detail) {
        return new McpFailure.ProtocolError(detail);
    }
}
