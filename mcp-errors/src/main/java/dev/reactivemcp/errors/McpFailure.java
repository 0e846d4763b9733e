package dev.reactivemcp.errors;

/** PLACEHOLDER: the sealed failure vocabulary (issue 3 replaces this). */
public sealed interface McpFailure permits McpFailure.Unknown {
    /** Nothing more specific is known. */
    record Unknown(String summary) implements McpFailure { }
}
