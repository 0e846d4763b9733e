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
        this(endpoint, null, false);
    }

    /**
     * Over HTTPS: the JDK client trusting {@code tls} (the transport's {@code customizeClient} hook, as a user
     * would set it). The transport pins HTTP/1.1 on its client by default; {@code http2} asks for HTTP/2 instead
     * (the JDK then negotiates h2 by ALPN where the server offers it).
     */
    OfficialSdkClient(URI endpoint, javax.net.ssl.SSLContext tls, boolean http2) {
        String base = endpoint.getScheme() + "://" + endpoint.getAuthority();
        HttpClientStreamableHttpTransport.Builder b = HttpClientStreamableHttpTransport.builder(base)
                .endpoint(endpoint.getPath());
        if (tls != null || http2) {
            b.customizeClient(c -> {
                if (tls != null) {
                    c.sslContext(tls);
                }
                if (http2) {
                    c.version(java.net.http.HttpClient.Version.HTTP_2);
                }
            });
        }
        HttpClientStreamableHttpTransport transport = b.build();
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
