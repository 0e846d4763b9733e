package dev.reactivemcp.oauth;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One service login waiting for its redirect ({@link McpOAuth.Builder#serviceLogin}), as a
 * {@link PendingLoginStore} keeps it: the {@code state} it is found by, who and what it is for, when it is forgotten,
 * and its secrets (PKCE verifier, DPoP private key, client registration) as an opaque text the store keeps as is.
 * The {@code state} and the secrets never appear in {@link #toString()}.
 *
 * <pre>{@code
 * PendingLogin login = store.take(state).block();   // in a store's own test; McpOAuth does this itself
 * }</pre>
 *
 * <p>Why a store may hold it: with several replicas, the redirect of a login started on one of them may reach
 * another (MCP 2026-07-28 "Authorization Code Protection": the verifier must be kept until the code is redeemed).
 *
 * @param state     the OAuth {@code state} sent with the authorization request (RFC 6749 section 4.1.1); a secret
 * @param owner     the owner the login was started for ({@link McpOwner}), "" for none
 * @param endpoint  the MCP endpoint the login is for
 * @param issuer    the authorization server's issuer
 * @param scopes    the scopes requested, in request order
 * @param expiresAt when the login is forgotten
 * @param secrets   the rest of the login, opaque, written and read by {@link McpOAuth} only; a secret
 */
public record PendingLogin(String state, String owner, String endpoint, String issuer, List<String> scopes,
                           Instant expiresAt, String secrets) {

    /**
     * Validates and copies.
     *
     * @param state     the {@code state}; not empty
     * @param owner     the owner, "" for none
     * @param endpoint  the MCP endpoint
     * @param issuer    the issuer
     * @param scopes    the scopes; null means none
     * @param expiresAt when it is forgotten
     * @param secrets   the opaque rest of the login
     * @throws NullPointerException     when any argument but {@code scopes} is {@code null}
     * @throws IllegalArgumentException when {@code state} is empty
     */
    public PendingLogin {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(secrets, "secrets");
        if (state.isEmpty()) {
            throw new IllegalArgumentException("state must not be empty");
        }
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
    }

    @Override
    public String toString() {
        return "PendingLogin[owner=" + owner + ", endpoint=" + endpoint + ", issuer=" + issuer + ", scopes=" + scopes
                + ", expiresAt=" + expiresAt + "]";
    }
}
