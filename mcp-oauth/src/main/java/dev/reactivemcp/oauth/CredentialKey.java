package dev.reactivemcp.oauth;

import java.util.Objects;

/**
 * Identifies one set of stored credentials: the MCP server (its protected-resource identifier, exactly as
 * published in its metadata), the authorization server (its {@code issuer}, exactly) and the client id there.
 * Credentials are never presented to another issuer (MCP 2026-07-28, client-registration, "Authorization Server
 * Binding").
 *
 * <pre>{@code
 * CredentialKey key = new CredentialKey("https://mcp.example.com/mcp", "https://auth.example.com", "client-123");
 * store.load(key).map(c -> c.tokens().expiresAt());
 * }</pre>
 *
 * @param resource the protected resource identifier (RFC 9728 {@code resource}), byte-exact
 * @param issuer   the authorization server issuer (RFC 8414 {@code issuer}), byte-exact
 * @param clientId the OAuth client id at that issuer
 */
public record CredentialKey(String resource, String issuer, String clientId) {

    /**
     * Validates.
     *
     * @param resource the protected resource identifier, byte-exact
     * @param issuer   the authorization server issuer, byte-exact
     * @param clientId the OAuth client id at that issuer
     * @throws NullPointerException when an argument is {@code null}
     */
    public CredentialKey {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(clientId, "clientId");
    }
}
