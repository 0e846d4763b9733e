package dev.reactivemcp.oauth.internal.filter;

import dev.reactivemcp.errors.WwwAuthenticate;
import dev.reactivemcp.errors.WwwAuthenticate.Challenge;
import dev.reactivemcp.transport.McpHttpResponse;
import java.util.List;
import java.util.Optional;

/**
 * The one place a response becomes an auth decision: a 401 means the token was not accepted (renew once, then
 * acquire); a 403 whose OAuth challenge says {@code insufficient_scope} means step up (RFC 6750 section 3.1);
 * everything else, another 403 included, is delivered as is. {@code WWW-Authenticate} is parsed once, here, and
 * the challenges travel with the decision to whatever acts on it.
 *
 * @param kind       what to do
 * @param challenges the parsed challenges (empty when delivered)
 */
record AuthDecision(Kind kind, List<Challenge> challenges) {

    /** What the token filter does with a response. */
    enum Kind {
        /** Hand the response to the caller. */
        DELIVER,
        /** 401: the token was not accepted. */
        UNAUTHORIZED,
        /** 403 {@code insufficient_scope}: ask for more scope. */
        INSUFFICIENT_SCOPE
    }

    private static final AuthDecision DELIVER = new AuthDecision(Kind.DELIVER, List.of());

    AuthDecision {
        challenges = List.copyOf(challenges);
    }

    /** The decision for {@code response}; the challenge header is read only for a 401 or 403. */
    static AuthDecision of(McpHttpResponse response) {
        int status = response.status();
        if (status != 401 && status != 403) {
            return DELIVER;
        }
        List<Challenge> challenges = WwwAuthenticate.parse(response.headers().all("WWW-Authenticate")).challenges();
        if (status == 401) {
            return new AuthDecision(Kind.UNAUTHORIZED, challenges);
        }
        Optional<String> error = WwwAuthenticate.oauthChallenge(challenges).flatMap(Challenge::error);
        return error.filter("insufficient_scope"::equals).isPresent()
                ? new AuthDecision(Kind.INSUFFICIENT_SCOPE, challenges) : DELIVER;
    }
}
