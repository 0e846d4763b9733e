package dev.reactivemcp.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.oauth.AuthorizationCodeSource;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.transport.CallToolResult;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.Tool;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A real login against oidc-provider: discovery, dynamic registration, PKCE, form login, {@code iss} check. */
class OidcProviderLoginTest {

    @RegisterExtension
    final InteropServers<OidcProviderServer> servers = InteropServers.oidcProvider();
    private final OidcProviderServer as = servers.authorizationServer();
    private final ResourceServer rs = servers.resourceServer();

    @Test
    void logsInThroughDiscoveryRegistrationAndTheLoginFormThenCallsTools() {
        Path tokens = servers.dir().resolve("tokens.json");
        FormLoginCodeSource browser = new FormLoginCodeSource("alice");
        McpOAuth oauth = Interop.oauth(tokens, browser, Clock.systemUTC());
        McpClient client = Interop.client(rs.endpoint(), oauth);

        client.connect().block(Interop.CALL_TIMEOUT);
        List<Tool> tools = client.tools().collectList().block(Interop.CALL_TIMEOUT);
        CallToolResult echo = client.callTool("echo", Map.of("message", "hi")).block(Interop.CALL_TIMEOUT);
        client.close().block(Interop.CALL_TIMEOUT);
        oauth.dispose();

        assertThat(tools).extracting(Tool::name).containsExactly("echo", "whoami");
        assertThat(echo.text()).isEqualTo("echo: hi");
        assertThat(browser.logins).as("login forms filled").hasValue(1);
        assertThat(browser.consents).as("consent forms confirmed").hasValue(1);
        assertThat(browser.lastRedirect.iss()).as("RFC 9207 iss in the authorization response")
                .contains(as.issuer().toString());

        StoredCredentials stored = Interop.stored(tokens, rs.endpoint());
        String clientId = stored.registration().clientId();
        assertThat(stored.key().issuer()).isEqualTo(as.issuer().toString());
        assertThat(stored.tokens().refreshToken()).as("a refresh token was issued and stored").isNotBlank();
        assertThat(stored.rejected()).isFalse();

        assertThat(as.count(clientId, e -> "registration_create.success".equals(e.event()))).as("registrations")
                .isEqualTo(1);
        assertThat(as.count(clientId, e -> e.isGrant("authorization_code"))).as("codes redeemed").isEqualTo(1);
        assertThat(as.count(clientId, e -> e.isGrant("refresh_token"))).as("refreshes").isZero();
        assertThat(as.count(clientId, e -> "grant.error".equals(e.event()))).as("token errors").isZero();

        assertThat(rs.unauthenticated()).as("the one unauthenticated request that discovered the server").isEqualTo(1);
        assertThat(rs.rejected()).as("tokens the resource server refused").isEmpty();
        assertThat(rs.accepted()).as("initialize, tools/list, tools/call").isEqualTo(3);
    }

    @Test
    void refusesAnAuthorizationResponseFromAnotherIssuerAndNeverRedeemsItsCode() {
        Path tokens = servers.dir().resolve("tokens.json");
        FormLoginCodeSource browser = new FormLoginCodeSource("mallory");
        AuthorizationCodeSource mixUp = urls -> browser.authorize(urls).map(redirect -> {
            Map<String, String> params = new HashMap<>(redirect.parameters());
            params.put("iss", "http://127.0.0.1:1"); // an attacker's authorization server answered (RFC 9207)
            return new AuthorizationCodeSource.Redirect(params);
        });
        McpOAuth oauth = Interop.oauth(tokens, mixUp, Clock.systemUTC());
        McpClient client = Interop.client(rs.endpoint(), oauth);

        assertThatThrownBy(() -> client.connect().block(Interop.CALL_TIMEOUT))
                .satisfies(e -> assertThat(McpFailures.classify(e)).isInstanceOf(McpFailure.IssuerMismatch.class));
        oauth.dispose();

        assertThat(browser.logins).as("the user did log in").hasValue(1);
        String clientId = dev.reactivemcp.oauth.FileTokenStore.at(tokens).loadRegistration(as.issuer().toString())
                .map(r -> r.clientId()).block(Interop.CALL_TIMEOUT);
        assertThat(clientId).as("the client was registered").isNotBlank();
        assertThat(as.count(clientId, e -> e.isGrant("authorization_code"))).as("codes redeemed").isZero();
        assertThat(rs.accepted()).isZero();
        assertThat(Interop.stored(tokens, rs.endpoint())).as("tokens stored").isNull();
    }
}
