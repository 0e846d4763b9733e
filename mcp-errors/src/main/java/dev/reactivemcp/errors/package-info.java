/**
 * The SDK's failure vocabulary and classifier: {@link dev.reactivemcp.errors.McpFailure} (what went wrong),
 * {@link dev.reactivemcp.errors.McpException} (the one exception root), {@link dev.reactivemcp.errors.McpFailures}
 * (classification, Reactor predicates and the {@code translateErrors} boundary operator),
 * {@link dev.reactivemcp.errors.StartupFailureReason} (what a caller should do about a failed connect), the
 * {@code WWW-Authenticate} parser (RFC 9110 section 11.6.1) and the OAuth error body reader (RFC 6749 section 5.2).
 *
 * <pre>{@code
 * client.connect()
 *     .transform(McpFailures::translateErrors)
 *     .onErrorResume(McpFailures::isAuthenticationRequired, e -> login().then(client.connect()));
 * }</pre>
 */
package dev.reactivemcp.errors;
