package dev.reactivemcp.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.errors.StartupFailureReason;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.transport.McpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SDK against Spring Authorization Server (a separate JVM): form login with a CSRF token, dynamic registration
 * (Spring advertises no {@code none} client authentication, so the SDK registers a confidential client and gets
 * refresh tokens), refreshes with the client clock ahead, and a revoked refresh token. Token requests are counted by
 * the server.
 */
class SpringAuthorizationServerTest {

    @RegisterExtension
    final InteropServers<SpringAuthorizationServer> servers = InteropServers.springAuthorizationServer();
    private final SpringAuthorizationServer as = servers.authorizationServer();
    private final ResourceServer rs = servers.resourceServer();
    private Map<String, Long> before;

    @BeforeEach
    void countFromHere() {
        before = as.tokenRequests();
    }

    /** Token requests since this test started, keyed {@code "<grant_type> <status>"}. */
    private Map<String, Long> tokenRequests() {
        Map<String, Long> delta = new HashMap<>();
        as.tokenRequests().forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d != 0) {
                delta.put(k, d);
            }
        });
        return delta;
    }

    private FormLoginCodeSource browser() {
        return new FormLoginCodeSource(SpringAuthorizationServer.USER, SpringAuthorizationServer.PASSWORD);
    }

    @Test
    void logsInThroughTheLoginFormAndCallsWithATokenBoundToTheResource() {
        Path tokens = servers.dir().resolve("tokens.json");
        FormLoginCodeSource browser = browser();
        AdjustableClock clock = new AdjustableClock(Duration.ZERO);
        McpOAuth oauth = Interop.oauth(tokens, browser, clock);
        McpClient client = Interop.client(rs.endpoint(), oauth);

        client.connect().then(client.callTool("echo", Map.of("message", "spring"))).block(Interop.CALL_TIMEOUT);
        client.close().block(Interop.CALL_TIMEOUT);
        oauth.dispose();

        StoredCredentials stored = Interop.stored(tokens, rs.endpoint());
        assertThat(browser.logins).hasValue(1);
        assertThat(browser.lastRedirect.iss()).contains(as.issuer().toString());
        assertThat(stored.registration().tokenEndpointAuthMethod()).isEqualTo("client_secret_basic");
        assertThat(stored.tokens().refreshToken()).isNotBlank();
        assertThat(tokenRequests()).isEqualTo(Map.of("authorization_code 200", 1L));
        assertThat(rs.rejected()).as("tokens the resource server refused").isEmpty();
        assertThat(rs.accepted()).as("initialize, tools/call").isEqualTo(2);
    }

    @Test
    void refreshesOncePerLifetimeWhenTheClientClockRunsAhead() {
        Path tokens = servers.dir().resolve("tokens.json");
        AdjustableClock clock = new AdjustableClock(Duration.ZERO);
        McpOAuth oauth = Interop.oauth(tokens, browser(), clock);
        McpClient client = Interop.client(rs.endpoint(), oauth);
        client.connect().block(Interop.CALL_TIMEOUT);

        for (int lifetime = 1; lifetime <= 3; lifetime++) {
            clock.advance(Duration.ofSeconds(28)); // past the refresh point of a 30 s token, before its expiry
            for (int call = 0; call < 5; call++) {
                client.callTool("echo", Map.of("message", lifetime + "." + call)).block(Interop.CALL_TIMEOUT);
            }
        }
        client.close().block(Interop.CALL_TIMEOUT);
        oauth.dispose();

        System.out.printf("[interop] Spring Authorization Server, 15 calls over 3 lifetimes of 30 s tokens: token"
                + " requests %s, access tokens used %d, refused %d%n", tokenRequests(), rs.distinctTokens(),
                rs.rejected().size());
        assertThat(tokenRequests()).as("token requests by grant and status")
                .isEqualTo(Map.of("authorization_code 200", 1L, "refresh_token 200", 3L));
        assertThat(rs.rejected()).as("tokens the resource server refused").isEmpty();
        assertThat(rs.distinctTokens()).as("access tokens used").isEqualTo(4);
    }

    @Test
    void aRevokedRefreshTokenIsReportedAsReauthenticationRequired() {
        Path tokens = servers.dir().resolve("tokens.json");
        McpOAuth login = Interop.oauth(tokens, browser(), new AdjustableClock(Duration.ZERO));
        McpClient first = Interop.client(rs.endpoint(), login);
        first.connect().block(Interop.CALL_TIMEOUT);
        first.close().block(Interop.CALL_TIMEOUT);
        login.dispose();
        StoredCredentials stored = Interop.stored(tokens, rs.endpoint());
        assertThat(as.revoke(stored.tokens().refreshToken(), stored.registration().clientId(),
                stored.registration().clientSecret())).isEqualTo(200);

        McpOAuth restarted = Interop.oauth(tokens, null, new AdjustableClock(Duration.ofSeconds(31)));
        McpClient client = Interop.client(rs.endpoint(), restarted);
        Throwable error = catchThrowable(() -> client.connect().block(Interop.CALL_TIMEOUT));

        assertThat(McpFailures.isAuthenticationRequired(error)).as("authentication required: %s", error).isTrue();
        assertThat(restarted.startupFailureReason(rs.endpoint(), error).block(Interop.CALL_TIMEOUT))
                .isEqualTo(StartupFailureReason.REAUTHENTICATION_REQUIRED);
        restarted.dispose();
        assertThat(tokenRequests()).isEqualTo(Map.of("authorization_code 200", 1L, "refresh_token 400", 1L));
    }
}
