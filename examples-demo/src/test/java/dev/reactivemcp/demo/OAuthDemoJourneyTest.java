package dev.reactivemcp.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.demo.server.DemoAuthorizationServer;
import dev.reactivemcp.demo.server.DemoMcpServer;
import dev.reactivemcp.errors.StartupFailureReason;
import dev.reactivemcp.oauth.AuthState;
import dev.reactivemcp.oauth.FileTokenStore;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.transport.ProtocolEra;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's demo, run end to end without a terminal, against the same embedded servers: what each step did is
 * counted by the authorization server and the MCP server, not taken from the demo's own words. Real time (about 40 s):
 * the refresh comes from a real authorization server's 20 s tokens and the system clock.
 */
class OAuthDemoJourneyTest {

    @TempDir
    Path dir;

    @Test
    void theJourneyRegistersAndLogsInOnceRefreshesBeforeExpiryRestartsWithoutLoginAndEndsInReauthentication() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Path tokens = dir.resolve("tokens.json");
        OAuthDemo.Outcome outcome;
        List<String> lines;
        StoredCredentials last;
        try (Console out = new Console(new PrintStream(printed, true, StandardCharsets.UTF_8), false);
             DemoAuthorizationServer as = DemoAuthorizationServer.start(out::line);
             DemoMcpServer mcp = DemoMcpServer.start(as, out::line)) {
            outcome = OAuthDemo.journey(out, as, mcp, tokens);
            lines = out.lines();
            last = FileTokenStore.at(tokens).findByEndpoint(mcp.endpoint().toString()).blockFirst(Duration.ofSeconds(10));

            assertThat(as.registrations()).as("dynamic client registrations").isEqualTo(1);
            assertThat(as.logins()).as("authorizations approved over the whole journey (none at either restart)")
                    .isEqualTo(1);
            assertThat(as.count("authorization_code", 200)).as("codes exchanged").isEqualTo(1);
            DemoAuthorizationServer.Event login = as.events().stream()
                    .filter(e -> e.kind().equals("authorization_code")).findFirst().orElseThrow();
            DemoAuthorizationServer.Event refresh = as.events().stream()
                    .filter(e -> e.kind().equals("refresh_token") && e.status() == 200).findFirst().orElseThrow();
            assertThat(as.refreshes()).as("refreshes while calls went on").isBetween(1L, 2L);
            assertThat(refresh.start()).as("the first refresh started before the first access token expired")
                    .isBefore(login.start().plus(DemoAuthorizationServer.ACCESS_TOKEN_LIFETIME));
            assertThat(as.count("refresh_token", 400)).as("refreshes refused after the revocation").isEqualTo(1);

            assertThat(mcp.refused()).as("tokens the MCP server refused, by reason: only the revoked one")
                    .containsOnlyKeys("revoked (its grant no longer exists)");
            assertThat(mcp.unauthenticated()).as("requests without a token (the discovery 401)").isEqualTo(1);
            assertThat(mcp.eras()).as("requests answered per era").containsKeys(DemoMcpServer.MODERN, "session");
            assertThat(mcp.tokensFirstAccepted()).as("distinct access tokens used: the login's and each refresh's")
                    .hasSize(1 + (int) as.refreshes());
        }

        assertThat(outcome.first().era()).isEqualTo(ProtocolEra.MODERN);
        assertThat(outcome.legacy().era()).isEqualTo(ProtocolEra.LEGACY);
        assertThat(outcome.refreshTokenRotated()).as("a new refresh token was stored").isTrue();
        assertThat(outcome.afterRestart()).as("connected after the restart").isNotNull();
        assertThat(outcome.reasonAfterRevocation()).isEqualTo(StartupFailureReason.REAUTHENTICATION_REQUIRED);
        assertThat(outcome.stateAfterRevocation())
                .isEqualTo(new AuthState.LoggedOut(AuthState.LoginRequirement.REAUTHENTICATION));
        assertThat(outcome.userMessage()).contains("sign in again");
        assertThat(outcome.closedPortReason()).isEqualTo(StartupFailureReason.UNREACHABLE);
        assertThat(outcome.closedPortWords()).startsWith("nothing is listening at 127.0.0.1:");

        String all = printed.toString(StandardCharsets.UTF_8);
        assertThat(lines).as("the steps a person follows").anySatisfy(l -> assertThat(l).startsWith("1. Discovery"))
                .anySatisfy(l -> assertThat(l).contains("registered a new client"))
                .anySatisfy(l -> assertThat(l).contains("approved the authorization"))
                .anySatisfy(l -> assertThat(l).contains("protocol 2026-07-28 (MODERN era"))
                .anySatisfy(l -> assertThat(l).contains("progress 4/4"))
                .anySatisfy(l -> assertThat(l).contains("the token was refreshed in the background"))
                .anySatisfy(l -> assertThat(l).contains("no call waited for it"))
                .anySatisfy(l -> assertThat(l).contains("0 logins and 0 token requests since the restart"))
                .anySatisfy(l -> assertThat(l).contains("= REAUTHENTICATION_REQUIRED"))
                .anySatisfy(l -> assertThat(l).contains("the product tells its user: \"Your sign-in"));
        assertThat(all).as("no Netty exception names for a person to read").doesNotContain("Exception");
        assertThat(last).isNotNull();
        assertThat(all).as("no token in the output")
                .doesNotContain(last.tokens().accessToken()).doesNotContain(last.tokens().refreshToken());
    }
}
