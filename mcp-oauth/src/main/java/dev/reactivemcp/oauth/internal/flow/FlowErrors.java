package dev.reactivemcp.oauth.internal.flow;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.OAuthErrorBody;
import java.time.Duration;
import java.util.Optional;

/**
 * The typed failures of the login flow. Messages name URLs of metadata and endpoints and OAuth error codes only:
 * never a token, secret, code, PKCE verifier or {@code state}, and never an authorization or redirect URL (they
 * carry {@code state} and the code).
 */
final class FlowErrors {

    private FlowErrors() { }

    static McpException of(McpFailure failure) {
        return new McpException(failure, failure.describe(), null);
    }

    static McpException of(McpFailure failure, Throwable cause) {
        return new McpException(failure, failure.describe(), cause);
    }

    static McpException protocol(String detail) {
        return of(new McpFailure.ProtocolError(detail));
    }

    static McpException protocol(String detail, Throwable cause) {
        return of(new McpFailure.ProtocolError(detail), cause);
    }

    static McpException resourceMismatch(String expected, String actual) {
        return of(new McpFailure.ResourceMismatch(expected, actual));
    }

    static McpException issuerMismatch(String expected, String actual) {
        return of(new McpFailure.IssuerMismatch(expected, actual == null ? "(absent)" : actual));
    }

    static McpException timeout(Duration limit, Throwable cause) {
        return of(new McpFailure.Timeout(limit), cause);
    }

    /**
     * The failure for an HTTP answer that is not a success: 429 rate limited, 408 timeout, 5xx server error,
     * other statuses rejected (with the OAuth error code when the body has one).
     */
    static McpException httpStatus(String what, FlowHttp.Response response) {
        int status = response.status();
        if (status == 429) {
            return of(new McpFailure.RateLimited(retryAfter(response).orElse(null)));
        }
        if (status == 408) {
            return of(new McpFailure.Timeout(null));
        }
        if (status >= 500) {
            return of(new McpFailure.ServerError(status, what));
        }
        String code = OAuthErrorBody.parse(response.bodyText()).map(OAuthErrorBody::error).orElse(null);
        return of(new McpFailure.RequestRejected(status, what + (code == null ? "" : ": " + code)));
    }

    /** A failed refresh: terminal for the codes of {@link OAuthErrorBody#isTerminalForRefresh()}, else transient. */
    static McpException refreshFailed(FlowHttp.Response response) {
        Optional<OAuthErrorBody> body = OAuthErrorBody.parse(response.bodyText());
        if (body.isPresent()) {
            return of(McpFailure.TokenRefreshFailed.of(body.get()));
        }
        return of(McpFailure.TokenRefreshFailed.transientFailure("token endpoint answered HTTP " + response.status()));
    }

    static Optional<Duration> retryAfter(FlowHttp.Response response) {
        return response.headers().first("Retry-After").map(String::trim).filter(v -> v.matches("\\d{1,9}"))
                .map(v -> Duration.ofSeconds(Long.parseLong(v)));
    }
}
