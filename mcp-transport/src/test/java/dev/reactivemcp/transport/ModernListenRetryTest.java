package dev.reactivemcp.transport;

import static dev.reactivemcp.transport.Clients.WAIT;
import static dev.reactivemcp.transport.MockMcpServer.response;
import static dev.reactivemcp.transport.MockMcpServer.result;
import static dev.reactivemcp.transport.MockMcpServer.sse;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The 2026-07-28 {@code subscriptions/listen} stream honours the server's SSE {@code retry} when it re-opens, as the
 * legacy GET stream does (issue 10, item 2). Virtual time; real HTTP on loopback.
 */
class ModernListenRetryTest {

    private static final String DISCOVER_LIST_CHANGED = "{\"resultType\":\"complete\",\"supportedVersions\":[\"2026-07-28\"],"
            + "\"capabilities\":{\"tools\":{\"listChanged\":true}},\"ttlMs\":0,\"cacheScope\":\"public\"}";

    private final MockMcpServer server = new MockMcpServer();
    private McpClient client;

    @AfterEach
    void cleanUp() {
        Clients.close(client);
        server.close();
    }

    @Test
    void reopensTheListenStreamAfterTheServersRetryEvenAboveTheBackoffCap() {
        server.on("server/discover", c -> result(c, DISCOVER_LIST_CHANGED))
                .on("subscriptions/listen", c -> sse("retry: 9000\n\n"
                        + "data: " + response(c, "{\"resultType\":\"complete\"}") + "\n\n"));
        RecordingVirtualTime time = new RecordingVirtualTime();
        client = Clients.modern(server.uri()).scheduler(time).reconnectDelay(Duration.ofSeconds(1))
                .maxReconnectDelay(Duration.ofSeconds(4)).build();

        client.connect().block(WAIT);
        client.listeningState().filter(s -> s.kind() == ListeningState.Kind.RECONNECTING).next().block(WAIT);

        assertThat(time.timesScheduled(Duration.ofSeconds(9))).as("the server's retry: 9000").isEqualTo(1);
        time.advanceTimeBy(Duration.ofSeconds(8));
        assertThat(server.calls("subscriptions/listen")).as("not before the server's retry").hasSize(1);
        time.advanceTimeBy(Duration.ofSeconds(1));
        server.await(c -> "subscriptions/listen".equals(c.key()) && server.calls("subscriptions/listen").size() >= 2);
        assertThat(server.calls("subscriptions/listen")).hasSize(2);
    }
}
