package dev.reactivemcp.transport;

import static dev.reactivemcp.transport.Clients.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.testsupport.TestPki;
import dev.reactivemcp.transport.internal.Json;
import dev.reactivemcp.transport.internal.JsonCodec;
import io.netty.buffer.Unpooled;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.ConnectionProvider;

/**
 * The client opens no more connections than a bare HTTP client must, counted where they arrive: at a Reactor Netty
 * server on loopback that counts the channels it accepts and sees close. A response whose body nobody reads (a 401
 * before the replay, the 202 to a notification) is drained and its connection reused; a response that cannot be
 * drained (an event stream, a body larger than the drain limit) closes its connection rather than pooling it
 * half-read.
 */
class ConnectionReuseTest {

    private static final TestPki PKI = TestPki.create("connection reuse test CA");
    private static final TestPki.Identity LOOPBACK = PKI.issue("127.0.0.1");
    private static final String UNAUTHORIZED = "{\"error\":\"invalid_token\",\"error_description\":\"expired\"}";

    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private final List<String> methods = new CopyOnWriteArrayList<>();
    private final Map<String, Boolean> protocols = new ConcurrentHashMap<>();
    private final ConnectionProvider pool = ConnectionProvider.builder("connection-reuse-test").maxConnections(8)
            .build();
    private DisposableServer server;
    private McpClient client;

    @AfterEach
    void stop() {
        Clients.close(client);
        pool.disposeLater().block(WAIT);
        if (server != null) {
            server.disposeNow();
        }
    }

    // ---- an MCP server answering initialize, notifications and tools/call, optionally 401 to the first request

    private DisposableServer start(HttpServer base, BiFunction<HttpServerRequest, HttpServerResponse,
            Publisher<Void>> handler) {
        server = base.host("127.0.0.1").port(0)
                // once per accepted TCP connection (doOnConnection would be once per request)
                .doOnChannelInit((observer, channel, address) -> {
                    accepted.incrementAndGet();
                    channel.closeFuture().addListener(f -> closed.incrementAndGet());
                })
                .handle(handler)
                .bindNow();
        return server;
    }

    /** Answers MCP; the first {@code unauthorized} requests get a 401 with {@code body401} (JSON) first. */
    private BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> mcp(int unauthorized, String body401) {
        AtomicInteger left = new AtomicInteger(unauthorized);
        return (req, resp) -> req.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                .flatMap(body -> {
                    protocols.put(req.protocol(), true);
                    if (left.getAndDecrement() > 0) {
                        methods.add("401");
                        return resp.status(401).header("WWW-Authenticate", "Bearer error=\"invalid_token\"")
                                .header("Content-Type", "application/json")
                                .sendString(Mono.just(body401)).then();
                    }
                    if (body.isEmpty()) {
                        methods.add(req.method().name());
                        return resp.status(405).send().then();
                    }
                    Map<String, Object> rpc = Json.asObject(JsonCodec.get().read(body, "request"));
                    methods.add(String.valueOf(rpc.get("method")));
                    Object id = rpc.get("id");
                    if (id == null) {
                        return resp.status(202).send().then();
                    }
                    Object result = "initialize".equals(rpc.get("method"))
                            ? JsonCodec.get().read(MockMcpServer.initializeResult("2025-11-25"), "init")
                            : Map.of("content", List.of(Map.of("type", "text", "text", "ok")));
                    return resp.header("Content-Type", "application/json").header("Mcp-Session-Id", "s-1")
                            .sendByteArray(Mono.just(JsonCodec.get().write(Map.of("jsonrpc", "2.0", "id", id,
                                    "result", result)))).then();
                });
    }

    /** Replays a request answered 401 once, releasing the 401 first: what a token filter does after a refresh. */
    private static final ExchangeFilterFunction REPLAY_ON_401 = (request, next) -> next.exchange(request)
            .flatMap(resp -> resp.status() == 401 && request.attempt() == 0
                    ? resp.releaseBody().then(next.exchange(request.nextAttempt()))
                    : Mono.just(resp));

    private McpClient legacyClient(HttpClient http) {
        return legacyClient(http, "http");
    }

