package dev.reactivemcp.transport;

import static dev.reactivemcp.transport.Clients.WAIT;
import static dev.reactivemcp.transport.MockMcpServer.result;
import static dev.reactivemcp.transport.MockMcpServer.rpcError;
import static dev.reactivemcp.transport.MockMcpServer.sequence;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

/**
 * The 2026-07-28 request body and headers stay the same on every retry of a request (header mismatch, version
 * renegotiation, input_required), with and without entries of the caller's own in {@code _meta}.
 */
class ModernRequestMetaTest {

    private static final String VERSION = "2026-07-28";
    private static final String TOOLS = "{\"tools\":[{\"name\":\"weather\",\"inputSchema\":{\"type\":\"object\","
            + "\"properties\":{\"region\":{\"type\":\"string\",\"x-mcp-header\":\"Region\"}}}}]}";
    private static final String CALL_RESULT = "{\"content\":[{\"type\":\"text\",\"text\":\"sunny\"}]}";
    private static final List<String> PROTOCOL_KEYS = List.of("io.modelcontextprotocol/protocolVersion",
            "io.modelcontextprotocol/clientCapabilities", "io.modelcontextprotocol/clientInfo");

    @RegisterExtension
    final LoopbackMcp mcp = new LoopbackMcp();
    private final MockMcpServer server = mcp.server();
    private McpClient client;

    private static void assertSameRequest(List<MockMcpServer.Call> calls, List<String> metaKeys) {
        MockMcpServer.Call first = calls.get(0);
        assertThat(new ArrayList<>(first.meta().keySet())).isEqualTo(metaKeys);
        assertThat(first.meta()).containsEntry("io.modelcontextprotocol/protocolVersion", VERSION)
                .containsEntry("io.modelcontextprotocol/clientInfo", Map.of("name", "test-client", "version", "9.9.9"))
                .containsEntry("io.modelcontextprotocol/clientCapabilities", Map.of("roots", Map.of("listChanged", true)));
        for (MockMcpServer.Call c : calls) {
            assertThat(new ArrayList<>(c.params().keySet())).isEqualTo(new ArrayList<>(first.params().keySet()));
            assertThat(new ArrayList<>(c.meta().keySet())).isEqualTo(metaKeys);
            assertThat(c.params()).isEqualTo(first.params());
            assertThat(c.headers()).isEqualTo(first.headers());
        }
        assertThat(calls).extracting(MockMcpServer.Call::id).doesNotHaveDuplicates();
    }

    private McpClient.Builder builder() {
        return Clients.modern(server.uri()).roots(List.of(new Root("file:///r", null)));
    }

    @Test
    void aRetriedToolCallCarriesTheSameMetaAndHeaders() {
        server.modern().on("tools/list", c -> result(c, TOOLS))
                .on("tools/call", sequence(c -> rpcError(c, 400, -32020, "Header mismatch", null),
                        c -> result(c, CALL_RESULT),
                        c -> rpcError(c, 400, -32022, "Unsupported protocol version",
                                "{\"supported\":[\"2026-07-28\"],\"requested\":\"2026-07-28\"}"),
                        c -> result(c, CALL_RESULT)));
        client = mcp.client(builder());

        client.connect().then(client.callTool("weather", Map.of("region", "eu west ü"))).block(WAIT);
        client.callTool("weather", Map.of("region", "eu west ü")).block(WAIT);

        List<MockMcpServer.Call> calls = server.calls("tools/call");
        assertThat(calls).hasSize(4);
        assertSameRequest(calls, PROTOCOL_KEYS);
        assertThat(calls.get(0).header("Mcp-Param-Region")).isEqualTo("=?base64?ZXUgd2VzdCDDvA==?=");
        assertThat(calls.get(0).header("Mcp-Name")).isEqualTo("weather");
    }

    @Test
    void theCallersOwnParamsMapIsNeverModified() {
        server.modern().on("tools/list", c -> result(c, TOOLS))
                .on("resources/read", c -> result(c, "{\"contents\":[]}"));
        client = mcp.client(builder());
        Map<String, Object> params = new java.util.LinkedHashMap<>();
        params.put("uri", "file:///a");

        client.request("resources/read", params, Map.class).block(WAIT);

        assertThat(params).containsExactly(Map.entry("uri", "file:///a"));
        assertThat(server.calls("resources/read").get(0).meta()).containsKey("io.modelcontextprotocol/protocolVersion");
    }

    @Test
    void theCallersMetaEntriesComeAfterTheProtocolsAndSurviveRetries() {
        server.modern().on("tools/list", c -> result(c, TOOLS))
                .on("tools/call", sequence(c -> rpcError(c, 400, -32020, "Header mismatch", null),
                        c -> result(c, CALL_RESULT)));
        client = mcp.client(builder());

        client.connect().then(client.callTool("weather", Map.of("region", "x"), p -> { })).block(WAIT);

        List<MockMcpServer.Call> calls = server.calls("tools/call");
        assertThat(calls).hasSize(2);
        List<String> keys = new ArrayList<>(PROTOCOL_KEYS);
        keys.add("progressToken");
        assertSameRequest(calls, keys);
    }

    @Test
    void anInputRequiredRetryCarriesTheSameMeta() {
        server.modern().on("tools/list", c -> result(c, "{\"tools\":[]}"))
                .on("tools/call", sequence(
                        c -> result(c, "{\"resultType\":\"input_required\",\"requestState\":\"s\"}"),
                        c -> result(c, CALL_RESULT)));
        client = mcp.client(builder().elicitationHandler(r -> Mono.just(ElicitResult.accept(Map.of()))));

        client.connect().then(client.callTool("book", Map.of("room", 7))).block(WAIT);

        List<MockMcpServer.Call> calls = server.calls("tools/call");
        assertThat(calls).hasSize(2);
        assertThat(calls.get(1).params()).containsEntry("requestState", "s");
        Map<String, Object> firstMeta = calls.get(0).meta();
        assertThat(calls.get(1).meta()).isEqualTo(firstMeta);
        assertThat(new ArrayList<>(calls.get(1).meta().keySet())).isEqualTo(new ArrayList<>(firstMeta.keySet()));
        assertThat(firstMeta).containsEntry("io.modelcontextprotocol/clientCapabilities",
                Map.of("roots", Map.of("listChanged", true), "elicitation", Map.of()));
    }
}
