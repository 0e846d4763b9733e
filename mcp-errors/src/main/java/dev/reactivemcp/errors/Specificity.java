package dev.reactivemcp.errors;

/**
 * How specific, and so how actionable, a failure is. When a chain holds several findings the highest wins;
 * on a tie the first found (outermost) wins. Security refusals and authentication outrank everything; the
 * network-level symptoms (timeouts, connection failures) and cancellation rank low, since a wrapper that says
 * more usually sits above them.
 */
final class Specificity {

    private Specificity() { }

    static int score(McpFailure f) {
        if (f instanceof McpFailure.ResourceMismatch || f instanceof McpFailure.IssuerMismatch
            || f instanceof McpFailure.SkillVerificationFailed) {
            return 100;
        }
        if (f instanceof McpFailure.AuthenticationRequired) {
            McpFailure.AuthenticationRequired auth = (McpFailure.AuthenticationRequired) f;
            return 90 + (auth.challenges().isEmpty() ? 0 : 2) + (auth.tokenRejected() ? 1 : 0);
        }
        if (f instanceof McpFailure.TokenRefreshFailed) {
            return ((McpFailure.TokenRefreshFailed) f).terminal() ? 89 : 70;
        }
        if (f instanceof McpFailure.InsufficientScope) {
            return 88;
        }
        if (f instanceof McpFailure.ProtocolVersionUnsupported || f instanceof McpFailure.SessionExpired) {
            return 85;
        }
        if (f instanceof McpFailure.RateLimited || f instanceof McpFailure.ServerError) {
            return 65;
        }
        if (f instanceof McpFailure.JsonRpcError || f instanceof McpFailure.RequestRejected) {
            return 60;
        }
        if (f instanceof McpFailure.ProtocolError) {
            return 50;
        }
        if (f instanceof McpFailure.Timeout || f instanceof McpFailure.ConnectionFailure) {
            return 40;
        }
        return f instanceof McpFailure.Cancelled ? 20 : 0;
    }

    /** {@code candidate} when it is strictly more specific than {@code best} (or there is no best yet). */
    static McpFailure better(McpFailure best, McpFailure candidate) {
        if (candidate == null) {
            return best;
        }
        return best == null || score(candidate) > score(best) ? candidate : best;
    }
}
