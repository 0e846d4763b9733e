package dev.reactivemcp.transport;

/**
 * A progress notification for one request (MCP basic/utilities/progress).
 *
 * @param progressToken the token the request carried
 * @param progress      the progress so far
 * @param total         the total, or null when unknown
 * @param message       a human-readable message, or null
 */
public record Progress(Object progressToken, double progress, Double total, String message) { }
