package dev.reactivemcp.transport;

import dev.reactivemcp.errors.McpException;

/**
 * A failure of the transport itself: malformed or oversized responses, streams that end before the response,
 * timeouts, connection failures. Its {@link #failure()} says which (see {@code McpFailures}).
 */
public class McpTransportException extends McpException {

    private static final long serialVersionUID = 1L;

    /**
     * A transport failure classified from its cause.
     *
     * @param message the message, or {@code null}; known secrets are masked
     * @param cause   the underlying error (for example Netty's), from which {@link #failure()} is classified
     */
    public McpTransportException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * A transport failure whose kind is known.
     *
     * @param failure what went wrong; not {@code null}
     * @param message the message, or {@code null}; known secrets are masked
     * @param cause   the underlying error, or {@code null}
     * @throws NullPointerException when {@code failure} is {@code null}
     */
    public McpTransportException(dev.reactivemcp.errors.McpFailure failure, String message, Throwable cause) {
        super(failure, message, cause);
    }

    static McpTransportException limitExceeded(String what, int limit) {
        String detail = what + " exceeds the limit of " + limit + " bytes";
        return new McpTransportException(new dev.reactivemcp.errors.McpFailure.ProtocolError(detail), detail, null);
    }
}
