package dev.reactivemcp.transport;

import static dev.reactivemcp.transport.StreamingServer.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;
import reactor.test.StepVerifier;

/**
 * The legacy GET listening stream lives as long as the client (issue 10, item 2): a loopback server drops and
 * refuses it again and again, ends it with an SSE {@code retry}, forgets the session, or has none; every reconnect
 * delay runs in virtual time. The HTTP I/O is real.
 */
class ListeningStreamLifeTest {

    private static final String NOTIFICATION =
            "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":\"info\",\"data\":\"hi\"}}\n\n";

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
            case "drop":
                return Mono.<Void>fromRunnable(() -> resp.withConnection(c -> c.dispose())).then(Mono.never());
            case "refuse":
                return resp.status(HttpResponseStatus.SERVICE_UNAVAILABLE).send();
            case "gone":
                return resp.status(404).send();
            case "unsupported":
                return resp.status(405).send();
            case "retry-then-end":
                return StreamingServer.sse(resp, Flux.just("retry: 7000\n\n", NOTIFICATION));
            default:
                return StreamingServer.sse(resp, Flux.just(NOTIFICATION).concatWith(Mono.never()));
        }
    }

    private McpClient start(Duration maxDelay) {
        server = mcp.closeAfter(StreamingServer.start(sessions));
        client = mcp.client(McpClient.builder(server.uri()).negotiation(ProtocolNegotiation.legacyOnly())
                .clientInfo("test-client", "9.9.9")
                .scheduler(time)
                .reconnectDelay(Duration.ofSeconds(1))
                .maxReconnectDelay(maxDelay)
                .listeningDownWarning(Duration.ofSeconds(30)));
        client.connect().block(WAIT);
        return client;
    }

    private ListeningState awaitState(ListeningState.Kind kind, int attempts) {
        return client.listeningState().filter(s -> s.kind() == kind && s.attempts() == attempts).next().block(WAIT);
    }

    private List<StreamingServer.Exchange> gets() {
        return server.exchanges().stream().filter(e -> "GET".equals(e.method())).toList();
    }

    @Test
    void keepsReopeningAStreamThatIsDroppedAndRefusedAgainAndAgainAndNotificationsArriveAgain() {
        script.addAll(List.of("drop", "refuse", "drop", "refuse", "drop", "refuse", "drop", "refuse"));
        start(Duration.ofSeconds(4));
        java.util.concurrent.CompletableFuture<McpNotification> notification = client.notifications()
                .filter(n -> n.method().equals("notifications/message")).next().toFuture();

        ListeningState first = null;
        for (int attempt = 1; attempt <= 8; attempt++) {
            ListeningState down = awaitState(ListeningState.Kind.RECONNECTING, attempt);
            assertThat(down.reason()).isNotBlank();
            if (first == null) {
                first = down;
            }
            assertThat(down.since()).as("down since the first failure").isEqualTo(first.since());
            time.advanceTimeBy(Duration.ofSeconds(4)); // the cap: every backoff delay is at most 4 s
        }

        awaitState(ListeningState.Kind.OPEN, 0);
        server.await(e -> "GET".equals(e.method()) && gets().size() == 9);
        assertThat(gets()).as("eight failed attempts, then an open stream: no give-up count").hasSize(9);
        assertThat(Mono.fromFuture(notification).block(WAIT).params()).containsEntry("data", "hi");
    }

    @Test
    void reopensAfterTheServersRetryWhenItEndsTheStream() {
        script.add("retry-then-end");
        start(Duration.ofSeconds(4));

        awaitState(ListeningState.Kind.RECONNECTING, 0);
        assertThat(time.timesScheduled(Duration.ofSeconds(7)))
                .as("the server's retry: 7000 is honoured, even above the 4 s cap").isEqualTo(1);
        time.advanceTimeBy(Duration.ofSeconds(7));

        awaitState(ListeningState.Kind.OPEN, 0);
        assertThat(gets()).hasSize(2);
    }

    @Test
    void reopensWithTheNewSessionOnceTheClientReinitializesAfterTheServerForgotTheOldOne() {
        script.add("gone");
        start(Duration.ofMinutes(5));

        ListeningState lost = awaitState(ListeningState.Kind.SESSION_LOST, 1);
        assertThat(lost.reason()).contains("session");
        sessions.forget("s-1"); // the server restarted: the next call gets 404 and re-initializes

        client.ping().block(WAIT);

        StreamingServer.Exchange reopened = server.await(e -> "GET".equals(e.method())
                && "s-2".equals(e.header("Mcp-Session-Id")));
        assertThat(reopened).as("re-opened with the new session, no virtual time advanced").isNotNull();
        awaitState(ListeningState.Kind.OPEN, 0);
    }

    @Test
    void stopsForGoodWhenTheServerHasNoListeningStream() {
        script.add("unsupported");
        start(Duration.ofSeconds(4));

        ListeningState stopped = awaitState(ListeningState.Kind.STOPPED, 0);
        assertThat(stopped.reason()).contains("no listening stream");
        time.advanceTimeBy(Duration.ofMinutes(10));
        client.ping().block(WAIT);

        assertThat(gets()).hasSize(1);
    }

    @Test
    void closeStopsTheOpenStreamReleasesItsConnectionAndCompletesTheStates() {
        start(Duration.ofSeconds(4));
        awaitState(ListeningState.Kind.OPEN, 0);
        StreamingServer.Exchange get = gets().get(0);

        client.close().block(WAIT);

        get.disconnected().block(WAIT); // the server saw the stream's connection go away
        AtomicReference<ListeningState> last = new AtomicReference<>();
        StepVerifier.create(client.listeningState().doOnNext(last::set))
                .expectNextMatches(s -> s.kind() == ListeningState.Kind.STOPPED && s.reason().contains("closed"))
                .verifyComplete();
    }
}
