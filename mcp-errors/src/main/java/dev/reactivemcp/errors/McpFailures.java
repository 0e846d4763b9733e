package dev.reactivemcp.errors;

/** PLACEHOLDER: the classifier (issue 3 replaces this). */
public final class McpFailures {
    private McpFailures() { }

    /** Classifies any throwable. */
    public static McpFailure classify(Throwable t) {
        return new McpFailure.Unknown(String.valueOf(t));
    }

    static McpFailure classifySelf(McpException e) {
        return new McpFailure.Unknown(e.getClass().getSimpleName());
    }
}
