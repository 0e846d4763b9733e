package dev.reactivemcp.benchmarks.jmh;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.reactivemcp.transport.CallToolResult;
import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.McpHttpResponse;
import dev.reactivemcp.transport.internal.JsonCodec;
import dev.reactivemcp.transport.internal.JsonRpc;
import dev.reactivemcp.transport.internal.ReactorNettyExchange;
import dev.reactivemcp.transport.internal.sse.SseDecoder;
import dev.reactivemcp.transport.internal.sse.SseEvent;
import dev.reactivemcp.transport.internal.sse.SseFlux;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The response side of one {@code tools/call}, piece by piece (body collection, SSE event to JSON, result mapping)
 * and whole: a POST through {@link ReactorNettyExchange} to an in-process server, against the floor (a bare
 * Reactor Netty POST + Jackson parse of the same bytes). Allocation ({@code -prof gc}) is what to read: times on
 * a shared 2-core machine are noise. The round trips include the in-process server's own allocation, the same
 * for both.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ResponsePathBenchmark {

    private static final int LIMIT = 4 * 1024 * 1024;
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final String JSON = "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[{\"type\":\"text\","
            + "\"text\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}],\"isError\":false}}";
    private static final byte[] JSON_BYTES = JSON.getBytes(UTF_8);
    private static final byte[] SSE_BYTES = ("event: message\ndata: " + JSON + "\n\n").getBytes(UTF_8);
    private static final byte[] REQUEST = ("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":"
            + "{\"name\":\"echo\",\"arguments\":{\"message\":\"hello\"}}}").getBytes(UTF_8);

    private final JsonCodec codec = JsonCodec.get();
    private final Headers jsonHeaders = Headers.builder().add("content-type", "application/json")
            .add("content-length", Integer.toString(JSON_BYTES.length)).build();

    private DisposableServer server;
    private ConnectionProvider pool;
    private HttpClient http;
    private ReactorNettyExchange exchange;
    private McpHttpRequest jsonRequest;
    private McpHttpRequest sseRequest;
    private HttpClient.RequestSender floorJson;
    private HttpClient.RequestSender floorSse;

    @Setup(Level.Trial)
    public void start() {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .route(r -> r
                        .post("/json", (req, res) -> req.receive().then(res
                                .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(JSON_BYTES.length))
                                .sendByteArray(Mono.just(JSON_BYTES)).then()))
                        .post("/sse", (req, res) -> req.receive().then(res
                                .header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                                .sendByteArray(Mono.just(SSE_BYTES)).then())))
                .bindNow();
        pool = ConnectionProvider.builder("jmh").maxConnections(4).build();
        http = HttpClient.create(pool);
        exchange = new ReactorNettyExchange(http);
        URI base = URI.create("http://127.0.0.1:" + server.port());
        Headers headers = Headers.builder().set("Content-Type", "application/json")
                .set("Accept", "application/json, text/event-stream").set("Mcp-Session-Id", "abc").build();
        jsonRequest = McpHttpRequest.of("POST", base.resolve("/json"), headers, REQUEST, "tools/call");
        sseRequest = McpHttpRequest.of("POST", base.resolve("/sse"), headers, REQUEST, "tools/call");
        floorJson = floor(base.resolve("/json"), headers);
        floorSse = floor(base.resolve("/sse"), headers);
    }

    private HttpClient.RequestSender floor(URI uri, Headers headers) {
        return http.headers(h -> headers.forEach((name, values) -> values.forEach(v -> h.add(name, v))))
                .post().uri(uri);
    }

    @TearDown(Level.Trial)
    public void stop() {
        server.disposeNow(Duration.ofSeconds(5));
        pool.disposeLater().block(Duration.ofSeconds(5));
    }

    /** Headers + one-chunk body to bytes, as for a JSON answer. */
    @Benchmark
    public byte[] bodyOneChunk() {
        byte[] chunk = JSON_BYTES.clone(); // what the exchange hands over
        return McpHttpResponse.streaming(200, jsonHeaders, () -> Flux.just(chunk), Mono::empty)
                .bodyBytes(LIMIT).block();
    }

    /** JSON bytes to the tool's text. */
    @Benchmark
    public String jsonToText() {
        return text(codec.read(JSON_BYTES, "response to tools/call"));
    }

    /** One SSE chunk to the tool's text, as RpcChannel does it. */
    @Benchmark
    public String sseToText() {
        SseEvent ev = SseFlux.decode(Flux.just(SSE_BYTES.clone()), new SseDecoder(LIMIT, LIMIT)).blockFirst();
        return text(readEvent(ev));
    }

    private Object readEvent(SseEvent ev) {
        return codec.read(ev.dataBytes(), "SSE event");
    }

    @SuppressWarnings("unchecked")
    private static String text(Object message) {
        return CallToolResult.fromJson(JsonRpc.resultOrThrow((Map<String, Object>) message)).text();
    }

    @Benchmark
    public String roundTripJson() {
        return exchange.exchange(jsonRequest)
                .flatMap(r -> r.bodyBytes(LIMIT))
                .map(b -> text(codec.read(b, "response to tools/call")))
                .block();
    }

    @Benchmark
    public String roundTripSse() {
        return exchange.exchange(sseRequest)
                // read to the end, as RpcChannel does, so that the connection goes back to the pool
                .flatMap(r -> SseFlux.decode(r.body(), new SseDecoder(LIMIT, LIMIT)).reduce((a, b) -> a))
                .map(ev -> text(readEvent(ev)))
                .block();
    }

    @Benchmark
    public String floorRoundTripJson() {
        return floorJson.send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(REQUEST)))
                .responseSingle((resp, buf) -> buf.asByteArray())
                .map(b -> MAPPER.readTree(b).get("result").get("content").get(0).get("text").asString())
                .block();
    }

    @Benchmark
    public String floorRoundTripSse() {
        return floorSse.send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(REQUEST)))
                .responseSingle((resp, buf) -> buf.asByteArray())
                .map(b -> {
                    int start = indexOfData(b);
                    int end = start;
                    while (end < b.length && b[end] != '\n') {
                        end++;
                    }
                    JsonNode n = MAPPER.readTree(b, start, end - start);
                    return n.get("result").get("content").get(0).get("text").asString();
                })
                .block();
    }

    private static int indexOfData(byte[] b) {
        for (int i = 0; i + 5 < b.length; i++) {
            if (b[i] == 'd' && b[i + 1] == 'a' && b[i + 2] == 't' && b[i + 3] == 'a' && b[i + 4] == ':') {
                return b[i + 5] == ' ' ? i + 6 : i + 5;
            }
        }
        return -1;
    }
}
