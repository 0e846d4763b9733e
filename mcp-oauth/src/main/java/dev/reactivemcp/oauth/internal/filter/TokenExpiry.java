package dev.reactivemcp.oauth.internal.filter;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import dev.reactivemcp.oauth.OAuthTokens;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;

/**
 * The effective expiry of an access token: {@code expiresAt} as stored (from {@code expires_in}), else the
 * {@code exp} claim when the token is a JWT (read without verifying the signature: the client only schedules
 * with it), else unknown ({@code null}: the token is used until a 401 says otherwise).
 */
public final class TokenExpiry {

    private TokenExpiry() { }

    /** The expiry of {@code tokens}, or {@code null} when unknown. */
    public static Instant of(OAuthTokens tokens) {
        return tokens.expiresAt() != null ? tokens.expiresAt() : jwtExpiry(tokens.accessToken());
    }

    /** {@code tokens} with the JWT expiry filled in when none was stored. */
    public static OAuthTokens withExpiry(OAuthTokens tokens) {
        if (tokens.expiresAt() != null) {
            return tokens;
        }
        Instant exp = jwtExpiry(tokens.accessToken());
        return exp == null ? tokens
                : new OAuthTokens(tokens.accessToken(), tokens.tokenType(), tokens.refreshToken(), exp, tokens.scopes());
    }

    /** The {@code exp} claim of a JWT access token, or {@code null} (opaque token, no claim, unparsable). */
    static Instant jwtExpiry(String accessToken) {
        if (accessToken == null || accessToken.chars().filter(c -> c == '.').count() < 2) {
            return null;
        }
        try {
            JWT jwt = JWTParser.parse(accessToken);
            Date exp = jwt.getJWTClaimsSet().getExpirationTime();
            return exp == null ? null : exp.toInstant();
        } catch (ParseException | RuntimeException notAJwt) {
            return null;
        }
    }
}
