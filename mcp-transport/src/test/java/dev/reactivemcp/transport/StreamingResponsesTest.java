package dev.reactivemcp.transport;

import static dev.reactivemcp.transport.Clients.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;
import reactor.test.StepVerifier;

/**
 * SSE response streams over real HTTP: chunk splits, resumption with {@code Last-Event-ID} after {@code retry} ms
 * (virtual time), bounded resumption, and cancellation in both eras.
 */
class StreamingResponsesTest {

    private static final String RESULT = "{\"content\":[{\"type\":\"text\",\"text\":\"ok\"}]}";

    @RegisterExtension
    final LoopbackMcp mcp = new LoopbackMcp();
    private final RecordingVirtualTime time = mcp.disposeAfter(new RecordingVirtualTime());
    private StreamingServer server;
    private McpClient client;

    /** A legacy server (session "s") whose other requests are answered by {@code rest}. */
    private void legacyServer(BiFunction<StreamingServer.Exchange, HttpServerResponse, Publisher<Void>> rest) {
        legacyServer(b -> b, rest);
    }

    private void legacyServer(java.util.function.UnaryOperator<McpClient.Builder> options,
                              BiFunction<StreamingServer.Exchange, HttpServerResponse, Publisher<Void>> rest) {
        server = mcp.closeAfter(StreamingServer.start(StreamingServer.legacySession(rest)));
        client = mcp.client(options.apply(Clients.legacy(server.uri()).scheduler(time)));
        client.connect().block(WAIT);
    }

    private static String event(String id, String data) {
        return (id == null ? "" : "id: " + id + "\n") + "data: " + data + "\n\n";
    }

    @Test
    void readsAResponseWhoseEventIsSplitAcrossSlowChunks() {
        legacyServer((ex, resp) -> {
            String whole = "id: 7\r\ndata: " + ex.response(RESULT) + "\r\n\r\n";
            return StreamingServer.sse(resp, Flux.just(whole.substring(0, 5), whole.substring(5, 20),
                            whole.substring(20, whole.length() - 3), whole.substring(whole.length() - 3,
                                    whole.length() - 1), whole.substring(whole.length() - 1))
                    .delayElements(Duration.ofMillis(10)));
        });

        assertThat(client.callTool("t", Map.of()).block(WAIT).text()).isEqualTo("ok");
    }

    @Test
    void resumesACleanlyClosedStreamAfterTheServersRetryWithLastEventId() {
        legacyServer((ex, resp) -> "POST".equals(ex.method())
                ? StreamingServer.sse(resp, Flux.just("id: ev-1\nretry: 1500\ndata:\n\n"))
                : StreamingServer.sse(resp, Flux.just(event("ev-2", server.exchanges().stream()
                        .filter(e -> "tools/call".equals(e.rpcMethod())).findFirst().orElseThrow().response(RESULT)))));

        StepVerifier.create(client.callTool("t", Map.of()))
                .then(() -> {
                    time.awaitScheduled(Duration.ofMillis(1500));
                    assertThat(server.exchanges()).as("no GET before the retry delay").noneMatch(e -> "GET".equals(e.method()));
                    time.advanceTimeBy(Duration.ofMillis(1500));
                })
                .assertNext(r -> assertThat(r.text()).isEqualTo("ok"))
                .verifyComplete();

        StreamingServer.Exchange get = server.await("GET");
        assertThat(get.header("Last-Event-ID")).isEqualTo("ev-1");
        assertThat(get.header("Mcp-Session-Id")).isEqualTo("s");
        assertThat(get.header("Accept")).isEqualTo("text/event-stream");
    }

    @Test
    void aHugeRetryFromTheServerIsClampedToFiveMinutesInsteadOfOverflowing() {
        legacyServer(b -> b.requestTimeout(Duration.ofMinutes(10)), (ex, resp) -> "POST".equals(ex.method())
                ? StreamingServer.sse(resp, Flux.just("id: ev-1\nretry: 18446744073709551615999\ndata:\n\n"))
                : StreamingServer.sse(resp, Flux.just(event("ev-2", server.exchanges().stream()
                        .filter(e -> "tools/call".equals(e.rpcMethod())).findFirst().orElseThrow().response(RESULT)))));

        StepVerifier.create(client.callTool("t", Map.of()))
                .then(() -> {
                    time.awaitScheduled(Duration.ofMinutes(5));
                    time.advanceTimeBy(Duration.ofMinutes(5));
                })
                .assertNext(r -> assertThat(r.text()).isEqualTo("ok"))
                .verifyComplete();
        assertThat(server.await("GET").header("Last-Event-ID")).isEqualTo("ev-1");
    }

