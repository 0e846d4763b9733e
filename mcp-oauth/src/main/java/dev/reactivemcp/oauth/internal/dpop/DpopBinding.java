package dev.reactivemcp.oauth.internal.dpop;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import java.util.Map;

/**
 * Checks a token response against the key its request was proved with (RFC 9449 section 5 and 6.1): a JWT access
 * token's {@code cnf.jkt} must be this key's thumbprint. Opaque tokens and JWTs without {@code cnf} cannot be
 * checked here (the resource server checks them) and pass.
 */
public final class DpopBinding {

    /** What the access token says about its key. */
    public enum Result {
        /** A JWT whose {@code cnf.jkt} is this key's thumbprint. */
        BOUND_TO_THIS_KEY,
        /** Opaque, or a JWT without {@code cnf.jkt}: only the server can tell. */
        UNKNOWN,
        /** A JWT bound to another key: unusable with ours. */
        BOUND_TO_ANOTHER_KEY
    }

    private DpopBinding() {
    }

    /** Reads (without verifying: it is the server's token) the {@code cnf.jkt} of {@code accessToken}. */
    public static Result of(DpopKey key, String accessToken) {
        if (accessToken.chars().filter(c -> c == '.').count() != 2) {
            return Result.UNKNOWN;
        }
        try {
            JWTClaimsSet claims = JWTParser.parse(accessToken).getJWTClaimsSet();
            Object cnf = claims == null ? null : claims.getClaim("cnf");
            Object jkt = cnf instanceof Map<?, ?> m ? m.get("jkt") : null;
            if (!(jkt instanceof String thumbprint)) {
                return Result.UNKNOWN;
            }
            return thumbprint.equals(key.thumbprint()) ? Result.BOUND_TO_THIS_KEY : Result.BOUND_TO_ANOTHER_KEY;
        } catch (java.text.ParseException | RuntimeException e) {
            return Result.UNKNOWN;
        }
    }

    /**
     * Fails with a {@link McpFailure.ProtocolError} when a {@code DPoP} token is bound to another key; returns the
     * token type otherwise ({@code Bearer} is allowed: an authorization server may ignore the proof, section 5).
     */
    public static String require(DpopKey key, String tokenType, String accessToken) {
        if ("DPoP".equalsIgnoreCase(tokenType) && of(key, accessToken) == Result.BOUND_TO_ANOTHER_KEY) {
            String detail = "the token endpoint bound the access token to a key other than the one that signed the"
                    + " proof (its cnf.jkt is not " + key.thumbprint() + ")";
            throw new McpException(new McpFailure.ProtocolError(detail), detail, null);
        }
        return tokenType;
    }
}
