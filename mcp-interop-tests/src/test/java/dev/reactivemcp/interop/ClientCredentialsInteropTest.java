package dev.reactivemcp.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.reactivemcp.oauth.ClientAssertionKey;
import dev.reactivemcp.oauth.ClientCredentials;
import dev.reactivemcp.oauth.FileTokenStore;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.transport.CallToolResult;
import dev.reactivemcp.transport.McpClient;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The client credentials grant against oidc-provider: a client registered for {@code client_credentials} obtains
 * a token without a user (client_secret_basic, or a private_key_jwt assertion the server verifies against the JWKS
 * it was registered with), and calls tools with it; counted at the authorization server and the resource server.
 */
class ClientCredentialsInteropTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @RegisterExtension
    final InteropServers<OidcProviderServer> servers = InteropServers.oidcProvider();
    private final OidcProviderServer as = servers.authorizationServer();
    private final ResourceServer rs = servers.resourceServer();

    @Test
    void aServiceWithAClientSecretCallsToolsWithoutAUser() {
        JsonNode client = JSON.readTree(as.register("{\"grant_types\":[\"client_credentials\"],\"response_types\":[],"
                + "\"redirect_uris\":[],\"token_endpoint_auth_method\":\"client_secret_basic\"}"));
        String clientId = client.get("client_id").asString();

        String echo = callEcho(ClientCredentials.clientSecretBasic(clientId, client.get("client_secret").asString()));

        assertThat(echo).isEqualTo("echo: hi");
        assertThat(as.count(clientId, e -> e.isGrant("client_credentials"))).as("client credentials grants").isEqualTo(1);
        assertThat(as.count(clientId, e -> "grant.error".equals(e.event()))).as("token errors").isZero();
        assertThat(rs.rejected()).as("tokens the resource server refused").isEmpty();
        assertThat(rs.accepted()).as("initialize, tools/list, tools/call").isEqualTo(3);
    }

    @Test
    void aServiceWithAPrivateKeyJwtCallsToolsWithoutAUser() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("svc-1").generate();
        JsonNode client = JSON.readTree(as.register("{\"grant_types\":[\"client_credentials\"],\"response_types\":[],"
                + "\"redirect_uris\":[],\"token_endpoint_auth_method\":\"private_key_jwt\","
                + "\"token_endpoint_auth_signing_alg\":\"ES256\",\"jwks\":{\"keys\":["
                + key.toPublicJWK().toJSONString() + "]}}"));
        String clientId = client.get("client_id").asString();

        String echo = callEcho(ClientCredentials.privateKeyJwt(clientId, ClientAssertionKey.fromJwk(key.toJSONString())));

        assertThat(echo).isEqualTo("echo: hi");
        assertThat(as.count(clientId, e -> e.isGrant("client_credentials"))).as("client credentials grants").isEqualTo(1);
        assertThat(as.count(clientId, e -> "grant.error".equals(e.event()))).as("token errors").isZero();
        assertThat(rs.accepted()).as("initialize, tools/list, tools/call").isEqualTo(3);
    }

    private String callEcho(ClientCredentials credentials) {
        McpOAuth oauth = McpOAuth.builder().tokenStore(FileTokenStore.at(servers.dir().resolve("tokens.json")))
                .clientCredentials(credentials).build();
        McpClient client = Interop.client(rs.endpoint(), oauth);
        try {
            client.connect().block(Interop.CALL_TIMEOUT);
            client.tools().collectList().block(Interop.CALL_TIMEOUT);
            CallToolResult echo = client.callTool("echo", Map.of("message", "hi")).block(Interop.CALL_TIMEOUT);
            return echo.text();
        } finally {
            client.close().block(Interop.CALL_TIMEOUT);
            oauth.dispose();
        }
    }
}
