package dev.reactivemcp.oauth.internal.flow;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.OAuthErrorBody;
import java.time.Duration;
import java.util.List;
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

    /**
     * The token endpoint takes no public client (Google, GitHub: a client secret even with PKCE) and the configured
     * client has none: a protocol error whose message names the fix. {@code why} says how it was found out.
     */
    static McpException clientSecretRequired(String issuer, String why) {
        String summary = "authorization server " + issuer + " requires a client secret";
        return new McpException(new McpFailure.ProtocolError(summary), summary + " (" + why + "): configure "
                + "McpOAuth.builder().preRegisteredClient(new ClientRegistration(\"" + issuer + "\", clientId, "
                + "clientSecret, \"client_secret_post\" or \"client_secret_basic\", redirectUris)) with the secret the "
                + "provider issued for the client", null);
    }

    /**
     * A failed refresh: terminal for the codes of {@link OAuthErrorBody#isTerminalForRefresh()}, else transient. The
     * server's description is kept with every secret the request carried masked (servers do echo them).
     */
    static McpException refreshFailed(FlowHttp.Response response, List<String> sentSecrets) {
        Optional<OAuthErrorBody> body = OAuthErrorBody.parse(response.bodyText());
        if (body.isPresent()) {
            return of(refreshFailure(body.get(), sentSecrets));
        }
        return of(McpFailure.TokenRefreshFailed.transientFailure("token endpoint answered HTTP " + response.status()));
    }

    static McpFailure.TokenRefreshFailed refreshFailure(OAuthErrorBody body, List<String> sentSecrets) {
        return new McpFailure.TokenRefreshFailed(body.isTerminalForRefresh(), body.error(),
                mask(body.errorDescription(), sentSecrets));
    }

    /** {@code text} with every occurrence of each secret replaced by {@code [REDACTED]}. */
    static String mask(String text, List<String> secrets) {
        if (text == null) {
            return null;
        }
        String masked = text;
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                masked = masked.replace(secret, "[REDACTED]");
            }
        }
        return masked;
    }

    static Optional<Duration> retryAfter(FlowHttp.Response response) {
        return response.headers().first("Retry-After").map(String::trim).filter(v -> v.matches("\\d{1,9}"))
                .map(v -> Duration.ofSeconds(Long.parseLong(v)));
    }
}