    @Test
    void resumesABrokenStreamWithTheConfiguredDelayWhenTheServerSentNoRetry() {
        AtomicInteger posts = new AtomicInteger();
        legacyServer(b -> b.reconnectDelay(Duration.ofSeconds(3)), (ex, resp) -> {
            if ("POST".equals(ex.method())) {
                posts.incrementAndGet();
                return StreamingServer.sseThenBreak(resp, Flux.just(event("ev-9",
                        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{}}")));
            }
            StreamingServer.Exchange call = server.exchanges().stream()
                    .filter(e -> "tools/call".equals(e.rpcMethod())).findFirst().orElseThrow();
            return StreamingServer.sse(resp, Flux.just(event("ev-10", call.response(RESULT))));
        });

        StepVerifier.create(client.callTool("t", Map.of()))
                .then(() -> time.advancePast(Duration.ofSeconds(3)))
                .assertNext(r -> assertThat(r.text()).isEqualTo("ok"))
                .verifyComplete();

        assertThat(server.await("GET").header("Last-Event-ID")).isEqualTo("ev-9");
        assertThat(posts).as("the request is not re-sent").hasValue(1);
    }

    @Test
    void givesUpAfterTheConfiguredNumberOfResumptions() {
        AtomicInteger n = new AtomicInteger();
        legacyServer(b -> b.maxStreamResumptions(2), (ex, resp) -> StreamingServer.sse(resp,
                Flux.just("retry: 100\nid: e" + n.incrementAndGet() + "\ndata:\n\n")));

        StepVerifier.create(client.callTool("t", Map.of()))
                .then(() -> {
                    time.advancePast(Duration.ofMillis(100));
                    time.advancePast(Duration.ofMillis(100));
                })
                .expectErrorSatisfies(e -> {
                    assertThat(((McpException) e).failure()).isInstanceOf(McpFailure.ConnectionFailure.class);
                    assertThat(e.getMessage()).contains("gave up after 2 resumptions");
                })
                .verify(WAIT);
        assertThat(server.exchanges()).filteredOn(e -> "GET".equals(e.method()))
                .extracting(e -> e.header("Last-Event-ID")).containsExactly("e1", "e2");
    }

    @Test
    void failsWithAConnectionFailureWhenAStreamWithoutEventIdsEndsBeforeTheResponse() {
        legacyServer((ex, resp) -> StreamingServer.sse(resp, Flux.just(": nothing here\n\n")));

        StepVerifier.create(client.callTool("t", Map.of()))
                .expectErrorSatisfies(e -> assertThat(((McpException) e).failure())
                        .isInstanceOf(McpFailure.ConnectionFailure.class))
                .verify(WAIT);
        assertThat(server.exchanges()).noneMatch(e -> "GET".equals(e.method()));
        assertThat(time.timesScheduled(Duration.ofSeconds(1))).as("no reconnect delay").isZero();
    }

    @Test
    void cancellingALegacyCallSendsNotificationsCancelledWithItsRequestId() {
        legacyServer((ex, resp) -> StreamingServer.sseHang(resp));

        Disposable call = client.callTool("slow", Map.of()).subscribe();
        StreamingServer.Exchange pending = server.await("tools/call");
        call.dispose();

        StreamingServer.Exchange cancelled = server.await("notifications/cancelled");
        assertThat(cancelled.json()).extractingByKey("params").isEqualTo(Map.of("requestId", pending.id(),
                "reason", "cancelled by the client"));
        assertThat(cancelled.header("Mcp-Session-Id")).isEqualTo("s");
        assertThat(pending.disconnected().block(WAIT)).isNull();
    }

    @Test
    void aRequestTimeoutInVirtualTimeFailsTypedAndCancelsOnTheWire() {
        legacyServer(b -> b.requestTimeout(Duration.ofSeconds(20)),
                (ex, resp) -> "tools/call".equals(ex.rpcMethod()) ? StreamingServer.hang() : resp.status(202).send());

        StepVerifier.create(client.callTool("slow", Map.of()))
                .then(() -> {
                    server.await("tools/call");
                    time.advancePast(Duration.ofSeconds(20));
                })
                .expectErrorSatisfies(e -> assertThat(((McpException) e).failure())
                        .isEqualTo(new McpFailure.Timeout(Duration.ofSeconds(20))))
                .verify(WAIT);
        assertThat(server.await("notifications/cancelled").json()).extractingByKey("params")
                .extracting(p -> ((Map<?, ?>) p).get("requestId")).isEqualTo(server.await("tools/call").id());
    }

    @Test
    void cancellingAModernCallClosesItsResponseStreamWithoutNotifications() {
        server = mcp.closeAfter(StreamingServer.start((ex, resp) -> switch (String.valueOf(ex.rpcMethod())) {
            case "server/discover" -> StreamingServer.json(resp, ex.response(MockMcpServer.discoverResult()));
            case "tools/list" -> StreamingServer.json(resp, ex.response("{\"tools\":[{\"name\":\"slow\",\"inputSchema\":{}}]}"));
            default -> StreamingServer.sseHang(resp);
        }));
        client = mcp.client(Clients.modern(server.uri()).scheduler(time));

        Disposable call = client.callTool("slow", Map.of()).subscribe();
        StreamingServer.Exchange pending = server.await("tools/call");
        call.dispose();

        assertThat(pending.disconnected().block(WAIT)).isNull();
        assertThat(server.exchanges()).noneMatch(e -> "notifications/cancelled".equals(e.rpcMethod()));
    }
}
