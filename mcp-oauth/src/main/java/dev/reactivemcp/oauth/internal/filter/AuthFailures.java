package dev.reactivemcp.oauth.internal.filter;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.errors.WwwAuthenticate;
import java.util.List;

/** The typed failures the token filter ends with, and predicates over refresh errors. */
final class AuthFailures {

    private AuthFailures() { }

    /** Authentication is required: nothing stored, or stored credentials unusable. */
    public static McpException authenticationRequired(List<WwwAuthenticate.Challenge> challenges, boolean tokenRejected,
                                                      String why, Throwable cause) {
        return new McpException(new McpFailure.AuthenticationRequired(challenges, tokenRejected),
                "authentication required: " + why, cause);
    }

    /** Whether {@code error} is a terminal refresh failure ({@code invalid_grant} and the like). */
    public static boolean isTerminalRefreshFailure(Throwable error) {
        return McpFailures.classify(error) instanceof McpFailure.TokenRefreshFailed f && f.terminal();
    }

    /** Whether {@code error} means the user must log in (again). */
    public static boolean isAuthenticationRequired(Throwable error) {
        return McpFailures.isAuthenticationRequired(error);
    }
}
