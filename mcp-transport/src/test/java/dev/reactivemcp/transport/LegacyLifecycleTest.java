package dev.reactivemcp.transport;

import static dev.reactivemcp.transport.Clients.WAIT;
import static dev.reactivemcp.transport.MockMcpServer.result;
import static dev.reactivemcp.transport.MockMcpServer.sequence;
import static dev.reactivemcp.transport.MockMcpServer.sse;
import static dev.reactivemcp.transport.MockMcpServer.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockserver.verify.VerificationTimes;
import reactor.test.StepVerifier;

/** The initialization-based era (2025-03-26 .. 2025-11-25) against a scripted MockServer endpoint. */
class LegacyLifecycleTest {

    @RegisterExtension
    final LoopbackMcp mcp = new LoopbackMcp();
    private final MockMcpServer server = mcp.server();
    private McpClient client;

    @Test
    void initializesWithCapabilitiesAndClientInfoThenSendsNotificationsInitialized() {
        server.legacy("2025-11-25", null);
        client = mcp.client(Clients.legacy(server.uri())
                .roots(List.of(new Root("file:///work", "work")))
                .elicitationHandler(r -> reactor.core.publisher.Mono.just(ElicitResult.decline()))
                .capabilities(Map.of("extensions", Map.of("x", Map.of()))));

        StepVerifier.create(client.connect())
                .assertNext(init -> {
                    assertThat(init.protocolVersion()).isEqualTo("2025-11-25");
                    assertThat(init.era()).isEqualTo(ProtocolEra.LEGACY);
                    assertThat(init.serverInfo()).isEqualTo(new Implementation("mock", "1.0", null));
                    assertThat(init.hasCapability("tools")).isTrue();
                })
                .verifyComplete();

        MockMcpServer.Call init = server.only("initialize");
        assertThat(init.params()).containsEntry("protocolVersion", "2025-11-25")
                .containsEntry("clientInfo", Map.of("name", "test-client", "version", "9.9.9"));
        assertThat((Map<String, Object>) init.params().get("capabilities"))
                .containsKeys("roots", "elicitation", "extensions");
        assertThat(init.header("Accept")).contains("application/json").contains("text/event-stream");
        MockMcpServer.Call initialized = server.await("notifications/initialized");
        assertThat(initialized.id()).isNull();
        assertThat(server.calls().indexOf(initialized)).isGreaterThan(server.calls().indexOf(init));
    }

    @Test
    void acceptsASupportedVersionTheServerCountersWith() {
        server.legacy("2025-03-26", null);
        client = mcp.client(Clients.legacy(server.uri()));

        StepVerifier.create(client.connect().map(InitializeResult::protocolVersion))
                .expectNext("2025-03-26")
                .verifyComplete();
        client.ping().block(WAIT);
        assertThat(server.only("ping").header("MCP-Protocol-Version")).isEqualTo("2025-03-26");
    }

    @Test
    void failsWithProtocolVersionUnsupportedWhenTheServerCountersWithAnUnknownVersion() {
        server.legacy("2024-11-05", null);
        client = mcp.client(Clients.legacy(server.uri()));

        StepVerifier.create(client.connect())
                .expectErrorSatisfies(e -> assertThat(((McpException) e).failure())
                        .isEqualTo(new McpFailure.ProtocolVersionUnsupported("2025-11-25", List.of("2024-11-05"))))
                .verify(WAIT);
        assertThat(server.calls("notifications/initialized")).isEmpty();
    }

    @Test
    void sendsTheProtocolVersionHeaderOnEveryRequestAfterInitializeButNotOnInitialize() {
        server.legacy("2025-06-18", null)
                .on("tools/list", c -> result(c, "{\"tools\":[]}"));
        client = mcp.client(Clients.legacy(server.uri()));

        client.connect().then(client.listTools(null)).then(client.ping()).block(WAIT);

        assertThat(server.only("initialize").headers().contains("MCP-Protocol-Version")).isFalse();
        assertThat(server.calls()).filteredOn(c -> !"initialize".equals(c.rpcMethod()))
                .hasSize(3)
                .allSatisfy(c -> assertThat(c.header("MCP-Protocol-Version")).isEqualTo("2025-06-18"));
    }

    @Test
    void echoesTheSessionIdTheServerIssuedOnEveryLaterRequest() {
        server.legacy("2025-11-25", "session-42");
        client = mcp.client(Clients.legacy(server.uri()));

        client.connect().then(client.ping()).block(WAIT);

        assertThat(server.only("initialize").headers().contains("Mcp-Session-Id")).isFalse();
        assertThat(server.only("notifications/initialized").header("Mcp-Session-Id")).isEqualTo("session-42");
        assertThat(server.only("ping").header("Mcp-Session-Id")).isEqualTo("session-42");
    }

    @Test
    void worksWithoutASessionIdWhenTheServerIssuesNone() {
        server.legacy("2025-11-25", null);
        client = mcp.client(Clients.legacy(server.uri()));

        client.connect().then(client.ping()).block(WAIT);
        client.close().block(WAIT);

        assertThat(server.calls()).noneMatch(c -> c.headers().contains("Mcp-Session-Id"));
        assertThat(server.calls("DELETE")).as("no session, nothing to delete").isEmpty();
    }

