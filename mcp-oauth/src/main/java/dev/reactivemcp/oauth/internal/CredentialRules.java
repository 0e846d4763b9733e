package dev.reactivemcp.oauth.internal;

import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenStoreException;
import dev.reactivemcp.oauth.internal.dpop.DpopBinding;
import dev.reactivemcp.oauth.internal.dpop.DpopKey;
import dev.reactivemcp.oauth.internal.flow.UrlRules;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the token engine requires of stored credentials, checked before they are imported into a store, each problem
 * in plain words (never a token, secret or key in them): where the engine looks them up (the endpoint string, the
 * owner), what a refresh checks (registration issuer and client id equal to the key's, a token endpoint over https
 * or to loopback), what a request needs (a token type it can send, the DPoP key a DPoP token is bound to), and, for
 * a seed, that they are usable at all (not rejected, not expired without a refresh token).
 */
public final class CredentialRules {

    private static final SecureRandom RANDOM = seeded();

    private CredentialRules() {
    }

    private static SecureRandom seeded() {
        SecureRandom random = new SecureRandom();
        random.nextBytes(new byte[16]);
        return random;
    }

    /**
     * The problems of {@code c}; {@code endpoint} (null: not checked) is the string the client will look them up
     * under; {@code now} (null: not checked) is when they must be usable.
     */
    public static List<String> problems(StoredCredentials c, String endpoint, Instant now) {
        List<String> problems = new ArrayList<>();
        if (endpoint != null && !endpoint.equals(c.endpoint())) {
            problems.add("the credentials are filed under the MCP endpoint \"" + c.endpoint() + "\" but the client "
                    + "looks them up under \"" + endpoint + "\" (compared as strings, character for character)");
        }
        String owner = c.key().owner();
        if (!owner.isEmpty() && owner.isBlank()) {
            problems.add("the owner is blank: use a user id, or CredentialKey.DEFAULT_OWNER (the empty string)");
        }
        if (c.key().issuer().isBlank()) {
            problems.add("the key names no issuer (the authorization server's issuer identifier)");
        }
        if (c.key().resource().isBlank()) {
            problems.add("the key names no resource (the protected resource identifier of the MCP server)");
        }
        if (!c.registration().issuer().equals(c.key().issuer())) {
            problems.add("the client registration is for issuer \"" + c.registration().issuer() + "\" but the key "
                    + "names issuer \"" + c.key().issuer() + "\": a refresh would be refused");
        }
        if (!c.registration().clientId().equals(c.key().clientId())) {
            problems.add("the client registration has client id \"" + c.registration().clientId() + "\" but the key "
                    + "names client id \"" + c.key().clientId() + "\": a refresh would be refused");
        }
        String insecure = UrlRules.insecure(c.tokenEndpoint(), "token endpoint");
        if (insecure != null) {
            problems.add(insecure + " (https, or plain http only to a loopback host)");
        }
        tokens(c, problems);
        if (now != null) {
            usable(c, now, problems);
        }
        return problems;
    }

    private static void tokens(StoredCredentials c, List<String> problems) {
        var tokens = c.tokens();
        if (tokens.accessToken().isBlank() && !tokens.refreshable()) {
            problems.add("there is neither an access token nor a refresh token");
        }
        boolean dpop = "DPoP".equalsIgnoreCase(tokens.tokenType());
        if (!dpop && !"Bearer".equalsIgnoreCase(tokens.tokenType())) {
            problems.add("the token type is \"" + tokens.tokenType() + "\": only Bearer and DPoP can be sent");
        }
        if (dpop && tokens.dpopKey() == null) {
            problems.add("the token type is DPoP but no DPoP key is given: every request must be proved with the key"
                    + " the token is bound to");
        }
        if (tokens.dpopKey() != null) {
            try {
                DpopKey key = DpopKey.fromPrivateJwk(tokens.dpopKey(), RANDOM);
                if (DpopBinding.of(key, tokens.accessToken()) == DpopBinding.Result.BOUND_TO_ANOTHER_KEY) {
                    problems.add("the access token is bound (cnf.jkt) to another key than the DPoP key given");
                }
            } catch (TokenStoreException e) {
                problems.add("the DPoP key is unusable: " + e.getMessage().replace("stored ", ""));
            }
        }
    }

    private static void usable(StoredCredentials c, Instant now, List<String> problems) {
        if (c.rejected()) {
            problems.add("the credentials are marked rejected (the authorization server refused their refresh token):"
                    + " the user would have to log in again at once");
        }
        var tokens = c.tokens();
        if (!tokens.refreshable() && tokens.expiresAt() != null && !tokens.expiresAt().isAfter(now)) {
            problems.add("the access token expired at " + tokens.expiresAt() + " and there is no refresh token to "
                    + "renew it");
        }
    }
}
