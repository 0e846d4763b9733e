package dev.reactivemcp.observation;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.testsupport.LoopbackMcpServer;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.ProtocolNegotiation;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/** Issue 15 item 3: Micrometer observations of calls, handshakes and token refreshes against a loopback MCP server. */
class McpObservationTest {

    private final TestObservationRegistry registry = TestObservationRegistry.create();

    private McpClient client(LoopbackMcpServer server, McpOAuth oauth) {
        McpClient.Builder builder = McpClient.builder(server.mcpUri()).negotiation(ProtocolNegotiation.legacyOnly())
                .listeningStream(false).callListener(McpObservation.calls(registry));
        return (oauth == null ? builder : builder.filter(oauth.filterFor(server.mcpUri()))).build();
    }

    @Test
    void callsAndTheHandshakeAreObservedWithMethodToolEraAndOutcome() {
        try (LoopbackMcpServer server = LoopbackMcpServer.start()) {
            McpClient client = client(server, null);
            client.callTool("echo", Map.of()).block(Duration.ofSeconds(10));
            client.callTool("broken", Map.of()).block(Duration.ofSeconds(10));
            client.callTool("missing", Map.of()).onErrorResume(e -> Mono.empty()).block(Duration.ofSeconds(10));
            client.close().block(Duration.ofSeconds(10));
        }

        assertThat(registry).hasNumberOfObservationsWithNameEqualTo(McpObservation.HANDSHAKE, 1)
                .hasNumberOfObservationsWithNameEqualTo(McpObservation.CALL, 3)
                .hasHandledContextsThatSatisfy(contexts -> assertThat(contexts.stream()
                        .filter(c -> c.getName().equals(McpObservation.CALL))
                        .map(c -> c.getLowCardinalityKeyValue("mcp.tool.name").getValue() + ":"
                                + c.getLowCardinalityKeyValue("mcp.protocol.era").getValue() + ":"
                                + c.getLowCardinalityKeyValue("mcp.outcome").getValue()))
                        .containsExactlyInAnyOrder("echo:legacy:success", "broken:legacy:tool_error",
                                "missing:legacy:JsonRpcError"));
        assertThat(registry).hasObservationWithNameEqualTo(McpObservation.HANDSHAKE).that()
                .hasLowCardinalityKeyValue("mcp.method", "connect")
                .hasLowCardinalityKeyValue("mcp.outcome", "success")
                .hasBeenStarted().hasBeenStopped();
    }

    @Test
    void aCallsParentIsTheObservationInItsReactorContext() {
        Observation parent = Observation.start("checkout", registry);
        try (LoopbackMcpServer server = LoopbackMcpServer.start()) {
            McpClient client = client(server, null);
            client.callTool("echo", Map.of()).contextWrite(Context.of(McpObservation.PARENT_KEY, parent))
                    .block(Duration.ofSeconds(10));
            client.close().block(Duration.ofSeconds(10));
        }
        parent.stop();

        assertThat(registry).hasHandledContextsThatSatisfy(contexts -> assertThat(contexts.stream()
                .filter(c -> c.getName().equals(McpObservation.CALL)))
                .singleElement()
                .satisfies(c -> assertThat(c.getParentObservation()).isSameAs(parent)));
    }

    @Test
    void aStaleTokenRefreshIsObservedOnceWithItsReasonAndOutcome() {
        Seeds.Renewing provider = new Seeds.Renewing();
        try (LoopbackMcpServer server = LoopbackMcpServer.start()) {
            McpOAuth oauth = Seeds.expiredOAuth(server.mcpUri(), provider);
            CompletableFuture<Void> observed = McpObservation.credentials(oauth, registry).toFuture();
            McpClient client = client(server, oauth);

            client.callTool("echo", Map.of()).block(Duration.ofSeconds(10));
            client.ping().block(Duration.ofSeconds(10));
            client.close().then(oauth.shutdown()).block(Duration.ofSeconds(10));
            assertThat(observed).succeedsWithin(Duration.ofSeconds(10));
        }

        assertThat(provider.renewals).as("token requests").hasValue(1);
        assertThat(registry).hasNumberOfObservationsWithNameEqualTo(McpObservation.REFRESH, 1)
                .hasObservationWithNameEqualTo(McpObservation.REFRESH).that()
                .hasLowCardinalityKeyValue("mcp.refresh.reason", "stale")
                .hasLowCardinalityKeyValue("mcp.outcome", "success")
                .hasLowCardinalityKeyValue("mcp.oauth.issuer", Seeds.ISSUER)
                .hasBeenStarted().hasBeenStopped();
        assertThat(registry).hasNumberOfObservationsWithNameEqualTo(McpObservation.CALL, 2);
    }
}
