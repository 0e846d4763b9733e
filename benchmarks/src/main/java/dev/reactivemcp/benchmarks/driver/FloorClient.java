package dev.reactivemcp.benchmarks.driver;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.Unpooled;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * (B) The floor: a bare Reactor Netty POST of the bytes the SDK sends (same headers, same body), the answer
 * aggregated and parsed with Jackson (for SSE: the {@code data:} line of the one event). No session logic, no
 * id matching, no filters, no timeouts: what any client must at least spend.
 */
final class FloorClient implements BenchClient {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final byte[] DATA = "data:".getBytes(UTF_8);

    private final HttpClient.RequestSender call;
    private final byte[] callBody;
    private final List<HttpClient.RequestSender> handshake = new ArrayList<>();
    private final List<byte[]> handshakeBodies = new ArrayList<>();

    FloorClient(URI endpoint, HttpClient http, Posts captured, boolean modern) {
        Posts.Post post = captured.post("tools/call");
        this.call = sender(http, endpoint, post);
        this.callBody = post.body();
        List<String> methods = modern ? List.of("server/discover") : List.of("initialize", "notifications/initialized");
        for (String m : methods) {
            Posts.Post p = captured.post(m);
            handshake.add(sender(http, endpoint, p));
            handshakeBodies.add(p.body());
        }
    }

    private static HttpClient.RequestSender sender(HttpClient http, URI endpoint, Posts.Post post) {
        return http.headers(h -> post.headers().forEach((name, values) -> values.forEach(v -> h.add(name, v))))
                .post()
                .uri(endpoint);
    }

    @Override
    public String label() {
        return "B floor";
    }

    @Override
    public Mono<?> connect() {
        Mono<?> chain = Mono.empty();
        for (int i = 0; i < handshake.size(); i++) {
            HttpClient.RequestSender s = handshake.get(i);
            byte[] body = handshakeBodies.get(i);
            chain = chain.then(s.send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)))
                    .responseSingle((resp, buf) -> buf.asByteArray().defaultIfEmpty(new byte[0])));
        }
        return chain;
    }

    @Override
    public Mono<String> call() {
        return call.send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(callBody)))
                .responseSingle((resp, buf) -> buf.asByteArray())
                .map(FloorClient::text);
    }

    private static String text(byte[] bytes) {
        JsonNode msg = bytes.length > 0 && bytes[0] == '{' ? MAPPER.readTree(bytes) : fromSse(bytes);
        return msg.get("result").get("content").get(0).get("text").asString();
    }

    /** The JSON of the first {@code data:} line (the server sends one single-line event). */
    private static JsonNode fromSse(byte[] bytes) {
        int start = indexOf(bytes, DATA) + DATA.length;
        if (start < DATA.length) {
            throw new IllegalStateException("no data line in the event stream");
        }
        if (bytes[start] == ' ') {
            start++;
        }
        int end = start;
        while (end < bytes.length && bytes[end] != '\n' && bytes[end] != '\r') {
            end++;
        }
        return MAPPER.readTree(bytes, start, end - start);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() {
        // nothing held beyond the shared pool
    }
}
