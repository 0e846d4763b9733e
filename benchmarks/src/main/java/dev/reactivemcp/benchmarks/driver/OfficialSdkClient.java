package dev.reactivemcp.benchmarks.driver;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * (C) The official MCP Java SDK's async client on its {@link HttpClientStreamableHttpTransport} (JDK HttpClient),
 * with its defaults. It speaks only the initialization-based era (up to 2025-11-25).
 */
final class OfficialSdkClient implements BenchClient {

    private final McpAsyncClient client;

    OfficialSdkClient(URI endpoint) {
        String base = endpoint.getScheme() + "://" + endpoint.getAuthority();
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(base)
                .endpoint(endpoint.getPath())
                .build();
        this.client = McpClient.async(transport)
                .requestTimeout(Duration.ofSeconds(60))
                .clientInfo(new McpSchema.Implementation("official-java-sdk", "2.1.0"))
                .build();
    }

    @Override
    public String label() {
        return "C official SDK";
    }

    @Override
    public Mono<?> connect() {
        return client.initialize();
    }

    @Override
    public Mono<String> call() {
        return client.callTool(new McpSchema.CallToolRequest("echo", SdkClient.ARGS))
                .map(r -> ((McpSchema.TextContent) r.content().get(0)).text());
    }

    @Override
    public void close() {
        client.closeGracefully().block(Duration.ofSeconds(10));
    }
}
