package dev.reactivemcp.transport;

import dev.reactivemcp.testsupport.TestPki;
import dev.reactivemcp.transport.internal.Json;
import dev.reactivemcp.transport.internal.JsonCodec;
import io.netty.buffer.Unpooled;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerResponse;

/**
 * An in-process Reactor Netty server on port 0 for streaming edge cases: chunked SSE, streams that close early or
 * break, responses that never come. Records every exchange and when its connection went away.
 */
final class StreamingServer implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(20);

    /** One received request; {@code disconnected} completes when its connection closes. */
    record Exchange(String method, Headers headers, String body, Map<String, Object> json, Mono<Void> disconnected) {
        String rpcMethod() {
            return Json.string(json, "method");
        }

        Object id() {
            return json == null ? null : json.get("id");
        }

        String header(String name) {
            return headers.first(name).orElse(null);
        }

        /** A one-line JSON-RPC response to this request. */
        String response(String resultJson) {
            return "{\"jsonrpc\":\"2.0\",\"id\":" + JsonCodec.get().writeString(id()) + ",\"result\":" + resultJson + "}";
        }
    }

    private final DisposableServer server;
    private final String scheme;
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private final Sinks.Many<Exchange> arrivals = Sinks.many().replay().all();

    private StreamingServer(BiFunction<Exchange, HttpServerResponse, Publisher<Void>> handler,
                            io.netty.handler.ssl.SslContext tls) {
        this.scheme = tls == null ? "http" : "https";
        HttpServer base = HttpServer.create().host("127.0.0.1").port(0);
        this.server = (tls == null ? base : base.secure(spec -> spec.sslContext(tls)))
                .handle((req, resp) -> {
                    Sinks.Empty<Void> gone = Sinks.empty();
                    req.withConnection(c -> c.onDispose(gone::tryEmitEmpty));
                    return req.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                            .flatMapMany(body -> {
                                Map<String, List<String>> h = new LinkedHashMap<>();
                                req.requestHeaders().forEach(e ->
                                        h.computeIfAbsent(e.getKey(), k -> new java.util.ArrayList<>()).add(e.getValue()));
                                Map<String, Object> json = body.isEmpty() ? null
                                        : Json.asObject(JsonCodec.get().read(body, "test request"));
                                Exchange ex = new Exchange(req.method().name(), Headers.of(h), body, json,
                                        gone.asMono());
                                exchanges.add(ex);
                                arrivals.emitNext(ex, Sinks.EmitFailureHandler.busyLooping(WAIT));
                                return handler.apply(ex, resp);
                            });
                })
                .bindNow();
    }

    static StreamingServer start(BiFunction<Exchange, HttpServerResponse, Publisher<Void>> handler) {
        return new StreamingServer(handler, null);
    }

    /** The same server over TLS, presenting {@code identity}. */
    static StreamingServer startTls(TestPki.Identity identity,
                                    BiFunction<Exchange, HttpServerResponse, Publisher<Void>> handler) {
        return new StreamingServer(handler, identity.serverContext());
    }

    URI uri() {
        return URI.create(scheme + "://127.0.0.1:" + server.port() + "/mcp");
    }

    /** The endpoint under another host name that resolves to the same loopback address. */
    URI uri(String host) {
        return URI.create(scheme + "://" + host + ":" + server.port() + "/mcp");
    }

    List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    Exchange await(Predicate<Exchange> p) {
        return arrivals.asFlux().filter(p).next().block(WAIT);
    }

    Exchange await(String rpcMethodOrHttpMethod) {
        return await(e -> rpcMethodOrHttpMethod.equals(e.rpcMethod())
                || (e.rpcMethod() == null && rpcMethodOrHttpMethod.equals(e.method())));
    }

    @Override
    public void close() {
        server.disposeNow(WAIT);
    }

    // ---- responses ----

    /** A JSON answer. */
    static Publisher<Void> json(HttpServerResponse resp, String body) {
        return resp.header("Content-Type", "application/json").sendString(Mono.just(body));
    }

    /** An SSE answer whose chunks are written and flushed one by one, then the stream ends cleanly. */
    static Publisher<Void> sse(HttpServerResponse resp, Flux<String> chunks) {
        return resp.header("Content-Type", "text/event-stream")
                .send(chunks.map(s -> Unpooled.copiedBuffer(s, StandardCharsets.UTF_8)), b -> true);
    }

    /** An SSE answer that writes {@code chunks} then breaks the connection without ending the body. */
    static Publisher<Void> sseThenBreak(HttpServerResponse resp, Flux<String> chunks) {
        return resp.header("Content-Type", "text/event-stream")
                .send(chunks.map(s -> Unpooled.copiedBuffer(s, StandardCharsets.UTF_8)), b -> true)
                .then()
                .then(Mono.<Void>fromRunnable(() -> resp.withConnection(c -> c.dispose())))
                .then(Mono.never());
    }

    /** Headers of an SSE stream and an opening comment, then nothing until the client goes away. */
    static Publisher<Void> sseHang(HttpServerResponse resp) {
        return resp.header("Content-Type", "text/event-stream")
                .send(Flux.just(": open\n\n").map(s -> Unpooled.copiedBuffer(s, StandardCharsets.UTF_8))
                        .concatWith(Mono.never()), b -> true);
    }

    /** Never answers. */
    static Publisher<Void> hang() {
        return Mono.never();
    }

    static String initializeResult(String version) {
        return MockMcpServer.initializeResult(version);
    }

    /**
     * A legacy (2025-11-25) endpoint issuing session {@code "s"}: initialize answered, notifications accepted (202),
     * DELETE answered 200; every other exchange goes to {@code rest}.
     */
    static BiFunction<Exchange, HttpServerResponse, Publisher<Void>> legacySession(
            BiFunction<Exchange, HttpServerResponse, Publisher<Void>> rest) {
        return (ex, resp) -> {
            if ("initialize".equals(ex.rpcMethod())) {
                return json(resp.header("Mcp-Session-Id", "s"), ex.response(initializeResult("2025-11-25")));
            }
            if ("POST".equals(ex.method()) && ex.id() == null) {
                return resp.status(202).send();
            }
            if ("DELETE".equals(ex.method())) {
                return resp.status(200).send();
            }
            return rest.apply(ex, resp);
        };
    }

    /**
     * A legacy (2025-11-25) endpoint that issues a new session per {@code initialize} ({@code s-1}, {@code s-2}, ...)
     * and can forget one, as a restarted server does: any exchange carrying no or an unknown session gets 404 (so the
     * client re-initializes), notifications 202, DELETE 204, requests an empty result; GETs of a known session go to
     * {@code listening}.
     */
    static final class RestartableLegacySessions implements BiFunction<Exchange, HttpServerResponse, Publisher<Void>> {
        private final java.util.Set<String> known = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final java.util.concurrent.atomic.AtomicInteger issued = new java.util.concurrent.atomic.AtomicInteger();
        private final BiFunction<Exchange, HttpServerResponse, Publisher<Void>> listening;

        RestartableLegacySessions(BiFunction<Exchange, HttpServerResponse, Publisher<Void>> listening) {
            this.listening = listening;
        }

        /** The server forgets {@code session} (a restart). */
        void forget(String session) {
            known.remove(session);
        }

        @Override
        public Publisher<Void> apply(Exchange ex, HttpServerResponse resp) {
            String session = ex.header("Mcp-Session-Id");
            if ("DELETE".equals(ex.method())) {
                return resp.status(204).send();
            }
            if ("initialize".equals(ex.rpcMethod())) {
                String id = "s-" + issued.incrementAndGet();
                known.add(id);
                return json(resp.header("Mcp-Session-Id", id), ex.response(initializeResult("2025-11-25")));
            }
            if (session == null || !known.contains(session)) {
                return resp.status(404).send();
            }
            if ("GET".equals(ex.method())) {
                return listening.apply(ex, resp);
            }
            if (ex.json() != null && !ex.json().containsKey("id")) {
                return resp.status(202).send();
            }
            return json(resp, ex.response("{}"));
        }
    }
}
