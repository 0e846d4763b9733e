package dev.reactivemcp.transport;

import static dev.reactivemcp.transport.Clients.WAIT;
import static dev.reactivemcp.transport.MockMcpServer.response;
import static dev.reactivemcp.transport.MockMcpServer.result;
import static dev.reactivemcp.transport.MockMcpServer.rpcError;
import static dev.reactivemcp.transport.MockMcpServer.sse;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** 2026-07-28 {@code subscriptions/listen} (basic/patterns/subscriptions) in place of the legacy GET stream. */
class ModernListenTest {

    private static final String DISCOVER_LIST_CHANGED = "{\"resultType\":\"complete\",\"supportedVersions\":[\"2026-07-28\"],"
            + "\"capabilities\":{\"tools\":{\"listChanged\":true},\"prompts\":{}},\"ttlMs\":0,\"cacheScope\":\"public\"}";

    @RegisterExtension
    final LoopbackMcp mcp = new LoopbackMcp();
    private final MockMcpServer server = mcp.server();
    private McpClient client;

    @Test
    void listensForTheListChangesTheServerAdvertisesAndDeliversThemAsNotifications() {
        server.on("server/discover", c -> result(c, DISCOVER_LIST_CHANGED))
                .on("subscriptions/listen", c -> sse(
                        "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/subscriptions/acknowledged\","
                                + "\"params\":{\"notifications\":{\"toolsListChanged\":true}}}\n\n"
                                + "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\","
                                + "\"params\":{\"_meta\":{\"io.modelcontextprotocol/subscriptionId\":"
                                + dev.reactivemcp.transport.internal.JsonCodec.get().writeString(c.id()) + "}}}\n\n"
                                + "data: " + response(c, "{\"resultType\":\"complete\"}") + "\n\n"));
        client = mcp.client(Clients.modern(server.uri()));
        reactor.core.publisher.Mono<McpNotification> changed = client.notifications()
                .filter(n -> n.method().equals("notifications/tools/list_changed")).next().cache();
        changed.subscribe();

        client.connect().block(WAIT);

        assertThat(changed.block(WAIT).method()).isEqualTo("notifications/tools/list_changed");
        MockMcpServer.Call listen = server.calls("subscriptions/listen").get(0);
        assertThat(listen.params().get("notifications")).isEqualTo(Map.of("toolsListChanged", true));
        assertThat(listen.meta()).containsKeys("io.modelcontextprotocol/protocolVersion",
                "io.modelcontextprotocol/clientCapabilities");
        assertThat(listen.header("Mcp-Method")).isEqualTo("subscriptions/listen");
        assertThat(listen.header("MCP-Protocol-Version")).isEqualTo("2026-07-28");
    }

    @Test
    void opensNoListenStreamWhenTheServerAdvertisesNoListChanges() {
        server.modern().on("tools/list", c -> result(c, "{\"tools\":[]}"));
        client = mcp.client(Clients.modern(server.uri()));

        client.connect().then(client.listTools(null)).block(WAIT);

        assertThat(server.calls("subscriptions/listen")).isEmpty();
    }

    @Test
    void stopsListeningWhenTheServerRejectsTheMethod() {
        server.on("server/discover", c -> result(c, DISCOVER_LIST_CHANGED))
                .on("subscriptions/listen", c -> rpcError(c, 404, -32601, "Method not found", null))
                .on("tools/list", c -> result(c, "{\"tools\":[]}"));
        client = mcp.client(Clients.modern(server.uri()));

        client.connect().block(WAIT);
        server.await("subscriptions/listen");
        client.listTools(null).block(WAIT);

        assertThat(server.calls("subscriptions/listen")).hasSize(1);
    }

    @Test
    void keepsReopeningTheListenStreamPastAnyNumberOfFailuresInVirtualTime() {
        MockMcpServer.Responder refused = c -> MockMcpServer.status(503);
        MockMcpServer.Responder[] steps = new MockMcpServer.Responder[13];
        java.util.Arrays.fill(steps, refused);
        steps[12] = c -> sse("data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}\n\n"
                + "data: " + response(c, "{\"resultType\":\"complete\"}") + "\n\n");
        server.on("server/discover", c -> result(c, DISCOVER_LIST_CHANGED))
                .on("subscriptions/listen", MockMcpServer.sequence(steps));
        RecordingVirtualTime time = new RecordingVirtualTime();
        client = mcp.client(Clients.modern(server.uri()).scheduler(time)
                .maxReconnectDelay(java.time.Duration.ofSeconds(5)));
        java.util.List<ListeningState> states = new java.util.concurrent.CopyOnWriteArrayList<>();
        client.listeningState().subscribe(states::add);
        reactor.core.publisher.Mono<McpNotification> changed = client.notifications()
                .filter(n -> n.method().equals("notifications/tools/list_changed")).next().cache();
        changed.subscribe();

        client.connect().block(WAIT);
        for (int attempt = 1; attempt <= 12; attempt++) { // the old loop gave up after 10
            int n = attempt;
            client.listeningState().filter(st -> st.kind() == ListeningState.Kind.RECONNECTING && st.attempts() == n)
                    .next().block(WAIT);
            time.advanceTimeBy(java.time.Duration.ofSeconds(5));
        }

        assertThat(changed.block(WAIT).method()).isEqualTo("notifications/tools/list_changed");
        assertThat(server.calls("subscriptions/listen")).hasSizeGreaterThanOrEqualTo(13);
        assertThat(states).extracting(ListeningState::kind).contains(ListeningState.Kind.OPEN);
    }
}
