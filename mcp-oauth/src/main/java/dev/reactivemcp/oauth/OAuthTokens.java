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
 * @param dpopKey      the DPoP (RFC 9449) private key these tokens are bound to, as a private JWK (RFC 7517), or null;
 *                     a secret like the tokens: stored with them, never printed
 */
public record OAuthTokens(String accessToken, String tokenType, String refreshToken, Instant expiresAt,
                          Set<String> scopes, String dpopKey) {

    /**
     * Validates and copies.
     *
     * @param accessToken  the access token
     * @param tokenType    {@code Bearer} or {@code DPoP}; {@code null} or blank means {@code Bearer}
     * @param refreshToken the refresh token, or null
     * @param expiresAt    when the access token expires, or null when unknown
     * @param scopes       the granted scopes; {@code null} means none
     * @param dpopKey      the private JWK of the DPoP key, or null; blank means none
     * @throws NullPointerException when {@code accessToken} is {@code null}
     */
    public OAuthTokens {
        Objects.requireNonNull(accessToken, "accessToken");
        tokenType = tokenType == null || tokenType.isBlank() ? "Bearer" : tokenType;
        scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
        dpopKey = dpopKey == null || dpopKey.isBlank() ? null : dpopKey;
    }

    /**
     * Tokens bound to no DPoP key.
     *
     * @param accessToken  the access token
     * @param tokenType    {@code Bearer} or {@code DPoP}; {@code null} or blank means {@code Bearer}
     * @param refreshToken the refresh token, or null
     * @param expiresAt    when the access token expires, or null when unknown
     * @param scopes       the granted scopes; {@code null} means none
     * @throws NullPointerException when {@code accessToken} is {@code null}
     */
    public OAuthTokens(String accessToken, String tokenType, String refreshToken, Instant expiresAt,
                       Set<String> scopes) {
        this(accessToken, tokenType, refreshToken, expiresAt, scopes, null);
    }

    /**
     * A copy bound to {@code privateJwk} (the DPoP key the token requests were proved with), or to none.
     *
     * @param privateJwk the private JWK (RFC 7517), or {@code null} for none
     * @return the copy
     */
    public OAuthTokens withDpopKey(String privateJwk) {
        return new OAuthTokens(accessToken, tokenType, refreshToken, expiresAt, scopes, privateJwk);
    }

    /**
     * Whether the access token is expired at {@code now} once {@code skew} is taken off its lifetime.
     *
     * @param now  the instant to test
     * @param skew the margin taken off the lifetime
     * @return {@code true} when {@code now} is at or after {@code expiresAt - skew}; {@code false} when the expiry
     *         is unknown
     */
    public boolean isExpiredAt(Instant now, Duration skew) {
        return expiresAt != null && !now.isBefore(expiresAt.minus(skew));
    }

    /**
     * Whether it is expired now according to {@code clock}, with {@code skew}.
     *
     * @param clock the clock that tells now
     * @param skew  the margin taken off the lifetime
     * @return {@link #isExpiredAt(Instant, Duration)} at {@code clock.instant()}
     */
    public boolean isExpired(Clock clock, Duration skew) {
        return isExpiredAt(clock.instant(), skew);
    }

    /**
     * Whether a refresh token is present.
     *
     * @return {@code true} when there is a non-empty refresh token
     */
    public boolean refreshable() {
        return refreshToken != null && !refreshToken.isEmpty();
    }

    /**
     * These tokens after a refresh response: the old refresh token is kept when the response has none, and the old
     * DPoP key when the response names none.
     *
     * @param fresh the tokens of the refresh response
     * @return the tokens to store
     */
    public OAuthTokens refreshedWith(OAuthTokens fresh) {
        return new OAuthTokens(fresh.accessToken(), fresh.tokenType(),
                fresh.refreshable() ? fresh.refreshToken() : refreshToken, fresh.expiresAt(),
                fresh.scopes().isEmpty() ? scopes : fresh.scopes(),
                fresh.dpopKey() != null ? fresh.dpopKey() : dpopKey);
    }

    @Override
    public String toString() {
        return "OAuthTokens[type=" + tokenType + ", expiresAt=" + expiresAt + ", refreshToken="
                + (refreshable() ? "present" : "absent") + ", scopes=" + scopes
                + (dpopKey == null ? "" : ", dpopKey=present") + "]";
    }
}
