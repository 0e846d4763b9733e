package dev.reactivemcp.oauth;

import java.time.Instant;
import java.util.Objects;

/**
 * What a {@link TokenStore} keeps for one {@link CredentialKey}: the client identity, the tokens, the token
 * endpoint to refresh at, and whether the authorization server rejected the refresh token ({@code invalid_grant}),
 * which makes the auth state "reauthentication required". Refresh follows RFC 6749 section 6: a refresh response
 * without a new refresh token keeps the stored one ({@link OAuthTokens#refreshedWith}).
 *
 * <pre>{@code
 * store.update(key, current -> current
 *         .map(c -> c.withTokens(c.tokens().refreshedWith(fresh), clock.instant()))
 *         .map(Mono::just).orElse(Mono.empty()));
 * }</pre>
 *
 * @param endpoint      the MCP endpoint URL as the application configured it (lookup without network)
 * @param key           which server, issuer and client
 * @param registration  the client identity (its secret, if any, is needed to refresh)
 * @param tokens        the tokens
 * @param tokenEndpoint the token endpoint URL, exactly as in the issuer's metadata
 * @param rejected      true once a refresh failed with {@code invalid_grant}
 * @param updatedAt     when this entry was last written; a login or refresh writes it when its tokens arrive, so
 *                      the refresh policy reads it as their issue time (the lifetime is {@code expiresAt - updatedAt})
 */
public record StoredCredentials(String endpoint, CredentialKey key, ClientRegistration registration, OAuthTokens tokens,
                                String tokenEndpoint, boolean rejected, Instant updatedAt) {

    /**
     * Validates.
     *
     * @param endpoint      the MCP endpoint URL as the application configured it
     * @param key           which server, issuer and client
     * @param registration  the client identity
     * @param tokens        the tokens
     * @param tokenEndpoint the token endpoint URL, exactly as in the issuer's metadata
     * @param rejected      true once a refresh failed with {@code invalid_grant}
     * @param updatedAt     when this entry was last written, or null when unknown
     * @throws NullPointerException when an argument other than {@code updatedAt} is {@code null}
     */
    public StoredCredentials {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(registration, "registration");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
    }

    /**
     * A copy with new tokens (after a refresh), no longer rejected.
     *
     * @param fresh the tokens to store, already merged with the old ones (see {@link OAuthTokens#refreshedWith})
     * @param now   when they arrived; becomes {@link #updatedAt()}
     * @return the copy
     */
    public StoredCredentials withTokens(OAuthTokens fresh, Instant now) {
        return new StoredCredentials(endpoint, key, registration, fresh, tokenEndpoint, false, now);
    }

    /**
     * A copy marked as rejected by the authorization server; its tokens are kept, the auth state reads
     * "reauthentication required" until a login replaces them.
     *
     * @param now when the rejection was seen; becomes {@link #updatedAt()}
     * @return the copy
     */
    public StoredCredentials markRejected(Instant now) {
        return new StoredCredentials(endpoint, key, registration, tokens, tokenEndpoint, true, now);
    }
}
