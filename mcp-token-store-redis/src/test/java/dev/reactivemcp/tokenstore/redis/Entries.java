package dev.reactivemcp.tokenstore.redis;

import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Test data: one MCP server, one authorization server, entries of several owners. */
final class Entries {

    static final String ENDPOINT = "https://mcp.example.com/mcp";
    static final String ISSUER = "https://as.example.com";
    static final String CLIENT_SECRET = "client-secret-SHOULD-NOT-LEAK";
    static final ClientRegistration REGISTRATION =
            new ClientRegistration(ISSUER, "client-1", CLIENT_SECRET, "client_secret_post", List.of());
    static final ClientRegistration PUBLIC_CLIENT =
            new ClientRegistration(ISSUER, "client-1", null, "none", List.of());
    static final Instant BASE = Instant.parse("2026-12-06T12:00:00Z");

    private Entries() { }

    static CredentialKey key(String owner) {
        return new CredentialKey(ENDPOINT, ISSUER, "client-1", owner);
    }

    static StoredCredentials entry(String owner, String accessToken, String refreshToken) {
        return new StoredCredentials(ENDPOINT, key(owner), REGISTRATION,
                new OAuthTokens(accessToken, "Bearer", refreshToken, BASE.plusSeconds(3600), Set.of("mcp")),
                ISSUER + "/token", false, BASE);
    }

    /** An entry whose access token expired a second ago (real time: the engine in a child JVM uses the system clock). */
    static StoredCredentials expired(String tokenEndpoint, String accessToken, String refreshToken) {
        return new StoredCredentials(ENDPOINT, key(CredentialKey.DEFAULT_OWNER), PUBLIC_CLIENT,
                new OAuthTokens(accessToken, "Bearer", refreshToken, Instant.now().minusSeconds(1), Set.of("mcp")),
                tokenEndpoint, false, Instant.now().minusSeconds(3601));
    }

    /** An entry whose access token is valid for an hour (real time). */
    static StoredCredentials valid(String tokenEndpoint, String accessToken, String refreshToken) {
        return new StoredCredentials(ENDPOINT, key(CredentialKey.DEFAULT_OWNER), PUBLIC_CLIENT,
                new OAuthTokens(accessToken, "Bearer", refreshToken, Instant.now().plusSeconds(3600), Set.of("mcp")),
                tokenEndpoint, false, Instant.now());
    }
}
