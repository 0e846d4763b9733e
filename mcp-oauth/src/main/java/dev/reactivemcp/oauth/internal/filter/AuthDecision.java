package dev.reactivemcp.oauth.internal.filter;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.errors.WwwAuthenticate;
import dev.reactivemcp.errors.WwwAuthenticate.Challenge;
import dev.reactivemcp.transport.McpHttpResponse;
import java.util.List;

/**
 * The one place a response becomes an auth decision, by the rule set the error classifier uses too
 * ({@link McpFailures#authFailure}): {@link McpFailure.AuthenticationRequired} (a 401, or an {@code invalid_token}
 * challenge) means the token was not accepted (renew once, then acquire); {@link McpFailure.InsufficientScope} (an
 * {@code insufficient_scope} challenge, RFC 6750 section 3.1) means step up; everything else, another 403
 * included, is delivered as is. {@code WWW-Authenticate} is parsed once, here, and the failure travels with the
 * decision: what the filter fails with carries it ({@link #error}), so classifying that error decides nothing again.
 *
 * @param kind    what to do
 * @param failure the authorization failure the response stands for, or {@code null} when delivered
 */
record AuthDecision(Kind kind, McpFailure failure) {

    /** What the token filter does with a response. */
    enum Kind {
        /** Hand the response to the caller. */
        DELIVER,
        /** The token was not accepted. */
        UNAUTHORIZED,
        /** The token lacks scope: ask for more. */
        INSUFFICIENT_SCOPE
    }

    private static final AuthDecision DELIVER = new AuthDecision(Kind.DELIVER, null);

    /** The decision for {@code response} to a request that carried a token when {@code tokenSent}. */
    static AuthDecision of(McpHttpResponse response, boolean tokenSent) {
        int status = response.status();
        if (status != 401 && status != 403) {
            return DELIVER; // the challenge header is read only for a 401 or 403
        }
        WwwAuthenticate header = WwwAuthenticate.parse(response.headers().all("WWW-Authenticate"));
        return McpFailures.authFailure(status, header, tokenSent).map(AuthDecision::of).orElse(DELIVER);
    }

    private static AuthDecision of(McpFailure failure) {
        return new AuthDecision(failure instanceof McpFailure.InsufficientScope ? Kind.INSUFFICIENT_SCOPE
                : Kind.UNAUTHORIZED, failure);
    }

    /** The challenges of the response (empty when delivered). */
    List<Challenge> challenges() {
        if (failure instanceof McpFailure.AuthenticationRequired auth) {
            return auth.challenges();
        }
        return failure instanceof McpFailure.InsufficientScope scope ? scope.challenges() : List.of();
    }

    /** The error a request ends with when this decision cannot be acted on: it carries {@link #failure()} as is. */
    McpException error(String why, Throwable cause) {
        return new McpException(failure, "authentication required: " + why, cause);
    }
}
