package dev.reactivemcp.transport;

import static dev.reactivemcp.transport.Clients.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.transport.internal.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.server.HttpServerResponse;
import reactor.test.StepVerifier;

/**
 * A legacy server that loses its sessions (a restart) and says so the ways real servers do: 404 (spec 2025-11-25,
 * basic/transports, "Session Management"), or 400 with a JSON-RPC error ("No valid session ID provided" from
 * server-everything, "Session not found", "Server not initialized"). Counted from the server's side: one new
 * {@code initialize} per loss, nothing sent without a session id once one was issued, each request the server
 * refused with the loss replayed once, a request that may have been processed never replayed.
 */
class SessionLossTest {

    private static final String RESULT = "{\"content\":[{\"type\":\"text\",\"text\":\"ok\"}]}";

    @RegisterExtension
    final LoopbackMcp mcp = new LoopbackMcp();
    private final RecordingVirtualTime time = mcp.disposeAfter(new RecordingVirtualTime());
    private final AtomicInteger issued = new AtomicInteger();
    private final AtomicReference<String> live = new AtomicReference<>();
    private volatile String lossAnswer = "404";
    private volatile Mono<Void> holdInitialize = Mono.empty();
    private volatile Mono<Void> holdLoss = Mono.empty();
    private StreamingServer server;
    private McpClient client;

    /**
     * Issues session "s1", "s2", ... on initialize; a request with any other session id gets {@link #lossAnswer};
     * requests of the current session are answered by {@code rest}.
     */
    private void server(BiFunction<StreamingServer.Exchange, HttpServerResponse, Publisher<Void>> rest) {
        server = mcp.closeAfter(StreamingServer.start((ex, resp) -> {
            if ("initialize".equals(ex.rpcMethod())) {
                String id = "s" + issued.incrementAndGet();
                return holdInitialize.then(Mono.defer(() -> {
                    live.set(id);
                    return Mono.from(StreamingServer.json(resp.header("Mcp-Session-Id", id),
                            ex.response(StreamingServer.initializeResult("2025-11-25"))));
                }));
            }
            if ("DELETE".equals(ex.method())) {
                return resp.status(200).send();
            }
            if (!java.util.Objects.equals(ex.header("Mcp-Session-Id"), live.get())) {
                return holdLoss.then(Mono.defer(() -> Mono.from(lost(ex, resp))));
            }
            if ("POST".equals(ex.method()) && ex.id() == null) {
                return resp.status(202).send();
            }
            return rest.apply(ex, resp);
        }));
    }

    private Publisher<Void> lost(StreamingServer.Exchange ex, HttpServerResponse resp) {
        String message = switch (lossAnswer) {
            case "404" -> null;
            case "400-no-valid" -> "Bad Request: No valid session ID provided";
            case "400-not-found" -> "Session not found";
            case "400-not-initialized" -> "Bad Request: Server not initialized";
            default -> throw new IllegalStateException(lossAnswer);
        };
        if (message == null) {
            return resp.status(404).send();
        }
        return StreamingServer.json(resp.status(400), "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\""
                + message + "\"},\"id\":null}");
    }

    /** The server restarts: every session it issued is forgotten. */
    private void restart() {
        live.set("gone");
    }

    private void connect(boolean virtualTime) {
        McpClient.Builder b = Clients.legacy(server.uri());
        client = (virtualTime ? b.scheduler(time) : b).build();
        client.connect().block(WAIT);
    }

    private static Map<String, Object> marked(String marker) {
        return Map.of("marker", marker);
    }

    private static String marker(StreamingServer.Exchange ex) {
        Map<String, Object> params = Json.object(ex.json(), "params");
        Map<String, Object> args = params == null ? null : Json.object(params, "arguments");
        return args == null ? null : Json.string(args, "marker");
    }

    private List<StreamingServer.Exchange> calls() {
        return server.exchanges().stream().filter(e -> "tools/call".equals(e.rpcMethod())).toList();
    }

    private long initializes() {
        return server.exchanges().stream().filter(e -> "initialize".equals(e.rpcMethod())).count();
    }

    @ParameterizedTest
    @ValueSource(strings = {"404", "400-no-valid", "400-not-found", "400-not-initialized"})
    void reinitializesOnceAndReplaysARequestTheServerRefusedWithTheLoss(String answer) {
        lossAnswer = answer;
        server((ex, resp) -> StreamingServer.json(resp, ex.response(RESULT)));
        connect(false);
        restart();

        assertThat(client.callTool("t", marked("m1")).block(WAIT).text()).isEqualTo("ok");

        assertThat(initializes()).isEqualTo(2);
        assertThat(calls()).extracting(e -> e.header("Mcp-Session-Id")).containsExactly("s1", "s2");
        assertThat(server.exchanges()).filteredOn(e -> e.json() != null && e.id() == null)
                .as("notifications/initialized on the new session")
                .extracting(e -> e.header("Mcp-Session-Id")).containsExactly("s1", "s2");
        assertThat(client.callTool("t", marked("m2")).block(WAIT).text()).isEqualTo("ok");
        assertThat(calls()).last().extracting(e -> e.header("Mcp-Session-Id")).isEqualTo("s2");
    }