    private McpClient legacyClient(HttpClient http, String scheme) {
        URI uri = URI.create(scheme + "://127.0.0.1:" + server.port() + "/mcp");
        return Clients.legacy(uri).httpClient(http).filter(REPLAY_ON_401).build();
    }

    private CallToolResult startAndCall() {
        return client.connect().then(client.callTool("echo", Map.of())).block(WAIT);
    }

    @Test
    void aStartOfTheNovember2025EraSendsInitializeTheNotificationAndACallOverOneConnection() {
        start(HttpServer.create(), mcp(0, ""));
        client = legacyClient(HttpClient.create(pool));

        assertThat(startAndCall().text()).isEqualTo("ok");

        assertThat(methods).containsExactly("initialize", "notifications/initialized", "tools/call");
        assertThat(accepted).hasValue(1);
        assertThat(closed).hasValue(0);
    }

    @Test
    void aRequestAnswered401IsReplayedOverTheSameConnection() {
        start(HttpServer.create(), mcp(1, UNAUTHORIZED));
        client = legacyClient(HttpClient.create(pool));

        assertThat(startAndCall().text()).isEqualTo("ok");

        assertThat(methods).containsExactly("401", "initialize", "notifications/initialized", "tools/call");
        assertThat(accepted).hasValue(1);
        assertThat(closed).hasValue(0);
    }

    @Test
    void a401WithABodyLargerThanTheDrainLimitClosesItsConnectionWithoutReadingItAll() {
        // 8 MB, announced: the client must not read it (nor wait for it) to replay the request.
        start(HttpServer.create(), mcp(1, "{\"error\":\"" + "x".repeat(8 << 20) + "\"}"));
        client = legacyClient(HttpClient.create(pool));

        assertThat(startAndCall().text()).isEqualTo("ok");

        assertThat(accepted).hasValue(2);
        awaitClosed(1);
    }

    @Test
    void a401WithAnEndlessChunkedBodyIsCutAtTheDrainLimitAndItsConnectionClosed() {
        Sinks.Empty<Void> endlessGone = Sinks.empty();
        AtomicInteger first = new AtomicInteger(1);
        start(HttpServer.create(), (req, resp) -> {
            if (first.getAndDecrement() > 0) {
                req.withConnection(c -> c.onDispose(endlessGone::tryEmitEmpty));
                // No Content-Length: chunked, and it never ends.
                return req.receive().then(resp.status(401).header("Content-Type", "text/plain")
                        .send(Flux.interval(Duration.ZERO, Duration.ofMillis(1))
                                .map(i -> Unpooled.wrappedBuffer(new byte[1024]))).then());
            }
            return mcp(0, "").apply(req, resp);
        });
        client = legacyClient(HttpClient.create(pool));

        assertThat(startAndCall().text()).isEqualTo("ok");

        endlessGone.asMono().block(WAIT);
        assertThat(accepted).hasValue(2);
    }

    @Test
    void anEventStreamCancelledMidStreamClosesItsConnectionInsteadOfPoolingItHalfRead() {
        Sinks.Empty<Void> streamGone = Sinks.empty();
        start(HttpServer.create(), (req, resp) -> {
            if (req.uri().equals("/events")) {
                req.withConnection(c -> c.onDispose(streamGone::tryEmitEmpty));
                return resp.header("Content-Type", "text/event-stream")
                        .sendString(Flux.interval(Duration.ZERO, Duration.ofMillis(5)).map(i -> "data: " + i + "\n\n"))
                        .then();
            }
            return resp.header("Content-Type", "application/json").sendString(Mono.just("{}")).then();
        });
        dev.reactivemcp.transport.spi.ReactorNettyExchange http =
                new dev.reactivemcp.transport.spi.ReactorNettyExchange(HttpClient.create(pool));
        URI base = URI.create("http://127.0.0.1:" + server.port());

        byte[] firstEvent = http.exchange(McpHttpRequest.of("GET", base.resolve("/events")))
                .flatMapMany(McpHttpResponse::body).filter(chunk -> chunk.length > 0).next().block(WAIT);
        String after = http.exchange(McpHttpRequest.of("GET", base.resolve("/json")))
                .flatMap(r -> r.bodyAsString(1024)).block(WAIT);

        assertThat(firstEvent).as("the first event").isNotNull();
        assertThat(new String(firstEvent, StandardCharsets.UTF_8)).startsWith("data: 0");
        streamGone.asMono().block(WAIT);
        assertThat(after).isEqualTo("{}");
        assertThat(accepted).hasValue(2);
    }

