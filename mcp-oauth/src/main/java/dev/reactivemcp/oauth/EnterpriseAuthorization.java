package dev.reactivemcp.oauth;

import java.util.Objects;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * Enterprise-managed authorization (MCP extension {@code io.modelcontextprotocol/enterprise-managed-authorization},
 * SEP-990; the Identity Assertion JWT Authorization Grant, "ID-JAG"): the user's enterprise identity provider, not
 * the user, grants the MCP client access. Two token requests, no browser: at the identity provider an RFC 8693 token
 * exchange of the user's ID token for an ID-JAG ({@code requested_token_type=urn:ietf:params:oauth:token-type:id-jag},
 * {@code audience} = the MCP authorization server's issuer, {@code resource} = the MCP server), then at the MCP
 * authorization server the JWT-bearer grant (RFC 7523 section 2.1) with that ID-JAG as {@code assertion} and the
 * client's own authentication there. Tokens are cached and renewed (with a fresh exchange) like any other. Immutable.
 *
 * <pre>{@code
 * McpOAuth oauth = McpOAuth.builder()
 *     .enterpriseAuthorization(EnterpriseAuthorization.idJag(
 *             "https://idp.example.com/oauth2/token", "idp-client-id", userIdTokenMono,
 *             ClientCredentials.clientSecretBasic("mcp-client-id", mcpClientSecret)))
 *     .build();
 * }</pre>
 */
public final class EnterpriseAuthorization {

    private final String idpTokenEndpoint;
    private final String idpClientId;
    private final Mono<String> idTokens;
    private final ClientCredentials client;

    private EnterpriseAuthorization(String idpTokenEndpoint, String idpClientId, Mono<String> idTokens,
                                    ClientCredentials client) {
        this.idpTokenEndpoint = idpTokenEndpoint;
        this.idpClientId = idpClientId;
        this.idTokens = idTokens;
        this.client = client;
    }

    /**
     * ID tokens from {@code idTokens} (subscribed once per exchange) exchanged at {@code idpTokenEndpoint} as the
     * identity provider's client {@code idpClientId} (sent as {@code client_id}, may be null); {@code client}
     * authenticates at the MCP authorization server.
     *
     * @param idpTokenEndpoint the token endpoint of the enterprise identity provider, where the exchange runs
     * @param idpClientId      the MCP client's id at the identity provider, or null to send none
     * @param idTokens         emits the user's current ID token; subscribed once per exchange
     * @param client           the MCP client's credentials at the MCP authorization server (its scopes are the
     *                         fallback scopes)
     * @return the setting for {@link McpOAuth.Builder#enterpriseAuthorization}
     * @throws IllegalArgumentException when {@code idpTokenEndpoint} is {@code null} or blank
     * @throws NullPointerException     when {@code idTokens} or {@code client} is {@code null}
     */
    public static EnterpriseAuthorization idJag(String idpTokenEndpoint, String idpClientId, Mono<String> idTokens,
                                                ClientCredentials client) {
        if (idpTokenEndpoint == null || idpTokenEndpoint.isBlank()) {
            throw new IllegalArgumentException("identity provider token endpoint must not be blank");
        }
        return new EnterpriseAuthorization(idpTokenEndpoint, idpClientId, Objects.requireNonNull(idTokens, "idTokens"),
                Objects.requireNonNull(client, "client"));
    }

    /**
     * The identity provider's token endpoint.
     *
     * @return the URL, as given
     */
    public String idpTokenEndpoint() {
        return idpTokenEndpoint;
    }

    /**
     * The client at the MCP authorization server.
     *
     * @return its credentials
     */
    public ClientCredentials client() {
        return client;
    }

    /**
     * The scopes requested when neither challenge nor metadata names any (those of {@link #client()}).
     *
     * @return the fallback scopes, possibly empty
     */
    public Set<String> scopes() {
        return client.scopes();
    }

    String idpClientId() {
        return idpClientId;
    }

    Mono<String> idTokens() {
        return idTokens;
    }

    @Override
    public String toString() {
        return "EnterpriseAuthorization[idp=" + idpTokenEndpoint + ", " + client + "]";
    }
}
