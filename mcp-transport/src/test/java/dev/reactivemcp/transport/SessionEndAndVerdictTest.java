package dev.reactivemcp.transport;

import static dev.reactivemcp.transport.Clients.WAIT;
import static dev.reactivemcp.transport.MockMcpServer.json;
import static dev.reactivemcp.transport.MockMcpServer.result;
import static dev.reactivemcp.transport.MockMcpServer.rpcError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpFailure;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mockserver.model.Delay;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Closing while calls are in flight, the remembered legacy verdict, and long error bodies. */
class SessionEndAndVerdictTest {

    private static final String NOT_INITIALIZED =
            "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"Bad Request: Server not initialized\"},\"id\":null}";

    private final MockMcpServer server = new MockMcpServer();
    private McpClient first;
    private McpClient second;

    @BeforeAll
    static void boundVerifications() {
        StepVerifier.setDefaultTimeout(WAIT);
    }

    @AfterEach
    void cleanUp() {
        Clients.close(first);
        Clients.close(second);
        server.close();
    }

    @Test
    void closeFailsACallStillInFlightWithATypedClosedError() {
        server.legacy("2025-11-25", null)
                .on("tools/call", c -> result(c, "{\"content\":[]}").withDelay(new Delay(TimeUnit.SECONDS, 30)));
        first = Clients.legacy(server.uri()).build();
        first.connect().block(WAIT);

        Mono<CallToolResult> call = first.callTool("slow", Map.of());
        StepVerifier.create(call)
                .then(() -> server.await("tools/call"))
                .then(() -> first.close().block(WAIT))
                .expectErrorSatisfies(e -> assertThat(((McpTransportException) e).failure())
                        .isInstanceOf(McpFailure.Cancelled.class))
                .verify();
    }

    @Test
    void aSecondClientOfAnEndpointKnownToBeLegacySkipsTheModernProbe() {
        server.legacy("2025-11-25", null).on("server/discover", c -> json(400, NOT_INITIALIZED));
        first = remembering().build();
        second = remembering().build();

        assertThat(first.connect().block(WAIT).era()).isEqualTo(ProtocolEra.LEGACY);
        assertThat(second.connect().block(WAIT).era()).isEqualTo(ProtocolEra.LEGACY);

        assertThat(server.calls("server/discover")).as("only the first client probed").hasSize(1);
        assertThat(server.calls("initialize")).hasSize(2);
    }

    @Test
    void aRememberedLegacyVerdictThatNoLongerHoldsIsDroppedAndTheServerProbedAgain() {
        server.legacy("2025-11-25", null).on("server/discover", c -> json(400, NOT_INITIALIZED));
        first = remembering().build();
        first.connect().block(WAIT);

        server.modern().on("initialize", c -> rpcError(c, 404, -32601, "Method not found", null));
        second = remembering().build();

        assertThat(second.connect().block(WAIT).era()).isEqualTo(ProtocolEra.MODERN);
        assertThat(server.calls("initialize")).hasSize(2);
        assertThat(server.calls("server/discover")).hasSize(2);
    }

    @Test
    void aLongErrorBodyGivesABoundedPreviewRatherThanNone() {
        String big = "x".repeat(200_000);
        server.legacy("2025-11-25", null).on("tools/list", c -> MockMcpServer.status(500).withBody(big));
        first = Clients.legacy(server.uri()).build();

        StepVerifier.create(first.connect().then(first.listTools(null)))
                .expectErrorSatisfies(e -> {
                    McpHttpException http = (McpHttpException) e;
                    assertThat(http.status()).isEqualTo(500);
                    assertThat(http.bodyPreview()).startsWith("xxxx").hasSizeLessThanOrEqualTo(2048);
                })
                .verify();
    }

    private McpClient.Builder remembering() {
        return McpClient.builder(server.uri()).listeningStream(false).rememberLegacyVerdict(true);
    }
}
