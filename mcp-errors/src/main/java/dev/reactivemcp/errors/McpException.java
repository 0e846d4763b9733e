package dev.reactivemcp.errors;

/**
 * The one exception root of the SDK. It carries an immutable {@link McpFailure}: either given when thrown, or
 * classified once, on first access, from this exception and its payloads.
 */
public class McpException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private transient volatile McpFailure failure;

    /** An exception whose failure is classified lazily from itself (its payloads and causes). */
    protected McpException(String message, Throwable cause) {
        super(message, cause);
    }

    /** An exception with an already known failure. */
    public McpException(McpFailure failure, String message, Throwable cause) {
        super(message, cause);
        this.failure = failure;
    }

    /** The classified failure; never {@code null}. */
    public McpFailure failure() {
        McpFailure f = failure;
        if (f == null) {
            f = McpFailures.classifySelf(this);
            failure = f;
        }
        return f;
    }
}
