package dev.reactivemcp.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.transport.McpClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Shutdown keeps every rotated refresh token: a program that connects, calls once and exits, started again and
 * again while its token is due for refresh, against a real authorization server that revokes the whole grant when
 * an old refresh token comes back. A rotated token that was received and not saved would end the session.
 */
class SessionSurvivesRestartsTest {

    private static final int RUNS = 6;
    /**
     * How old each run sees the token the previous run stored: 27.2 s of a 30 s lifetime, past the point where a
     * background refresh starts (the last 10 to 15 % of the lifetime) and before callers would wait for it.
     */
    private static final Duration AGE = Duration.ofMillis(27_200);

    @RegisterExtension
    final InteropServers<OidcProviderServer> servers = InteropServers.oidcProvider();
    private final OidcProviderServer as = servers.authorizationServer();
    private final ResourceServer rs = servers.resourceServer();

    @Test
    void aProgramThatExitsRightAfterItsCallKeepsTheSessionAcrossRestartsInTheRefreshWindow() throws Exception {
        Path tokens = servers.dir().resolve("tokens.json");
        Interop.logIn(tokens, rs.endpoint());
        String clientId = Interop.stored(tokens, rs.endpoint()).registration().clientId();

        int exitedWithRefreshInFlight = 0;
        for (int run = 1; run <= RUNS; run++) {
            String before = Interop.stored(tokens, rs.endpoint()).tokens().accessToken();
            Process program = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                    "-cp", System.getProperty("java.class.path"), ShortLivedProgram.class.getName(),
                    rs.endpoint().toString(), tokens.toString(), Long.toString(AGE.toMillis()))
                    .redirectErrorStream(true).start();
            assertThat(program.waitFor(60, TimeUnit.SECONDS)).as("run %d finished", run).isTrue();
            String output = output(program);
            assertThat(program.exitValue()).as("run %d: %s", run, output).isZero();
            assertThat(output).as("run %d", run).contains("ok");
            assertThat(as.count(clientId, e -> e.isGrantError("invalid_grant"))).as("invalid_grant after run %d", run)
                    .isZero();
            if (before.equals(rs.lastToken())) {
                exitedWithRefreshInFlight++; // its call went out with the old token: the refresh ran in the background
            }
        }
        System.out.printf("[interop] %d restarts, %d of them called with the old token while the refresh ran in the "
                + "background%n", RUNS, exitedWithRefreshInFlight);

        assertThat(as.count(clientId, e -> e.isGrant("refresh_token"))).as("refreshes: one per run").isEqualTo(RUNS);
        assertThat(as.count(clientId, e -> "grant.revoked".equals(e.event()))).as("grants revoked").isZero();
        assertThat(Interop.stored(tokens, rs.endpoint()).rejected()).isFalse();
        assertThat(rs.rejected()).as("tokens the resource server refused").isEmpty();

        // The session is alive: the last stored refresh token still refreshes.
        AdjustableClock later = AdjustableClock.seeing(Interop.stored(tokens, rs.endpoint()), Duration.ofSeconds(29));
        McpOAuth after = Interop.oauth(tokens, null, later);
        McpClient afterClient = Interop.client(rs.endpoint(), after);
        afterClient.connect().then(afterClient.callTool("echo", Map.of("message", "still here")))
                .block(Interop.CALL_TIMEOUT);
        afterClient.close().block(Interop.CALL_TIMEOUT);
        after.dispose();
        assertThat(as.count(clientId, e -> e.isGrant("refresh_token"))).isEqualTo(RUNS + 1);
        assertThat(as.count(clientId, e -> "grant.error".equals(e.event()))).as("token errors").isZero();
    }

    private static String output(Process process) throws IOException {
        return String.join(" | ", List.of(new String(process.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8).strip().split("\n")));
    }
}
