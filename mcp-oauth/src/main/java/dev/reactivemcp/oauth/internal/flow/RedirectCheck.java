package dev.reactivemcp.oauth.internal.flow;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.oauth.AuthorizationCodeSource.Redirect;
import java.util.List;

/**
 * Validates an authorization response before its code goes anywhere: RFC 9207 {@code iss} first (exact string
 * equality with the recorded issuer when present; required when the server advertises support; on a mismatch
 * nothing else of the response is read, not even {@code error}), then {@code state}, then {@code error}, then the
 * code (MCP 2026-07-28 "Authorization Response Validation").
 */
final class RedirectCheck {

    private RedirectCheck() { }

    /** The authorization code, or a typed failure. */
    static String code(Redirect redirect, PendingAuthorization pending) {
        String expectedIssuer = pending.server().issuer();
        String iss = redirect.iss().orElse(null);
        if (iss != null ? !iss.equals(expectedIssuer) : pending.server().issParameterSupported()) {
            throw FlowErrors.issuerMismatch(expectedIssuer, iss);
        }
        if (!Secrets.equalsConstantTime(pending.state(), redirect.state().orElse(null))) {
            throw FlowErrors.protocol("the authorization response's state does not match the request");
        }
        if (redirect.error().isPresent()) {
            String error = printable(redirect.error().get());
            McpFailure failure = new McpFailure.AuthenticationRequired(List.of(), false);
            throw new McpException(failure, "authorization refused by " + expectedIssuer + ": " + error, null);
        }
        String code = redirect.code().orElse("");
        if (code.isEmpty()) {
            throw FlowErrors.protocol("the authorization response has no code");
        }
        return code;
    }

    private static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) : s;
        return cut.chars().allMatch(c -> c >= 0x21 && c <= 0x7e) ? cut : "(unprintable error code)";
    }
}
