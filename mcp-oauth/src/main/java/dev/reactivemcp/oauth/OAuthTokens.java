package dev.reactivemcp.oauth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Tokens from a token endpoint (RFC 6749 section 5.1), with the access token's absolute expiry. Never printed:
 * {@link #toString()} shows the token type, expiry and scopes only.
 *
 * <pre>{@code
 * OAuthTokens t = new OAuthTokens("at", "Bearer", "rt", clock.instant().plusSeconds(3600), Set.of("mcp:read"));
 * t.isExpiredAt(clock.instant(), Duration.ofSeconds(60)); // false
 * }</pre>
 *
 * @param accessToken  the access token
 * @param tokenType    {@code Bearer} or {@code DPoP}
 * @param refreshToken the refresh token, or null
 * @param expiresAt    when the access token expires, or null when unknown
 * @param scopes       the granted scopes (possibly empty)
 */
public record OAuthTokens(String accessToken, String tokenType, String refreshToken, Instant expiresAt,
                          Set<String> scopes) {

    /** Validates and copies. */
    public OAuthTokens {
        Objects.requireNonNull(accessToken, "accessToken");
        tokenType = tokenType == null || tokenType.isBlank() ? "Bearer" : tokenType;
        scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
    }

    /** Whether the access token is expired at {@code now} once {@code skew} is taken off its lifetime. */
    public boolean isExpiredAt(Instant now, Duration skew) {
        return expiresAt != null && !now.isBefore(expiresAt.minus(skew));
    }

    /** Whether it is expired now according to {@code clock}, with {@code skew}. */
    public boolean isExpired(Clock clock, Duration skew) {
        return isExpiredAt(clock.instant(), skew);
    }

    /** Whether a refresh token is present. */
    public boolean refreshable() {
        return refreshToken != null && !refreshToken.isEmpty();
    }

    /** These tokens after a refresh response: the old refresh token is kept when the response has none. */
    public OAuthTokens refreshedWith(OAuthTokens fresh) {
        return new OAuthTokens(fresh.accessToken(), fresh.tokenType(),
                fresh.refreshable() ? fresh.refreshToken() : refreshToken, fresh.expiresAt(),
                fresh.scopes().isEmpty() ? scopes : fresh.scopes());
    }

    @Override
    public String toString() {
        return "OAuthTokens[type=" + tokenType + ", expiresAt=" + expiresAt + ", refreshToken="
                + (refreshable() ? "present" : "absent") + ", scopes=" + scopes + "]";
    }
}
