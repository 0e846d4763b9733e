package dev.reactivemcp.transport;

import dev.reactivemcp.errors.McpException;

/**
 * A failure of the transport itself: malformed or oversized responses, streams that end before the response,
 * timeouts, connection failures. Its {@link #failure()} says which (see {@code McpFailures}).
 */
public class McpTransportException extends McpException {

    private static final long serialVersionUID = 1L;

    /** A transport failure classified from its cause. */
    public McpTransportException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A transport failure whose kind is known. */
    public McpTransportException(dev.reactivemcp.errors.McpFailure failure, String message, Throwable cause) {
        super(failure, message, cause);
    }

    static McpTransportException limitExceeded(String what, int limit) {
        String detail = what + " exceeds the limit of " + limit + " bytes";
        return new McpTransportException(new dev.reactivemcp.errors.McpFailure.ProtocolError(detail), detail, null);
    }
}
