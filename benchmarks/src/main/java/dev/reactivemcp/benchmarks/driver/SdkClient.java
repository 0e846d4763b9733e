package dev.reactivemcp.benchmarks.driver;

import dev.reactivemcp.transport.CallToolResult;
import dev.reactivemcp.transport.ExchangeFilterFunction;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.ProtocolNegotiation;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/** (A) This SDK's {@link McpClient}, exactly as a user builds it, on the benchmark's Reactor Netty client. */
final class SdkClient implements BenchClient {

    static final Map<String, Object> ARGS = Map.of("message", "hello");

    private final McpClient client;

    SdkClient(URI endpoint, boolean modern, HttpClient http) {
        this(endpoint, modern, http, null);
    }

    SdkClient(URI endpoint, boolean modern, HttpClient http, ExchangeFilterFunction filter) {
        McpClient.Builder b = McpClient.builder(endpoint)
                .negotiation(modern ? ProtocolNegotiation.pinned("2026-07-28") : ProtocolNegotiation.legacyOnly())
                .requestTimeout(Duration.ofSeconds(60));
        if (http != null) {
            b.httpClient(http);
        }
        if (filter != null) {
            b.filter(filter);
        }
        this.client = b.build();
    }

    @Override
    public String label() {
        return "A this SDK";
    }

    @Override
    public Mono<?> connect() {
        return client.connect();
    }

    @Override
    public Mono<String> call() {
        return client.callTool("echo", ARGS).map(CallToolResult::text);
    }

    @Override
    public void close() {
        client.close().block(Duration.ofSeconds(10));
    }
}
