package dev.reactivemcp.oauth;

import java.util.List;
import java.util.Objects;

/**
 * A client identity at one authorization server: pre-registered, a Client ID Metadata Document URL, or the result
 * of Dynamic Client Registration (RFC 7591). The secret is never printed.
 *
 * <pre>{@code
 * ClientRegistration preRegistered = new ClientRegistration("https://auth.example.com", "my-app", null, null,
 *         List.of("http://127.0.0.1/callback"));
 * McpOAuth oauth = McpOAuth.builder().preRegisteredClient(preRegistered).codeSource(source).build();
 * }</pre>
 *
 * @param issuer                  the issuer this identity belongs to, byte-exact; for a pre-registered client an
 *                                empty string means "not bound": used with whichever issuer the server names
 *                                (prefer binding it)
 * @param clientId                the client id
 * @param clientSecret            the client secret, or null for public clients
 * @param tokenEndpointAuthMethod {@code none}, {@code client_secret_basic} or {@code client_secret_post}
 * @param redirectUris            the registered redirect URIs
 */
public record ClientRegistration(String issuer, String clientId, String clientSecret, String tokenEndpointAuthMethod,
                                 List<String> redirectUris) {

    /**
     * Validates and copies.
     *
     * @param issuer                  the issuer this identity belongs to, byte-exact; empty for "not bound"
     * @param clientId                the client id
     * @param clientSecret            the client secret, or null for public clients
     * @param tokenEndpointAuthMethod the token endpoint authentication method; null means {@code none} without a
     *                                secret, {@code client_secret_basic} with one
     * @param redirectUris            the registered redirect URIs; null means none
     * @throws NullPointerException when {@code issuer} or {@code clientId} is {@code null}
     */
    public ClientRegistration {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(clientId, "clientId");
        tokenEndpointAuthMethod = tokenEndpointAuthMethod == null
                ? (clientSecret == null ? "none" : "client_secret_basic") : tokenEndpointAuthMethod;
        redirectUris = redirectUris == null ? List.of() : List.copyOf(redirectUris);
    }

    @Override
    public String toString() {
        return "ClientRegistration[issuer=" + issuer + ", clientId=" + clientId + ", secret="
                + (clientSecret == null ? "none" : "<redacted>") + ", auth=" + tokenEndpointAuthMethod + "]";
    }
}
