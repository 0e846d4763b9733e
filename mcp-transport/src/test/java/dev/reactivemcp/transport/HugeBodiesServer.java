package dev.reactivemcp.transport;

import dev.reactivemcp.transport.internal.Json;
import dev.reactivemcp.transport.internal.JsonCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A legacy MCP server on loopback, port 0, whose tools answer with bodies of {@link #HUGE} bytes (a JSON body, or an
 * SSE event that never ends), streamed from one shared read-only buffer: the server allocates nothing per byte.
 * Counts what it handed to the connections and how many answers the client cut short.
 */
final class HugeBodiesServer implements AutoCloseable {

    static final long HUGE = 500L * 1024 * 1024;
    private static final int CHUNK = 64 * 1024;
    private static final ByteBuf SPACES = Unpooled.unreleasableBuffer(Unpooled.directBuffer(CHUNK)
            .writeBytes(" ".repeat(CHUNK).getBytes(StandardCharsets.US_ASCII)).asReadOnly());

    final AtomicLong bytesSent = new AtomicLong();
    final AtomicInteger hugeAnswers = new AtomicInteger();
    final AtomicInteger cutShort = new AtomicInteger();
    private final DisposableServer server;

    HugeBodiesServer() {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .handle((req, resp) -> {
                    if (!"POST".equals(req.method().name())) {
                        return "DELETE".equals(req.method().name()) ? resp.status(200).send() : resp.status(405).send();
                    }
                    return req.receive().aggregate().asString(StandardCharsets.UTF_8).flatMap(body -> {
                        Map<String, Object> msg = Json.asObject(JsonCodec.get().read(body, "request"));
                        String method = Json.string(msg, "method");
                        Object id = msg.get("id");
                        if (id == null) {
                            return resp.status(202).send();
                        }
                        if ("initialize".equals(method)) {
                            return json(resp.header("Mcp-Session-Id", "s"), id,
                                    MockMcpServer.initializeResult("2025-11-25"));
                        }
                        String tool = Json.string(Json.objectOrEmpty(msg, "params"), "name");
                        if ("huge-json".equals(tool)) {
                            return huge(resp.header("Content-Type", "application/json")
                                    .header("Content-Length", Long.toString(HUGE)), "");
                        }
                        if ("huge-sse".equals(tool)) {
                            return huge(resp.header("Content-Type", "text/event-stream"), "data: ");
                        }
                        return json(resp, id, "{\"content\":[{\"type\":\"text\",\"text\":\"still here\"}]}");
                    });
                })
                .bindNow();
    }

    private static Mono<Void> json(HttpServerResponse resp, Object id, String result) {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":" + JsonCodec.get().writeString(id) + ",\"result\":" + result + "}";
        return resp.header("Content-Type", "application/json").sendString(Mono.just(body)).then();
    }

    private Mono<Void> huge(HttpServerResponse resp, String prefix) {
        hugeAnswers.incrementAndGet();
        long chunks = (HUGE - prefix.length()) / CHUNK;
        Flux<ByteBuf> body = Flux.just(Unpooled.copiedBuffer(prefix, StandardCharsets.US_ASCII))
                .concatWith(Flux.range(0, (int) chunks).map(i -> SPACES.duplicate()))
                .doOnNext(b -> bytesSent.addAndGet(b.readableBytes()))
                .doOnCancel(cutShort::incrementAndGet);
        return resp.send(body).then().onErrorResume(e -> Mono.fromRunnable(cutShort::incrementAndGet));
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.port() + "/mcp");
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
