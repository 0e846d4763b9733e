package dev.reactivemcp.errors;

import dev.reactivemcp.errors.WwwAuthenticate.Challenge;
import java.util.Optional;

/**
 * The one rule set that turns an answer's status and {@code WWW-Authenticate} challenges into an authorization
 * failure. Both the OAuth token filter (through {@link McpFailures#authFailure}) and the classifier
 * ({@link HttpRules}, for exchanges that did not run through it) decide with it, so both say the same.
 */
final class AuthRules {

    private AuthRules() { }

    /**
     * An OAuth challenge's {@code error} decides first (RFC 6750 section 3.1, RFC 9449 section 7.1):
     * {@code insufficient_scope} is {@link McpFailure.InsufficientScope} with the challenge's scopes,
     * {@code invalid_token} is {@link McpFailure.AuthenticationRequired} with the token rejected; then a 401 is
     * {@link McpFailure.AuthenticationRequired}, the token rejected when one was sent; anything else is not an
     * authorization failure (empty).
     */
    static Optional<McpFailure> decide(int status, WwwAuthenticate header, boolean tokenSent) {
        Optional<Challenge> challenge = header.oauthChallenge();
        String error = challenge.flatMap(Challenge::error).orElse("");
        if (error.equals("insufficient_scope")) {
            return Optional.of(new McpFailure.InsufficientScope(challenge.get().scopes(), header.challenges()));
        }
        if (status == 401 || error.equals("invalid_token")) {
            return Optional.of(new McpFailure.AuthenticationRequired(header.challenges(), tokenSent));
        }
        return Optional.empty();
    }
}
