package dev.reactivemcp.transport;

import static dev.reactivemcp.transport.Clients.WAIT;
import static dev.reactivemcp.transport.MockMcpServer.json;
import static dev.reactivemcp.transport.MockMcpServer.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.test.StepVerifier;

/** Automatic era negotiation: probe {@code server/discover}, fall back to {@code initialize} only on legacy answers. */
class NegotiationTest {

    @RegisterExtension
    final LoopbackMcp mcp = new LoopbackMcp();
    private final MockMcpServer server = mcp.server();
    private McpClient client;

    private void assertFellBackToInitialize() {
        StepVerifier.create(client.connect())
                .assertNext(init -> {
                    assertThat(init.era()).isEqualTo(ProtocolEra.LEGACY);
                    assertThat(init.protocolVersion()).isEqualTo("2025-11-25");
                })
                .verifyComplete();
        assertThat(server.calls()).extracting(MockMcpServer.Call::key)
                .startsWith("server/discover", "initialize", "notifications/initialized");
        assertThat(server.only("initialize").headers().contains("MCP-Protocol-Version")).isFalse();
    }

    @Test
    void fallsBackWhenALegacyServerSaysItIsNotInitialized() {
        server.legacy("2025-11-25", "s").on("server/discover", c -> json(400,
                "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"Bad Request: Server not initialized\"},\"id\":null}"));
        client = mcp.client(Clients.auto(server.uri()));

        assertFellBackToInitialize();
    }

    @Test
    void fallsBackWhenALegacyServerMissesTheSessionId() {
        server.legacy("2025-11-25", null).on("server/discover", c -> json(400,
                "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,\"message\":\"Missing session ID\"},\"id\":null}"));
        client = mcp.client(Clients.auto(server.uri()));

        assertFellBackToInitialize();
    }

    @ParameterizedTest
    @ValueSource(ints = {404, 405})
    void fallsBackOnAnEmptyNotFoundOrMethodNotAllowed(int status) {
        server.legacy("2025-11-25", null).on("server/discover", c -> status(status));
        client = mcp.client(Clients.auto(server.uri()));

        assertFellBackToInitialize();
    }

    @Test
    void staysModernWhenTheProbeSucceeds() {
        server.modern().legacy("2025-11-25", null);
        client = mcp.client(Clients.auto(server.uri()));

        assertThat(client.connect().block(WAIT).era()).isEqualTo(ProtocolEra.MODERN);
        assertThat(server.calls("initialize")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 403, 500, 503})
    void treatsAuthAndServerErrorsAsErrorsNeverAsAVerdict(int status) {
        server.legacy("2025-11-25", null).on("server/discover", c -> status(status)
                .withHeader("WWW-Authenticate", "Bearer resource_metadata=\"https://x/.well-known/oauth-protected-resource\""));
        client = mcp.client(Clients.auto(server.uri()));

        StepVerifier.create(client.connect())
                .expectErrorSatisfies(e -> assertThat(((McpHttpException) e).status()).isEqualTo(status))
                .verify();
        assertThat(server.calls("initialize")).as("no fallback").isEmpty();
    }

    @Test
    void treatsAServerErrorWithAJsonRpcBodyAsAnError() {
        server.legacy("2025-11-25", null).on("server/discover", c -> json(500,
                "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32603,\"message\":\"boom\"},\"id\":null}"));
        client = mcp.client(Clients.auto(server.uri()));

        StepVerifier.create(client.connect()).expectError().verify();
        assertThat(server.calls("initialize")).isEmpty();
    }

    @Test
    void pinnedModernNeverFallsBack() {
        server.legacy("2025-11-25", null).on("server/discover", c -> json(400,
                "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"Bad Request: Server not initialized\"},\"id\":null}"));
        client = mcp.client(Clients.modern(server.uri()));

        StepVerifier.create(client.connect())
                .expectErrorSatisfies(e -> assertThat(((McpJsonRpcException) e).code()).isEqualTo(-32000))
                .verify();
        assertThat(server.calls("initialize")).isEmpty();
    }

    @Test
    void aProbeTimeoutIsAnErrorNotAVerdict() {
        RecordingVirtualTime time = new RecordingVirtualTime();
        try (StreamingServer hanging = StreamingServer.start((ex, resp) -> StreamingServer.hang())) {
            client = mcp.client(Clients.auto(hanging.uri()).scheduler(time).connectTimeout(Duration.ofSeconds(7)));

            StepVerifier.create(client.connect())
                    .then(() -> {
                        hanging.await("server/discover");
                        time.advancePast(Duration.ofSeconds(7));
                    })
                    .expectErrorSatisfies(e -> assertThat(((McpException) e).failure())
                            .isEqualTo(new McpFailure.Timeout(Duration.ofSeconds(7))))
                    .verify();
            assertThat(hanging.exchanges()).extracting(StreamingServer.Exchange::rpcMethod)
                    .containsExactly("server/discover");
            Clients.close(client);
            client = null;
        } finally {
            time.dispose();
        }
    }
}