    @Test
    void aBadRequestThatDoesNotSpeakOfTheSessionIsAnErrorNotALoss() {
        server((ex, resp) -> StreamingServer.json(resp.status(400),
                "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,\"message\":\"Invalid params\"},\"id\":"
                        + ex.id() + "}"));
        connect(false);

        StepVerifier.create(client.callTool("t", marked("m")))
                .expectErrorSatisfies(e -> assertThat(((McpException) e).failure())
                        .isInstanceOf(McpFailure.JsonRpcError.class))
                .verify(WAIT);
        assertThat(initializes()).isEqualTo(1);
        assertThat(calls()).hasSize(1);
    }

    @Test
    void aSessionAnswerToARequestWithoutSessionIdIsNotALoss() {
        // a server that issues no session id: its 400 cannot mean that a session was lost
        server = mcp.closeAfter(StreamingServer.start((ex, resp) -> {
            if ("initialize".equals(ex.rpcMethod())) {
                return StreamingServer.json(resp, ex.response(StreamingServer.initializeResult("2025-11-25")));
            }
            if (ex.id() == null) {
                return resp.status(202).send();
            }
            return StreamingServer.json(resp.status(400), "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,"
                    + "\"message\":\"Bad Request: No valid session ID provided\"},\"id\":null}");
        }));
        connect(false);

        StepVerifier.create(client.callTool("t", marked("m")))
                .expectErrorSatisfies(e -> assertThat(((McpException) e).failure())
                        .isInstanceOf(McpFailure.JsonRpcError.class))
                .verify(WAIT);
        assertThat(initializes()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"404", "400-no-valid"})
    void concurrentCallsShareOneReinitializeWaitForItAndAreReplayedOnceEach(String answer) {
        lossAnswer = answer;
        server((ex, resp) -> StreamingServer.json(resp, ex.response(RESULT)));
        connect(false);
        restart();
        Sinks.Empty<Void> release = Sinks.empty();
        holdInitialize = release.asMono();
        Sinks.Empty<Void> answerLoss = Sinks.empty();
        holdLoss = answerLoss.asMono();

        List<Mono<CallToolResult>> first = new java.util.ArrayList<>();
        for (int i = 0; i < 16; i++) {
            first.add(client.callTool("t", marked("a" + i)).cache());
        }
        first.forEach(m -> m.subscribe(r -> { }, e -> { }));
        // all sixteen reach the server on the lost session before it answers any of them
        server.await(e -> calls().stream().filter(c -> "s1".equals(c.header("Mcp-Session-Id"))).count() == 16);
        answerLoss.tryEmitEmpty();
        server.await(e -> "initialize".equals(e.rpcMethod()) && initializes() == 2);
        // issued while the new handshake is held by the server: they must wait for it
        List<Mono<CallToolResult>> second = new java.util.ArrayList<>();
        for (int i = 0; i < 16; i++) {
            second.add(client.callTool("t", marked("b" + i)).cache());
        }
        second.forEach(m -> m.subscribe(r -> { }, e -> { }));
        release.tryEmitEmpty();

        for (Mono<CallToolResult> m : first) {
            assertThat(m.block(WAIT).text()).isEqualTo("ok");
        }
        for (Mono<CallToolResult> m : second) {
            assertThat(m.block(WAIT).text()).isEqualTo("ok");
        }
        assertThat(initializes()).as("one re-initialize for the loss").isEqualTo(2);
        assertThat(server.exchanges()).filteredOn(e -> "POST".equals(e.method()) && !"initialize".equals(e.rpcMethod()))
                .as("nothing sent without a session id once one was issued")
                .allSatisfy(e -> assertThat(e.header("Mcp-Session-Id")).isNotNull());
        Map<String, List<String>> byMarker = calls().stream().collect(Collectors.groupingBy(SessionLossTest::marker,
                Collectors.mapping(e -> e.header("Mcp-Session-Id"), Collectors.toList())));
        for (int i = 0; i < 16; i++) {
            assertThat(byMarker.get("a" + i)).as("a%d: refused on the lost session, replayed once", i)
                    .containsExactly("s1", "s2");
            assertThat(byMarker.get("b" + i)).as("b%d: waited for the new session", i).containsExactly("s2");
        }
    }

