package dev.reactivemcp.oauth;

import dev.reactivemcp.errors.KnownSecrets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A confidential client that obtains tokens for itself, without a user: the client credentials grant (RFC 6749
 * section 4.4; MCP extension {@code io.modelcontextprotocol/oauth-client-credentials}, SEP-1046), authenticated with
 * {@code client_secret_basic} (RFC 6749 section 2.3.1) or {@code private_key_jwt} (RFC 7523 section 2.2: a JWT
 * signed with the client's key, {@code iss} = {@code sub} = client id, {@code aud} = the authorization server's
 * issuer, a short {@code exp} and a unique {@code jti}). The authorization server is discovered from the MCP
 * server as for a login; tokens are cached, renewed in the background before they expire and shared by all
 * callers like user tokens. Immutable; never prints its secret.
 *
 * <pre>{@code
 * McpOAuth oauth = McpOAuth.builder()
 *     .clientCredentials(ClientCredentials.privateKeyJwt("my-service",
 *             ClientAssertionKey.fromPkcs8Pem(Files.readString(Path.of("key.pem")))))
 *     .build();
 * McpClient client = McpClient.builder(uri).filter(oauth.filterFor(uri)).build();
 * }</pre>
 */
public final class ClientCredentials {

    /** How long a client assertion is valid by default: 60 s. */
    public static final Duration DEFAULT_ASSERTION_LIFETIME = Duration.ofSeconds(60);

    private final String clientId;
    private final String clientSecret;
    private final ClientAssertionKey key;
    private final Set<String> scopes;
    private final Duration assertionLifetime;

    private ClientCredentials(String clientId, String clientSecret, ClientAssertionKey key, Set<String> scopes,
                              Duration assertionLifetime) {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.key = key;
        this.scopes = scopes;
        this.assertionLifetime = assertionLifetime;
    }

    /**
     * {@code client_secret_basic}: the id and secret in an HTTP Basic header (RFC 6749 section 2.3.1). The secret
     * is remembered as a secret, so it is masked wherever an error message would show it.
     *
     * @param clientId     the client id at the authorization server
     * @param clientSecret the client secret
     * @return the credentials, requesting no fallback scopes
     * @throws IllegalArgumentException when {@code clientId} or {@code clientSecret} is {@code null} or blank
     */
    public static ClientCredentials clientSecretBasic(String clientId, String clientSecret) {
        requireText(clientId, "client id");
        requireText(clientSecret, "client secret");
        KnownSecrets.remember(clientSecret);
        return new ClientCredentials(clientId, clientSecret, null, Set.of(), DEFAULT_ASSERTION_LIFETIME);
    }

    /**
     * {@code private_key_jwt}: a fresh assertion signed with {@code key} on every token request (RFC 7523
     * section 2.2).
     *
     * @param clientId the client id at the authorization server; the assertion's {@code iss} and {@code sub}
     * @param key      the client's signing key, whose public half the authorization server knows
     * @return the credentials, requesting no fallback scopes
     * @throws IllegalArgumentException when {@code clientId} is {@code null} or blank
     * @throws NullPointerException     when {@code key} is {@code null}
     */
    public static ClientCredentials privateKeyJwt(String clientId, ClientAssertionKey key) {
        requireText(clientId, "client id");
        return new ClientCredentials(clientId, null, Objects.requireNonNull(key, "key"), Set.of(),
                DEFAULT_ASSERTION_LIFETIME);
    }

    /**
     * A copy requesting {@code scopes} when neither the server's challenge nor its metadata names any.
     *
     * @param scopes the fallback scopes; copied
     * @return the copy
     * @throws NullPointerException when {@code scopes} or one of them is {@code null}
     */
    public ClientCredentials withScopes(Set<String> scopes) {
        return new ClientCredentials(clientId, clientSecret, key, Set.copyOf(scopes), assertionLifetime);
    }

    /**
     * A copy whose assertions expire after {@code lifetime} (between 1 s and 5 min); only {@code private_key_jwt}
     * uses it.
     *
     * @param lifetime from the assertion's {@code iat} to its {@code exp}
     * @return the copy
     * @throws IllegalArgumentException when {@code lifetime} is under 1 s or over 5 min
     */
    public ClientCredentials withAssertionLifetime(Duration lifetime) {
        if (lifetime.compareTo(Duration.ofSeconds(1)) < 0 || lifetime.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("assertion lifetime must be between 1 s and 5 min");
        }
        return new ClientCredentials(clientId, clientSecret, key, scopes, lifetime);
    }

    /**
     * The client id.
     *
     * @return the client id at the authorization server
     */
    public String clientId() {
        return clientId;
    }

    /**
     * How the client authenticates at the token endpoint.
     *
     * @return {@code client_secret_basic} or {@code private_key_jwt}
     */
    public String authMethod() {
        return key != null ? "private_key_jwt" : "client_secret_basic";
    }

    /**
     * The signing key, for {@code private_key_jwt}.
     *
     * @return the key, or empty for {@code client_secret_basic}
     */
    public Optional<ClientAssertionKey> key() {
        return Optional.ofNullable(key);
    }

    /**
     * The fallback scopes, requested when neither the challenge nor the metadata names any.
     *
     * @return the scopes, possibly empty
     */
    public Set<String> scopes() {
        return scopes;
    }

    /**
     * How long an assertion is valid.
     *
     * @return the lifetime; {@link #DEFAULT_ASSERTION_LIFETIME} unless changed
     */
    public Duration assertionLifetime() {
        return assertionLifetime;
    }

    String clientSecret() {
        return clientSecret;
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }

    @Override
    public String toString() {
        return "ClientCredentials[" + clientId + ", " + authMethod() + (key == null ? ", secret=<redacted>" : ", " + key)
                + "]";
    }
}
