package dev.reactivemcp.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.demo.server.DemoAuthorizationServer;
import dev.reactivemcp.demo.server.DemoMcpServer;
import dev.reactivemcp.oauth.AuthorizationCodeSource;
import dev.reactivemcp.oauth.FileTokenStore;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.transport.InitializeResult;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.ProtocolEra;
import dev.reactivemcp.transport.ProtocolNegotiation;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * How many HTTP exchanges a start costs (issue 16, Deliver 5), counted on the wire of the client's own
 * {@code HttpClient} (every request the library sends: to the MCP server and to the authorization server), against
 * the real Spring Authorization Server and MCP server of the demo. The browser's part of a login (the authorization
 * endpoint, the user's login and consent) is the user agent's and is not counted here.
 *
 * <p>The minimum the specifications allow for a first start of a client that knows only the MCP endpoint (MCP
 * 2026-07-28 Authorization; RFC 9728, RFC 8414, RFC 7591, RFC 6749/7636): the first MCP request, answered 401 with
 * the resource metadata's address (1); the protected resource metadata (1); the authorization server metadata (1;
 * more only where the well-known forms must be tried in turn); dynamic registration (1; 0 with a pre-registered
 * client or a client ID metadata document); the token request (1); the MCP handshake with the token (2026-07-28:
 * {@code server/discover}, 1; 2025-11-25: {@code initialize} and {@code notifications/initialized}, 2). A restart
 * with a valid stored token needs only the handshake: no metadata, no registration, no token request.
 *
 * <p>Connections are counted too (one pool per start, as in a new process) and asserted at their minimum: one per
 * server the start talks to, both servers keeping connections alive. A first start opens 2 (the MCP server, for the
 * 401 probe and the handshake; the authorization server, for its metadata, registration and token), a restart 1 in
 * either era. A response the client does not read (the 401) is drained and its connection reused, and the
 * 2025-11-25 {@code notifications/initialized} goes out once the {@code initialize} exchange has given its
 * connection back (before session 7: a first start 3, a 2025-11-25 restart 2).
 *
 * <table>
 *   <caption>Exchanges and connections per start (minimum in brackets)</caption>
 *   <tr><th>start</th><th>era</th><th>exchanges</th><th>connections</th></tr>
 *   <tr><td>first (nothing stored)</td><td>2026-07-28</td><td>6 (6)</td><td>2 (2)</td></tr>
 *   <tr><td>restart (valid stored token)</td><td>2026-07-28</td><td>1 (1)</td><td>1 (1)</td></tr>
 *   <tr><td>restart (valid stored token)</td><td>2025-11-25</td><td>2 (2)</td><td>1 (1)</td></tr>
 * </table>
 *
 * <p>Choice (issue 16 lets the client decide): a restarted process sends the handshake again, also in the
 * 2026-07-28 era, although a {@code server/discover} result could be cached across processes. The handshake is one
 * exchange that checks the stored token and the server's present capabilities (a server restarted with other
 * tools or another version is seen at once); keeping discovery results on disk would add a second persistent
 * format and a staleness rule for one round trip.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StartupRoundTripsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private DemoAuthorizationServer as;
    private DemoMcpServer mcp;

    @TempDir
    Path dir;

    /**
     * What went over the client's wire: {@code METHOD path [Mcp-Method]}, in order, and the TCP connections opened.
     * Each start has its own connection pool, as a new process has: nothing pooled by an earlier start is reused.
     */
    private static final class Wire implements AutoCloseable {
        final List<String> requests = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger connections = new AtomicInteger();
        final ConnectionProvider pool = ConnectionProvider.create("round-trips", 16);
        final HttpClient client = HttpClient.create(pool)
                .doOnChannelInit((observer, channel, address) -> connections.incrementAndGet())
                .doAfterRequest((req, c) -> {
                    String rpc = req.requestHeaders().get("Mcp-Method");
                    requests.add(req.method().name() + " " + URI.create(req.resourceUrl()).getRawPath()
                            + (rpc == null ? "" : " " + rpc));
                });

        List<String> snapshot() {
            synchronized (requests) {
                return List.copyOf(requests);
            }
        }

        @Override
        public void close() {
            pool.dispose();
        }
    }

    @BeforeAll
    void startServers() {
        as = DemoAuthorizationServer.start(line -> { });
        mcp = DemoMcpServer.start(as, line -> { });
    }

    @AfterAll
    void stopServers() {
        if (mcp != null) {
            mcp.close();
        }
        if (as != null) {
            as.close();
        }
    }

    @Test
    void aFirstStartCostsTheSpecMinimumAndARestartWithAStoredTokenOnlyTheHandshakeInBothEras() throws IOException {
        Path tokens = dir.resolve("tokens.json");
        URI uri = mcp.endpoint();
        String path = uri.getRawPath();
        StringBuilder table = new StringBuilder("| start | era | exchanges | minimum | connections | minimum | what |\n"
                + "|---|---|---|---|---|---|---|\n");

        // 1. First start: nothing stored; discovery, registration, login, token, handshake.
        Wire first = new Wire();
        long loginsBefore = as.logins();
        McpOAuth oauth = McpOAuth.builder().tokenStore(FileTokenStore.at(tokens)).httpClient(first.client)
                .codeSource(AuthorizationCodeSource.headless("http://127.0.0.1:8976/callback", WAIT))
                .clientName("round trips").build();
        McpClient client = client(uri, oauth, first.client, ProtocolNegotiation.auto());
        InitializeResult init = client.connect().block(WAIT);
        List<String> firstRequests = first.snapshot();
        client.close().block(WAIT);
        oauth.shutdown(WAIT).block();

        assertThat(init.era()).isEqualTo(ProtocolEra.MODERN);
        assertThat(as.logins() - loginsBefore).as("one login").isEqualTo(1);
        Map<String, Long> byKind = kinds(firstRequests, path);
        assertThat(byKind).as("first start, by kind: " + firstRequests)
                .containsEntry("mcp without token (401)", 1L)
                .containsEntry("protected resource metadata", 1L)
                .containsEntry("authorization server metadata", 1L)
                .containsEntry("registration", 1L)
                .containsEntry("token", 1L)
                .containsEntry("mcp server/discover", 1L);
        assertThat(firstRequests).as("nothing else: " + firstRequests).hasSize(6);
        row(table, "first (nothing stored)", init, firstRequests, 6, 2, first);

        // 2. Restart on the stored token, 2026-07-28: only the handshake.
        Wire restart = new Wire();
        long tokenRequests = as.events().stream().filter(e -> e.kind().equals("refresh_token")
                || e.kind().equals("authorization_code")).count();
        McpOAuth again = McpOAuth.builder().tokenStore(FileTokenStore.at(tokens)).httpClient(restart.client)
                .clientName("round trips").build();
        McpClient modern = client(uri, again, restart.client, ProtocolNegotiation.auto());
        InitializeResult modernInit = modern.connect().block(WAIT);
        List<String> restartRequests = restart.snapshot();
        modern.close().block(WAIT);

        assertThat(modernInit.era()).isEqualTo(ProtocolEra.MODERN);
        assertThat(restartRequests).as("a restart with a valid token sends only the handshake")
                .containsExactly("POST " + path + " server/discover");
        row(table, "restart (valid stored token)", modernInit, restartRequests, 1, 1, restart);

        // 3. Restart on the stored token, pinned to 2025-11-25: initialize + notifications/initialized.
        Wire legacyWire = new Wire();
        McpOAuth third = McpOAuth.builder().tokenStore(FileTokenStore.at(tokens)).httpClient(legacyWire.client)
                .clientName("round trips").build();
        McpClient legacy = client(uri, third, legacyWire.client, ProtocolNegotiation.legacyOnly());
        InitializeResult legacyInit = legacy.connect().block(WAIT);
        List<String> legacyRequests = legacyWire.snapshot();
        legacy.close().block(WAIT);
        List<String> legacyAfterClose = legacyWire.snapshot();

        assertThat(legacyInit.era()).isEqualTo(ProtocolEra.LEGACY);
        assertThat(legacyRequests).as("2025-11-25 restart: the two handshake messages, nothing else")
                .containsExactly("POST " + path, "POST " + path);
        assertThat(legacyAfterClose.subList(legacyRequests.size(), legacyAfterClose.size()))
                .as("close ends the session (DELETE), as the 2025-11-25 transport asks").containsExactly("DELETE " + path);
        row(table, "restart (valid stored token)", legacyInit, legacyRequests, 2, 1, legacyWire);

        assertThat(as.events().stream().filter(e -> e.kind().equals("refresh_token")
                || e.kind().equals("authorization_code")).count()).as("no token request at either restart")
                .isEqualTo(tokenRequests);
        assertThat(first.connections.get()).as("a first start opens one connection per server (MCP, AS)")
                .isEqualTo(2);
        assertThat(restart.connections.get()).as("a 2026-07-28 restart opens one connection").isEqualTo(1);
        assertThat(legacyWire.connections.get()).as("a 2025-11-25 restart opens one connection (handshake and DELETE)")
                .isEqualTo(1);
        first.close();
        restart.close();
        legacyWire.close();
        again.shutdown(WAIT).block();
        third.shutdown(WAIT).block();

        String report = table.toString();
        System.out.println("[startup round trips]\n" + report);
        Path out = Path.of("target", "startup-round-trips.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report, StandardCharsets.UTF_8);
    }

    private static McpClient client(URI uri, McpOAuth oauth, HttpClient http, ProtocolNegotiation negotiation) {
        return McpClient.builder(uri).httpClient(http).negotiation(negotiation).requestTimeout(WAIT)
                .listeningStream(false).filter(oauth.filterFor(uri)).build();
    }

    /** Classifies each request by what it is for (the demo's AS is Spring Authorization Server: /oauth2/...). */
    private static Map<String, Long> kinds(List<String> requests, String mcpPath) {
        List<String> kinds = new ArrayList<>();
        boolean sawMcp = false;
        for (String r : requests) {
            String kind;
            if (r.startsWith("POST " + mcpPath)) {
                kind = sawMcp ? "mcp " + r.substring(("POST " + mcpPath).length()).trim() : "mcp without token (401)";
                sawMcp = true;
            } else if (r.contains("/.well-known/oauth-protected-resource")) {
                kind = "protected resource metadata";
            } else if (r.contains("/.well-known/oauth-authorization-server")
                    || r.contains("/.well-known/openid-configuration")) {
                kind = "authorization server metadata";
            } else if (r.startsWith("POST ") && r.contains("register")) {
                kind = "registration";
            } else if (r.startsWith("POST ") && r.contains("token")) {
                kind = "token";
            } else {
                kind = "other: " + r;
            }
            kinds.add(kind);
        }
        return kinds.stream().collect(Collectors.groupingBy(k -> k, Collectors.counting()));
    }

    private static void row(StringBuilder table, String start, InitializeResult init, List<String> requests,
                            int minimum, int minimumConnections, Wire wire) {
        table.append("| ").append(start).append(" | ").append(init.protocolVersion()).append(" | ")
                .append(requests.size()).append(" | ").append(minimum).append(" | ").append(wire.connections.get())
                .append(" | ").append(minimumConnections).append(" | ").append(String.join(", ", requests)).append(" |\n");
    }
}
