package dev.reactivemcp.oauth.internal.filter;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;

/**
 * The effective expiry of an access token: {@code expiresAt} as stored (from {@code expires_in}), else the
 * {@code exp} claim when the token is a JWT (read without verifying the signature: the client only schedules
 * with it), else unknown ({@code null}: the token is used until a 401 says otherwise).
 */
final class TokenExpiry {

    private TokenExpiry() { }

    /** The expiry of {@code tokens}, or {@code null} when unknown. */
    public static Instant of(OAuthTokens tokens) {
        return tokens.expiresAt() != null ? tokens.expiresAt() : jwtExpiry(tokens.accessToken());
    }

    /**
     * When the tokens of {@code credentials} were issued, on the clock their expiry is on: for an expiry from
     * {@code expires_in}, when they were received and stored ({@link StoredCredentials#updatedAt()}, written by
     * the login and by every refresh; today's token files carry it); for a JWT {@code exp}, the JWT {@code iat}
     * when present. Null when unknown: the refresh policy then assumes a long lifetime.
     */
    public static Instant issuedAt(StoredCredentials credentials) {
        OAuthTokens tokens = credentials.tokens();
        if (tokens.expiresAt() == null) {
            Instant iat = jwtIssuedAt(tokens.accessToken());
            if (iat != null) {
                return iat;
            }
        }
        return credentials.updatedAt();
    }

    /** {@code tokens} with the JWT expiry filled in when none was stored. */
    public static OAuthTokens withExpiry(OAuthTokens tokens) {
        if (tokens.expiresAt() != null) {
            return tokens;
        }
        Instant exp = jwtExpiry(tokens.accessToken());
        return exp == null ? tokens
                : new OAuthTokens(tokens.accessToken(), tokens.tokenType(), tokens.refreshToken(), exp, tokens.scopes(),
                        tokens.dpopKey());
    }

    /** The {@code exp} claim of a JWT access token, or {@code null} (opaque token, no claim, unparsable). */
    static Instant jwtExpiry(String accessToken) {
        return jwtClaim(accessToken, true);
    }

    /** The {@code iat} claim of a JWT access token, or {@code null}. */
    static Instant jwtIssuedAt(String accessToken) {
        return jwtClaim(accessToken, false);
    }

    private static Instant jwtClaim(String accessToken, boolean expiry) {
        if (accessToken == null || accessToken.chars().filter(c -> c == '.').count() < 2) {
            return null;
        }
        try {
            JWT jwt = JWTParser.parse(accessToken);
            Date at = expiry ? jwt.getJWTClaimsSet().getExpirationTime() : jwt.getJWTClaimsSet().getIssueTime();
            return at == null ? null : at.toInstant();
        } catch (ParseException | RuntimeException notAJwt) {
            return null;
        }
    }
}