    @Test
    void readsAnSseResponseWithMultiLineDataCommentsAndIdsAfterNotifications() {
        server.legacy("2025-11-25", null)
                .on("tools/call", c -> sse(": keep-alive\n\n"
                        + "id: 1\nevent: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\","
                        + "\"params\":{\"level\":\"info\",\"data\":\"hello\"}}\n\n"
                        + "id: 2\ndata: {\"jsonrpc\":\"2.0\",\"id\":" + c.id() + ",\n"
                        + "data:  \"result\":{\"content\":[{\"type\":\"text\",\"text\":\"multi\\nline\"}]}}\n\n"));
        client = mcp.client(Clients.legacy(server.uri()));
        client.connect().block(WAIT);

        StepVerifier.create(client.notifications().take(1))
                .then(() -> assertThat(client.callTool("echo", Map.of()).block(WAIT).text()).isEqualTo("multi\nline"))
                .assertNext(n -> assertThat(n).isEqualTo(new McpNotification("notifications/message",
                        Map.of("level", "info", "data", "hello"))))
                .verifyComplete();
    }

    @Test
    void opensTheListeningStreamAfterConnectWithTheSessionHeaders() {
        server.legacy("2025-11-25", "s-1");
        client = mcp.client(Clients.legacy(server.uri()).listeningStream(true));

        client.connect().block(WAIT);

        MockMcpServer.Call get = server.await("GET");
        assertThat(get.header("Accept")).isEqualTo("text/event-stream");
        assertThat(get.header("Mcp-Session-Id")).isEqualTo("s-1");
        assertThat(get.header("MCP-Protocol-Version")).isEqualTo("2025-11-25");
    }

    @ParameterizedTest
    @ValueSource(ints = {404, 405})
    void toleratesAServerWithoutAListeningStream(int status) {
        server.legacy("2025-11-25", "s-1").on("GET", c -> status(status));
        client = mcp.client(Clients.legacy(server.uri()).listeningStream(true));

        client.connect().block(WAIT);
        server.await("GET");

        assertThat(client.ping().then(reactor.core.publisher.Mono.just(true)).block(WAIT)).isTrue();
        assertThat(server.calls("GET")).as("no retry of an absent stream").hasSize(1);
    }

    @Test
    void deliversNotificationsFromTheListeningStream() {
        server.legacy("2025-11-25", "s-1").on("GET", c -> sse(
                "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}\n\n"));
        client = mcp.client(Clients.legacy(server.uri()).listeningStream(true));

        StepVerifier.create(client.notifications().take(1))
                .then(() -> client.connect().block(WAIT))
                .assertNext(n -> assertThat(n.method()).isEqualTo("notifications/tools/list_changed"))
                .verifyComplete();
    }

    @Test
    void reinitializesOnceAndReplaysTheRequestWhenTheServerForgetsTheSession() {
        server.on("initialize", sequence(
                        c -> result(c, MockMcpServer.initializeResult("2025-11-25")).withHeader("Mcp-Session-Id", "old"),
                        c -> result(c, MockMcpServer.initializeResult("2025-11-25")).withHeader("Mcp-Session-Id", "new")))
                .on("tools/list", c -> "old".equals(c.header("Mcp-Session-Id"))
                        ? status(404) : result(c, "{\"tools\":[{\"name\":\"t\",\"inputSchema\":{}}]}"));
        client = mcp.client(Clients.legacy(server.uri()));

        StepVerifier.create(client.connect().then(client.listTools(null)))
                .assertNext(page -> assertThat(page.items()).extracting(Tool::name).containsExactly("t"))
                .verifyComplete();

        assertThat(server.calls("initialize")).hasSize(2);
        assertThat(server.calls("tools/list")).extracting(c -> c.header("Mcp-Session-Id"))
                .containsExactly("old", "new");
        assertThat(server.calls("tools/list").get(1).id()).isNotEqualTo(server.calls("tools/list").get(0).id());
    }

    @Test
    void failsWithSessionExpiredWhenTheReplayIsRejectedToo() {
        server.legacy("2025-11-25", "s").on("tools/list", c -> status(404));
        client = mcp.client(Clients.legacy(server.uri()));

        StepVerifier.create(client.connect().then(client.listTools(null)))
                .expectErrorSatisfies(e -> assertThat(((McpException) e).failure())
                        .isInstanceOf(McpFailure.SessionExpired.class))
                .verify(WAIT);
        assertThat(server.calls("initialize")).as("re-initialized exactly once").hasSize(2);
        assertThat(server.calls("tools/list")).hasSize(2);
    }

    @Test
    void deletesTheSessionOnCloseAndLaterCallsFailTyped() {
        server.legacy("2025-11-25", "s-9");
        client = mcp.client(Clients.legacy(server.uri()));
        client.connect().block(WAIT);

        StepVerifier.create(client.close()).verifyComplete();

        MockMcpServer.Call delete = server.only("DELETE");
        assertThat(delete.header("Mcp-Session-Id")).isEqualTo("s-9");
        assertThat(delete.header("MCP-Protocol-Version")).isEqualTo("2025-11-25");
        server.mock().verify(org.mockserver.model.HttpRequest.request().withMethod("DELETE").withPath("/mcp"),
                VerificationTimes.once());
        StepVerifier.create(client.ping())
                .expectErrorSatisfies(e -> assertThat(((McpException) e).failure())
                        .isInstanceOf(McpFailure.Cancelled.class))
                .verify(WAIT);
        StepVerifier.create(client.connect()).expectError(McpTransportException.class).verify(WAIT);
        assertThat(server.calls("ping")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {404, 405})
    void closeToleratesAServerThatCannotDeleteSessions(int status) {
        server.legacy("2025-11-25", "s-9").on("DELETE", c -> status(status));
        client = mcp.client(Clients.legacy(server.uri()));
        client.connect().block(WAIT);

        StepVerifier.create(client.close()).verifyComplete();
        assertThat(server.calls("DELETE")).hasSize(1);
    }
}
