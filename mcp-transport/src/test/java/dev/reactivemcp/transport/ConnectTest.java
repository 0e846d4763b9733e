package dev.reactivemcp.transport;

import static dev.reactivemcp.transport.Clients.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** {@link McpClient#connect()} is lazy, shared while in flight, not cached on failure, and cancellable. */
class ConnectTest {

    @RegisterExtension
    final LoopbackMcp mcp = new LoopbackMcp();
    private final MockMcpServer server = mcp.server();
    private McpClient client;

    @Test
    void sendsNothingBeforeASubscription() {
        server.legacy("2025-11-25", null);
        client = mcp.client(Clients.legacy(server.uri()));

        Mono<InitializeResult> connect = client.connect();
        Mono<CallToolResult> call = client.callTool("t", java.util.Map.of());

        assertThat(connect).isNotNull();
        assertThat(call).isNotNull();
        assertThat(server.recorded()).isEmpty();
        assertThat(client.initializeResult()).isNull();
    }

    @Test
    void concurrentSubscribersShareOneHandshakeAndLaterOnesReuseIt() {
        server.legacy("2025-11-25", null);
        client = mcp.client(Clients.legacy(server.uri()));

        StepVerifier.create(Mono.zip(client.connect(), client.connect(), client.connect()))
                .assertNext(t -> assertThat(t.getT1()).isSameAs(t.getT2()).isSameAs(t.getT3()))
                .verifyComplete();
        client.connect().block(WAIT);
        client.ping().block(WAIT);

        assertThat(server.calls("initialize")).hasSize(1);
        assertThat(server.calls("notifications/initialized")).hasSize(1);
    }

    @Test
    void aFailedConnectIsNotCached() {
        server.on("initialize", MockMcpServer.sequence(c -> MockMcpServer.status(503),
                c -> MockMcpServer.result(c, MockMcpServer.initializeResult("2025-11-25"))));
        client = mcp.client(Clients.legacy(server.uri()));

        StepVerifier.create(client.connect()).expectError(McpHttpException.class).verify();
        StepVerifier.create(client.connect()).expectNextCount(1).verifyComplete();

        assertThat(server.calls("initialize")).hasSize(2);
    }

    @Test
    void cancellingConnectAbortsTheHandshakeAndALaterConnectStartsAgain() {
        AtomicInteger initializes = new AtomicInteger();
        try (StreamingServer slow = StreamingServer.start((ex, resp) -> {
            if ("initialize".equals(ex.rpcMethod()) && initializes.incrementAndGet() == 1) {
                return StreamingServer.hang();
            }
            return "initialize".equals(ex.rpcMethod())
                    ? StreamingServer.json(resp, ex.response(StreamingServer.initializeResult("2025-11-25")))
                    : resp.status(202).send();
        })) {
            client = mcp.client(Clients.legacy(slow.uri()));

            Disposable pending = client.connect().subscribe();
            StreamingServer.Exchange first = slow.await("initialize");
            pending.dispose();

            assertThat(first.disconnected().block(WAIT)).as("the connection was closed").isNull();
            StepVerifier.create(client.connect()).expectNextCount(1).verifyComplete();
            assertThat(initializes).hasValue(2);
            Clients.close(client);
            client = null;
        }
    }
}