    @Test
    void aFailedReinitializeFailsTheWaitingCallsAndTheNextLossTriesAgain() {
        lossAnswer = "400-no-valid";
        server((ex, resp) -> StreamingServer.json(resp, ex.response(RESULT)));
        connect(false);
        restart();
        holdInitialize = Mono.error(new IllegalStateException("still starting"));

        StepVerifier.create(client.callTool("t", marked("m1")))
                .expectError()
                .verify(WAIT);
        holdInitialize = Mono.empty();

        assertThat(client.callTool("t", marked("m2")).block(WAIT).text()).isEqualTo("ok");
        assertThat(server.exchanges()).filteredOn(e -> "POST".equals(e.method()) && !"initialize".equals(e.rpcMethod()))
                .allSatisfy(e -> assertThat(e.header("Mcp-Session-Id")).isNotNull());
        assertThat(calls()).extracting(e -> e.header("Mcp-Session-Id")).containsExactly("s1", "s1", "s3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"404", "400-no-valid"})
    void aBrokenStreamWhoseResumptionFindsTheSessionGoneReinitializesAndFailsTypedWithoutReplay(String answer) {
        lossAnswer = answer;
        server((ex, resp) -> {
            if ("POST".equals(ex.method()) && "m1".equals(marker(ex))) {
                restart(); // the server goes away after taking the request
                return StreamingServer.sseThenBreak(resp, Flux.just("retry: 100\nid: e1\ndata:\n\n"));
            }
            return StreamingServer.json(resp, ex.response(RESULT));
        });
        connect(true);

        StepVerifier.create(client.callTool("t", marked("m1")))
                .then(() -> time.advancePast(Duration.ofMillis(100)))
                .expectErrorSatisfies(e -> {
                    assertThat(((McpException) e).failure()).isInstanceOf(McpFailure.ConnectionFailure.class);
                    assertThat(e.getMessage()).contains("may have been processed");
                    assertThat(e.getCause()).isInstanceOfSatisfying(McpException.class,
                            c -> assertThat(c.failure()).isInstanceOf(McpFailure.SessionExpired.class));
                })
                .verify(WAIT);

        StreamingServer.Exchange get = server.await("GET");
        assertThat(get.header("Last-Event-ID")).isEqualTo("e1");
        assertThat(get.header("Mcp-Session-Id")).isEqualTo("s1");
        assertThat(calls()).as("not replayed by the transport").hasSize(1);
        assertThat(initializes()).as("a new session for the next calls").isEqualTo(2);
        assertThat(client.callTool("t", marked("m2")).block(WAIT).text()).isEqualTo("ok");
        assertThat(calls()).extracting(e -> e.header("Mcp-Session-Id")).containsExactly("s1", "s2");
    }

    @Test
    void aResumedStreamSkipsAndCountsReplayedEventsThatAreNotForTheRequest() {
        server((ex, resp) -> {
            if ("POST".equals(ex.method())) {
                return StreamingServer.sseThenBreak(resp, Flux.just("retry: 100\nid: a-1\ndata:\n\n"));
            }
            StreamingServer.Exchange call = calls().get(0);
            return StreamingServer.sse(resp, Flux.just(
                    "id: b-1\ndata: {}\n\n",
                    "id: b-2\ndata: {\"jsonrpc\":\"2.0\",\"id\":9999,\"result\":{}}\n\n",
                    "id: b-3\ndata: this is not json\n\n",
                    "id: b-4\ndata: [{}, {\"jsonrpc\":\"2.0\",\"id\":9998,\"error\":{\"code\":1,\"message\":\"x\"}}]\n\n",
                    "id: a-2\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"data\":\"n\"}}\n\n",
                    "id: a-3\ndata: " + call.response(RESULT) + "\n\n"));
        });
        connect(true);
        List<McpNotification> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        client.notifications().subscribe(seen::add);

        StepVerifier.create(client.callTool("t", marked("m")))
                .then(() -> time.advancePast(Duration.ofMillis(100)))
                .assertNext(r -> assertThat(r.text()).isEqualTo("ok"))
                .verifyComplete();

        assertThat(client.skippedReplayedEvents()).isEqualTo(5);
        assertThat(seen).extracting(McpNotification::method).containsExactly("notifications/message");
        assertThat(server.await("GET").header("Last-Event-ID")).isEqualTo("a-1");
        assertThat(calls()).hasSize(1);
    }

    @Test
    void aFreshStreamStillFailsOnAMessageThatIsNotJsonRpc() {
        server((ex, resp) -> StreamingServer.sse(resp, Flux.just("id: x\ndata: {}\n\n")));
        connect(false);

        StepVerifier.create(client.callTool("t", marked("m")))
                .expectErrorSatisfies(e -> assertThat(((McpException) e).failure())
                        .isInstanceOf(McpFailure.ProtocolError.class))
                .verify(WAIT);
        assertThat(client.skippedReplayedEvents()).isZero();
    }
}
