package dev.reactivemcp.oauth;

import java.util.Objects;

/**
 * Identifies one set of stored credentials: the MCP server (its protected-resource identifier, exactly as
 * published in its metadata), the authorization server (its {@code issuer}, exactly), the client id there, and the
 * owner: the user the credentials belong to. Credentials are never presented to another issuer (MCP 2026-07-28,
 * client-registration, "Authorization Server Binding"), and never used for a call of another owner.
 *
 * <p>An owner is an opaque, non-blank user id chosen by the application (see {@link McpOwner}); a process with a
 * single user never names one and uses {@link #DEFAULT_OWNER}, which the three-argument constructor fills in.
 *
 * <pre>{@code
 * CredentialKey mine = new CredentialKey("https://mcp.example.com/mcp", "https://as.example.com", "client-1");
 * CredentialKey alices = mine.withOwner("alice");
 * }</pre>
 *
 * <pre>{@code
 * CredentialKey key = new CredentialKey("https://mcp.example.com/mcp", "https://auth.example.com", "client-123");
 * store.load(key).map(c -> c.tokens().expiresAt());
 * }</pre>
 *
 * @param resource the protected resource identifier (RFC 9728 {@code resource}), byte-exact
 * @param issuer   the authorization server issuer (RFC 8414 {@code issuer}), byte-exact
 * @param clientId the OAuth client id at that issuer
 * @param owner    the user these credentials belong to, or {@link #DEFAULT_OWNER}
 */
public record CredentialKey(String resource, String issuer, String clientId, String owner) {

    /**
     * The owner of credentials obtained for a call that names none: the application itself. It is the empty string,
     * which {@link McpOwner#of} refuses, so no user id can ever be mistaken for it.
     */
    public static final String DEFAULT_OWNER = "";

    /**
     * Validates.
     *
     * @param resource the protected resource identifier, byte-exact
     * @param issuer   the authorization server issuer, byte-exact
     * @param clientId the OAuth client id at that issuer
     * @param owner    the user these credentials belong to, or {@link #DEFAULT_OWNER}
     * @throws NullPointerException when an argument is {@code null}
     */
    public CredentialKey {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(owner, "owner");
    }

    /**
     * The key of the {@link #DEFAULT_OWNER}'s credentials (a process with a single user).
     *
     * @param resource the protected resource identifier, byte-exact
     * @param issuer   the authorization server issuer, byte-exact
     * @param clientId the OAuth client id at that issuer
     * @throws NullPointerException when an argument is {@code null}
     */
    public CredentialKey(String resource, String issuer, String clientId) {
        this(resource, issuer, clientId, DEFAULT_OWNER);
    }

    /**
     * This key for {@code owner}'s credentials.
     *
     * @param owner a user id, or {@link #DEFAULT_OWNER}
     * @return a key with the same resource, issuer and client id, and {@code owner}
     * @throws NullPointerException when {@code owner} is {@code null}
     */
    public CredentialKey withOwner(String owner) {
        return new CredentialKey(resource, issuer, clientId, owner);
    }

    /**
     * Whether these are the {@link #DEFAULT_OWNER}'s credentials.
     *
     * @return {@code true} when {@link #owner()} is {@link #DEFAULT_OWNER}
     */
    public boolean hasDefaultOwner() {
        return DEFAULT_OWNER.equals(owner);
    }
}
