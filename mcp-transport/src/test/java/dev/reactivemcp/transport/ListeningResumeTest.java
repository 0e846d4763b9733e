package dev.reactivemcp.transport;

import static dev.reactivemcp.transport.StreamingServer.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A re-opened legacy GET listening stream asks for what it missed with {@code Last-Event-ID} (2025-11-25
 * basic/transports, "Resumability and Redelivery"; issue 10, item 2), only within the session the ids belong to,
 * and stops asking when the server refuses the resumption. Real HTTP on loopback; reconnect delays in virtual time.
 */
class ListeningResumeTest {

    private static String event(String id, String text) {
        return "id: " + id + "\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\","
                + "\"params\":{\"level\":\"info\",\"data\":\"" + text + "\"}}\n\n";
    }

    /** What the server does with the next GETs, in order; {@code open} once the script is spent. */
    private final Queue<String> script = new ConcurrentLinkedQueue<>();
    private final StreamingServer.RestartableLegacySessions sessions =
            new StreamingServer.RestartableLegacySessions(this::listen);

    @RegisterExtension
    final LoopbackMcp mcp = new LoopbackMcp();
    private final RecordingVirtualTime time = mcp.disposeAfter(new RecordingVirtualTime());
    private StreamingServer server;
    private McpClient client;

    /** The listening GETs of a known session. */
    private Publisher<Void> listen(StreamingServer.Exchange ex, HttpServerResponse resp) {
        String step = script.poll();
        switch (step == null ? "open" : step) {
            case "two-then-end":
                return StreamingServer.sse(resp, Flux.just(event("e1", "one"), event("e2", "two")));
            case "two-then-drop":
                return StreamingServer.sse(resp, Flux.just(event("e1", "one"), event("e2", "two"))
                        .concatWith(Mono.fromRunnable(() -> resp.withConnection(c -> c.dispose()))
                                .then(Mono.never())));
            case "refuse-resumption":
                return resp.status(400).send();
            default:
                return StreamingServer.sse(resp, Flux.just(event("e9", "open")).concatWith(Mono.never()));
        }
    }

    private void start() {
        server = mcp.closeAfter(StreamingServer.start(sessions));
        client = mcp.client(McpClient.builder(server.uri()).negotiation(ProtocolNegotiation.legacyOnly())
                .clientInfo("test-client", "9.9.9")
                .scheduler(time)
                .reconnectDelay(Duration.ofSeconds(1))
                .maxReconnectDelay(Duration.ofSeconds(4)));
        client.connect().block(WAIT);
    }

    private List<StreamingServer.Exchange> gets() {
        return server.exchanges().stream().filter(e -> "GET".equals(e.method())).toList();
    }

    private StreamingServer.Exchange awaitGet(int n) {
        return server.await(e -> "GET".equals(e.method()) && gets().size() >= n) == null ? null : gets().get(n - 1);
    }

    private void awaitReconnecting() {
        client.listeningState().filter(s -> s.kind() == ListeningState.Kind.RECONNECTING).next().block(WAIT);
    }

    @Test
    void reopensAStreamTheServerEndedWithTheLastEventIdItDelivered() {
        script.add("two-then-end");
        start();

        awaitReconnecting();
        time.advanceTimeBy(Duration.ofSeconds(1));

        StreamingServer.Exchange reopened = awaitGet(2);
        assertThat(gets().get(0).header("Last-Event-ID")).as("the first GET resumes nothing").isNull();
        assertThat(reopened.header("Last-Event-ID")).isEqualTo("e2");
    }

    @Test
    void reopensADroppedStreamWithTheLastEventIdItDelivered() {
        script.add("two-then-drop");
        start();

        awaitReconnecting();
        time.advanceTimeBy(Duration.ofSeconds(4));

        assertThat(awaitGet(2).header("Last-Event-ID")).isEqualTo("e2");
    }

    @Test
    void opensAFreshStreamWhenTheServerRefusesTheResumption() {
        script.addAll(List.of("two-then-end", "refuse-resumption"));
        start();

        awaitReconnecting();
        time.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(awaitGet(2).header("Last-Event-ID")).isEqualTo("e2");
        client.listeningState().filter(s -> s.kind() == ListeningState.Kind.RECONNECTING && s.attempts() == 1)
                .next().block(WAIT);
        time.advanceTimeBy(Duration.ofSeconds(4));

        assertThat(awaitGet(3).header("Last-Event-ID")).as("no second resumption the server refused").isNull();
    }

    @Test
    void aNewSessionStartsWithoutTheOldSessionsEventIds() {
        script.add("two-then-end");
        start();
        awaitReconnecting();
        sessions.forget("s-1"); // the server restarted: the next call gets 404 and re-initializes

        client.ping().block(WAIT);

        StreamingServer.Exchange reopened = server.await(e -> "GET".equals(e.method())
                && "s-2".equals(e.header("Mcp-Session-Id")));
        assertThat(reopened).isNotNull();
        assertThat(reopened.header("Last-Event-ID")).as("e2 belongs to session s-1").isNull();
    }
}