    @Test
    void anUnreadEventStreamIsNotDrainedButClosed() {
        Sinks.Empty<Void> streamGone = Sinks.empty();
        start(HttpServer.create(), (req, resp) -> {
            req.withConnection(c -> c.onDispose(streamGone::tryEmitEmpty));
            return resp.status(401).header("Content-Type", "text/event-stream")
                    .sendString(Flux.interval(Duration.ZERO, Duration.ofMillis(5)).map(i -> "data: " + i + "\n\n"))
                    .then();
        });
        dev.reactivemcp.transport.spi.ReactorNettyExchange http =
                new dev.reactivemcp.transport.spi.ReactorNettyExchange(HttpClient.create(pool));

        http.exchange(McpHttpRequest.of("GET", URI.create("http://127.0.0.1:" + server.port() + "/events")))
                .flatMap(McpHttpResponse::releaseBody).block(WAIT);

        streamGone.asMono().block(WAIT);
    }

    @Test
    void aBodyReadOnlyAfterItsWholeResponseArrivedAndItsConnectionWasPooledIsStillDelivered() {
        start(HttpServer.create(), (req, resp) -> resp.header("Content-Type", "application/json")
                .sendString(Mono.just("{\"path\":\"" + req.uri() + "\"}")).then());
        dev.reactivemcp.transport.spi.ReactorNettyExchange http =
                new dev.reactivemcp.transport.spi.ReactorNettyExchange(HttpClient.create(pool));
        URI base = URI.create("http://127.0.0.1:" + server.port());

        McpHttpResponse early = http.exchange(McpHttpRequest.of("GET", base.resolve("/early"))).block(WAIT);
        String later = http.exchange(McpHttpRequest.of("GET", base.resolve("/later")))
                .flatMap(r -> r.bodyAsString(1024)).block(WAIT);

        // By now the first response has ended and Reactor Netty has detached it from its channel.
        assertThat(later).isEqualTo("{\"path\":\"/later\"}");
        assertThat(early.bodyAsString(1024).block(WAIT)).isEqualTo("{\"path\":\"/early\"}");
    }

    @Test
    void overHttp2WithTlsA401AndTheWholeStartShareOneConnection() {
        startHttp2(UNAUTHORIZED);

        assertThat(startAndCall().text()).isEqualTo("ok");

        assertThat(protocols).containsOnlyKeys("HTTP/2.0");
        assertThat(methods).containsExactly("401", "initialize", "notifications/initialized", "tools/call");
        assertThat(accepted).hasValue(1);
        assertThat(closed).hasValue(0);
    }

    @Test
    void overHttp2ALarge401IsDiscardedByResettingItsStreamNotByClosingTheSharedConnection() {
        startHttp2("{\"error\":\"" + "x".repeat(1 << 20) + "\"}");

        assertThat(startAndCall().text()).isEqualTo("ok");

        assertThat(protocols).containsOnlyKeys("HTTP/2.0");
        assertThat(accepted).hasValue(1);
        assertThat(closed).hasValue(0);
    }

    private void startHttp2(String body401) {
        start(HttpServer.create().protocol(HttpProtocol.H2, HttpProtocol.HTTP11)
                .secure(spec -> spec.sslContext(Http2SslContextSpec.forServer(LOOPBACK.key(), LOOPBACK.certificate(),
                        LOOPBACK.root()))), mcp(1, body401));
        client = legacyClient(HttpClient.create(pool).protocol(HttpProtocol.H2, HttpProtocol.HTTP11)
                .secure(spec -> spec.sslContext(Http2SslContextSpec.forClient()
                        .configure(b -> b.trustManager(PKI.root())))), "https");
    }

    private void awaitClosed(int n) {
        long end = System.nanoTime() + WAIT.toNanos();
        while (closed.get() < n && System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        assertThat(closed.get()).isGreaterThanOrEqualTo(n);
    }
}
