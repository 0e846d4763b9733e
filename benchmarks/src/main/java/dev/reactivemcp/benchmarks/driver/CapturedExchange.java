package dev.reactivemcp.benchmarks.driver;

import dev.reactivemcp.transport.McpHttpRequest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.netty.http.client.HttpClient;

/**
 * The exact requests (headers and body bytes) this SDK sends, captured once through a filter of a throw-away
 * {@link SdkClient}, so that the floor posts the same bytes. The capturing client stays open (its legacy session
 * id is in the captured headers) until {@link #close()}.
 */
final class CapturedExchange implements AutoCloseable, Posts {

    private final SdkClient client;
    private final List<McpHttpRequest> seen = new CopyOnWriteArrayList<>();

    CapturedExchange(URI endpoint, boolean modern, HttpClient http) {
        this.client = new SdkClient(endpoint, modern, http, (request, next) -> {
            seen.add(request);
            return next.exchange(request);
        });
        client.connect().block(Duration.ofSeconds(30));
        client.call().block(Duration.ofSeconds(30));
    }

    /** The last POST whose JSON-RPC method is {@code method}. */
    @Override
    public Posts.Post post(String method) {
        for (int i = seen.size() - 1; i >= 0; i--) {
            McpHttpRequest r = seen.get(i);
            if ("POST".equals(r.method()) && r.jsonRpcMethod().filter(method::equals).isPresent()) {
                return new Posts.Post(r.headers().asMap(), r.body());
            }
        }
        throw new IllegalStateException("the SDK sent no " + method + " POST; saw " + seen);
    }

    @Override
    public void close() {
        client.close();
    }
}
