package dev.reactivemcp.errors;

import dev.reactivemcp.errors.internal.Redaction;
import java.util.Objects;

/**
 * The one exception root of the SDK. It carries an immutable {@link McpFailure}: either given when thrown, or
 * classified once, on first access, from this exception, its payloads ({@link HttpFailurePayload},
 * {@link JsonRpcErrorPayload}) and its causes. Messages are redacted: no access, refresh or ID token survives.
 *
 * <pre>{@code
 * client.connect()
 *     .transform(McpFailures::translateErrors)
 *     .doOnError(McpException.class, e -> log.warn("MCP startup failed: {}", e.failure().describe()));
 * }</pre>
 *
 * <p>Transports subclass it and implement a payload interface, for example an HTTP exception that implements
 * {@link HttpFailurePayload}; the failure is then read from the payload (RFC 9110 section 15).
 */
public class McpException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient McpFailure explicitFailure;
    private transient volatile McpFailure classified;

    /**
     * An exception whose failure is classified lazily from itself (its payloads and causes).
     *
     * @param message the message, or {@code null}; known secrets are masked
     * @param cause   the cause, or {@code null}
     */
    protected McpException(String message, Throwable cause) {
        super(Redaction.redact(message), cause);
        this.explicitFailure = null;
    }

    /**
     * An exception with an already known failure.
     *
     * @param failure what went wrong; not {@code null}
     * @param message the message, or {@code null}; known secrets are masked
     * @param cause   the cause, or {@code null}
     * @throws NullPointerException when {@code failure} is {@code null}
     */
    public McpException(McpFailure failure, String message, Throwable cause) {
        super(Redaction.redact(message), cause);
        this.explicitFailure = Objects.requireNonNull(failure, "failure");
    }

    /** The boundary's exception: the stack trace is the cause's, so none is filled here. */
    McpException(McpFailure failure, String message, Throwable cause, boolean writableStackTrace) {
        super(Redaction.redact(message), cause, true, writableStackTrace);
        this.explicitFailure = Objects.requireNonNull(failure, "failure");
    }

    /**
     * The classified failure; never {@code null}.
     *
     * @return the failure given at construction, or else the one classified from this exception's payloads and
     *         causes (computed once, when the declared foreign readers are loaded)
     */
    public McpFailure failure() {
        if (explicitFailure != null) {
            return explicitFailure;
        }
        McpFailure f = classified;
        if (f == null) {
            f = McpFailures.classifySelf(this);
            if (ForeignReaders.INSTALLED.isLoaded()) {
                classified = f;   // not kept when reached without the declared readers: asked again, it may say more
            }
        }
        return f;
    }

    /** The failure given at construction, or {@code null} when it is classified lazily. */
    McpFailure explicitFailure() {
        return explicitFailure;
    }
}
