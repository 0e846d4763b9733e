package dev.reactivemcp.transport;

import static dev.reactivemcp.transport.Clients.WAIT;
import static dev.reactivemcp.transport.MockMcpServer.result;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Per-call headers from the Reactor context ({@link McpClient#requestHeaders(Headers)}). */
class RequestHeadersTest {

    @RegisterExtension
    final LoopbackMcp mcp = new LoopbackMcp();
    private final MockMcpServer server = mcp.server();
    private McpClient client;

    @Test
    void aPerCallHeaderReachesThatCallOnlyAndOverridesAStaticOneButNotTheProtocolHeaders() {
        server.legacy("2025-11-25", "session-1").on("tools/list", c -> result(c, "{\"tools\":[]}"));
        client = mcp.client(Clients.legacy(server.uri()).header("X-Tenant", "static"));
        client.connect().block(WAIT);

        client.listTools(null)
                .contextWrite(McpClient.requestHeaders(Headers.empty()
                        .with("X-Tenant", "per-call")
                        .with("X-Request-Id", "r-1")
                        .with("MCP-Protocol-Version", "1999-01-01")))
                .block(WAIT);
        client.listTools(null).block(WAIT);

        MockMcpServer.Call first = server.calls("tools/list").get(0);
        MockMcpServer.Call second = server.calls("tools/list").get(1);
        assertThat(first.header("X-Tenant")).isEqualTo("per-call");
        assertThat(first.header("X-Request-Id")).isEqualTo("r-1");
        assertThat(first.header("MCP-Protocol-Version")).isEqualTo("2025-11-25");
        assertThat(first.header("Mcp-Session-Id")).isEqualTo("session-1");
        assertThat(second.header("X-Tenant")).isEqualTo("static");
        assertThat(second.header("X-Request-Id")).isNull();
    }
}
