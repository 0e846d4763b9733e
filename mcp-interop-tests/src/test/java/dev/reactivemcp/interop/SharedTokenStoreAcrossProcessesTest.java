package dev.reactivemcp.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.transport.McpClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two processes (this JVM and a second one) on one {@code FileTokenStore}, across a refresh at a real authorization
 * server that rotates refresh tokens and revokes the grant when an old one comes back.
 */
class SharedTokenStoreAcrossProcessesTest {

    /**
     * How far the clients' clocks run ahead of the server: a 30 s token then looks at least 27 s old, past the point
     * where a refresh is due (the refresh runs early enough for any policy that refreshes within the lifetime).
     */
    private static final Duration AHEAD = Duration.ofSeconds(27);
    private static final int PER_BURST = 8;
    private static final int BURSTS = 5;

    @RegisterExtension
    final InteropServers<OidcProviderServer> servers = InteropServers.oidcProvider();
    private final OidcProviderServer as = servers.authorizationServer();
    private final ResourceServer rs = servers.resourceServer();

    @Test
    void twoProcessesRefreshingTogetherSendOneRefreshAndTheGrantSurvives() throws Exception {
        Path tokens = servers.dir().resolve("tokens.json");
        AdjustableClock clock = new AdjustableClock(Duration.ZERO);
        McpOAuth oauth = Interop.oauth(tokens, new FormLoginCodeSource("alice"), clock);
        McpClient client = Interop.client(rs.endpoint(), oauth);
        client.connect().block(Interop.CALL_TIMEOUT);
        String clientId = Interop.stored(tokens, rs.endpoint()).registration().clientId();

        Process second = secondProcess(rs.endpoint(), tokens, AHEAD);
        BufferedReader out = new BufferedReader(new InputStreamReader(second.getInputStream(), StandardCharsets.UTF_8));
        assertThat(line(out, Duration.ofSeconds(30))).isEqualTo("ready");
        clock.advance(AHEAD);
        try (Writer in = new OutputStreamWriter(second.getOutputStream(), StandardCharsets.UTF_8)) {
            in.write("go\n");
        }
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        SharedStoreProcess.burst(client, PER_BURST, BURSTS, ok, failed, "first process");
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("second process finished").isTrue();
        List<String> secondOutput = rest(out);
        System.out.printf("[interop] two processes on one FileTokenStore: %d calls here, second process %s;"
                + " oidc-provider saw %d refresh_token grants, %d invalid_grant, %d grants revoked%n", ok.get(),
                secondOutput.stream().filter(l -> l.startsWith("calls=")).findFirst().orElse("?"),
                as.count(clientId, e -> e.isGrant("refresh_token")),
                as.count(clientId, e -> e.isGrantError("invalid_grant")),
                as.count(clientId, e -> "grant.revoked".equals(e.event())));

        assertThat(rs.failures()).as("resource server errors").isEmpty();
        assertThat(failed).as("failed calls in this process").hasValue(0);
        assertThat(ok).hasValue(PER_BURST * BURSTS);
        assertThat(second.exitValue()).as("second process: %s", secondOutput).isZero();
        assertThat(secondOutput).contains("calls=" + PER_BURST * BURSTS + " failures=0");
        assertThat(as.count(clientId, e -> e.isGrantError("invalid_grant"))).as("invalid_grant").isZero();
        assertThat(as.count(clientId, e -> "grant.revoked".equals(e.event()))).as("grants revoked").isZero();
        assertThat(as.count(clientId, e -> e.isGrant("refresh_token"))).as("refreshes sent by both processes")
                .isEqualTo(1);

        // The grant survives: the rotated refresh token in the file refreshes again, and a third instance on the
        // same file calls without logging in.
        clock.advance(Duration.ofSeconds(30));
        client.callTool("echo", Map.of("message", "after")).block(Interop.CALL_TIMEOUT);
        client.close().block(Interop.CALL_TIMEOUT);
        oauth.dispose();
        McpOAuth third = Interop.oauth(tokens, null, clock);
        McpClient thirdClient = Interop.client(rs.endpoint(), third);
        thirdClient.connect().then(thirdClient.callTool("echo", Map.of("message", "third")))
                .block(Interop.CALL_TIMEOUT);
        thirdClient.close().block(Interop.CALL_TIMEOUT);
        third.dispose();

        assertThat(as.count(clientId, e -> e.isGrant("refresh_token"))).as("refreshes in all").isEqualTo(2);
        assertThat(as.count(clientId, e -> e.isGrant("authorization_code"))).as("logins in all").isEqualTo(1);
        assertThat(as.count(clientId, e -> "grant.error".equals(e.event()))).as("token errors in all").isZero();
        assertThat(rs.rejected()).as("tokens the resource server refused").isEmpty();
        assertThat(Interop.stored(tokens, rs.endpoint()).rejected()).isFalse();
    }

    private static Process secondProcess(URI endpoint, Path tokens, Duration ahead) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"),
                SharedStoreProcess.class.getName(), endpoint.toString(), tokens.toString(), Long.toString(ahead.toMillis()),
                Integer.toString(PER_BURST), Integer.toString(BURSTS)));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static String line(BufferedReader out, Duration timeout) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                String l;
                while ((l = out.readLine()) != null && !l.equals("ready")) {
                    System.out.println("[second process] " + l);
                }
                return l;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static List<String> rest(BufferedReader out) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String l = out.readLine(); l != null; l = out.readLine()) {
            lines.add(l);
        }
        return lines;
    }
}
