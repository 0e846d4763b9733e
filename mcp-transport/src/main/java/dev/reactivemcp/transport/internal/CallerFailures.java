package dev.reactivemcp.transport.internal;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;

/**
 * Failures that depend on the credentials of the caller an exchange ran for, not on the server or the network: an
 * authentication or authorization failure (401, {@code invalid_token}, no usable credentials or a login needed, a
 * rejected refresh token, 403 {@code insufficient_scope} or a plain 403). A handshake shared by many callers, each
 * with their own credentials (one client serving many users), must not hand such a failure of one caller to the
 * others: they would get another user's login URL, or fail although their own token is good. Transient failures
 * (connection refused, timeouts, 5xx, a token endpoint that is down) stay shared: another caller would meet them too.
 */
final class CallerFailures {

    private CallerFailures() { }

    /** Whether {@code error} belongs to the caller it was raised for (classified through mcp-errors). */
    static boolean test(Throwable error) {
        McpFailure f = McpFailures.classify(error);
        return f.isAuthenticationRequired() || f instanceof McpFailure.InsufficientScope
                || f instanceof McpFailure.RequestRejected r && (r.status() == 401 || r.status() == 403);
    }
}
