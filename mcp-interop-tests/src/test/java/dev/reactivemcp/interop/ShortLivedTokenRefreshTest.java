package dev.reactivemcp.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.transport.CallToolResult;
import dev.reactivemcp.transport.McpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;

/**
 * 30 s access tokens from a real authorization server, in real time: a steady caller across more than two token
 * lifetimes, counted from the authorization server's side (its {@code grant.success} events) and from the
 * resource server's side (tokens it refused).
 */
class ShortLivedTokenRefreshTest {

    private static final Duration LIFETIME = Duration.ofSeconds(30);
    private static final Duration RUN = Duration.ofSeconds(60);
    private static final Duration PERIOD = Duration.ofMillis(500);

    @RegisterExtension
    final InteropServers<OidcProviderServer> servers = InteropServers.oidcProvider();
    private final OidcProviderServer as = servers.authorizationServer();
    private final ResourceServer rs = servers.resourceServer();

    @Test
    void aSteadyCallerRefreshesAboutOncePerLifetimeAndNeverPresentsAnExpiredToken() {
        Path tokens = servers.dir().resolve("tokens.json");
        long t0 = System.nanoTime();
        McpOAuth oauth = Interop.oauth(tokens, new FormLoginCodeSource("alice"), Clock.systemUTC());
        McpClient client = Interop.client(rs.endpoint(), oauth);
        client.connect().block(Interop.CALL_TIMEOUT);
        String clientId = Interop.stored(tokens, rs.endpoint()).registration().clientId();
        long unauthenticatedAfterLogin = rs.unauthenticated();

        long t1 = System.nanoTime();
        int ticks = (int) (RUN.toMillis() / PERIOD.toMillis());
        List<CallToolResult> results = Flux.interval(PERIOD).onBackpressureDrop().take(RUN)
                .concatMap(i -> client.callTool("echo", Map.of("message", "call " + i)), 0)
                .collectList()
                .block(RUN.plus(Interop.CALL_TIMEOUT));
        long t2 = System.nanoTime();
        client.close().block(Interop.CALL_TIMEOUT);
        oauth.dispose();
        System.out.printf("[interop] login %d ms, calls %d ms, close %d ms%n", (t1 - t0) / 1_000_000,
                (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);

        List<OidcProviderServer.Event> issued = as.events(clientId,
                e -> e.isGrant("authorization_code") || e.isGrant("refresh_token"));
        List<Long> lifetimesUsed = new ArrayList<>();
        for (int i = 1; i < issued.size(); i++) {
            lifetimesUsed.add(issued.get(i).at() - issued.get(i - 1).at());
        }
        long refreshes = issued.stream().filter(e -> e.isGrant("refresh_token")).count();
        System.out.printf("[interop] %d calls over %d s with %d s tokens: %d refreshes (%.2f per lifetime), "
                        + "ms between token issues %s, resource server refused %s%n", results.size(), RUN.toSeconds(),
                LIFETIME.toSeconds(), refreshes, refreshes * (double) LIFETIME.toSeconds() / RUN.toSeconds(),
                lifetimesUsed, rs.rejected());

        assertThat(results).as("calls answered (a tick is skipped while a call is still running)")
                .hasSizeGreaterThan(ticks / 2)
                .allSatisfy(r -> assertThat(r.text()).startsWith("echo: call "));
        assertThat(refreshes).as("refreshes in %s s of %s s tokens (at least one per lifetime, never a storm)",
                RUN.toSeconds(), LIFETIME.toSeconds()).isBetween(2L, 3L);
        assertThat(lifetimesUsed).as("ms each token was used before the next was issued (replaced before expiry, "
                        + "not before half its life)")
                .allSatisfy(ms -> assertThat(ms).isBetween(LIFETIME.toMillis() / 2, LIFETIME.toMillis()));
        assertThat(as.count(clientId, e -> "grant.error".equals(e.event()))).as("token errors (invalid_grant...)")
                .isZero();
        assertThat(rs.rejected()).as("tokens the resource server refused (expired, wrong audience)").isEmpty();
        assertThat(rs.unauthenticated()).as("requests sent without a token after login")
                .isEqualTo(unauthenticatedAfterLogin);
        assertThat(rs.distinctTokens()).as("access tokens used").isEqualTo(issued.size());
    }
}
