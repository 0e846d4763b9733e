package dev.reactivemcp.transport;

import static dev.reactivemcp.transport.Clients.WAIT;
import static dev.reactivemcp.transport.MockMcpServer.response;
import static dev.reactivemcp.transport.MockMcpServer.sse;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

/** Server-to-client requests arriving on a legacy POST response stream, answered by POST. */
class LegacyServerRequestsTest {

    @RegisterExtension
    final LoopbackMcp mcp = new LoopbackMcp();
    private final MockMcpServer server = mcp.server();
    private McpClient client;

    /** tools/call answers with an SSE stream carrying {@code serverRequest} (id "srv-1") and then the result. */
    private void toolCallAsking(String method, String paramsJson) {
        server.legacy("2025-11-25", "s").on("tools/call", c -> sse(
                "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":\"srv-1\",\"method\":\"" + method + "\","
                        + "\"params\":" + paramsJson + "}\n\n"
                        + "event: message\ndata: " + response(c, "{\"content\":[{\"type\":\"text\",\"text\":\"done\"}]}")
                        + "\n\n"));
    }

    private Map<String, Object> answerSent() {
        MockMcpServer.Call reply = server.only("response");
        assertThat(reply.httpMethod()).isEqualTo("POST");
        assertThat(reply.header("Mcp-Session-Id")).isEqualTo("s");
        assertThat(reply.json()).containsEntry("jsonrpc", "2.0").containsEntry("id", "srv-1");
        return reply.json();
    }

    @Test
    void answersElicitationWithTheSchemaDefaultsForFieldsTheUserLeftOut() {
        AtomicReference<ElicitRequest> asked = new AtomicReference<>();
        toolCallAsking("elicitation/create", "{\"message\":\"Who?\",\"requestedSchema\":{\"type\":\"object\","
                + "\"properties\":{\"name\":{\"type\":\"string\"},\"age\":{\"type\":\"integer\",\"default\":30},"
                + "\"color\":{\"type\":\"string\",\"default\":\"blue\"}}}}");
        client = mcp.client(Clients.legacy(server.uri()).elicitationHandler(r -> {
            asked.set(r);
            return Mono.just(ElicitResult.accept(Map.of("name", "Ada", "color", "red")));
        }));

        assertThat(client.connect().then(client.callTool("ask", Map.of())).block(WAIT).text()).isEqualTo("done");

        assertThat(asked.get().message()).isEqualTo("Who?");
        assertThat(answerSent()).containsEntry("result", Map.of("action", "accept",
                "content", Map.of("name", "Ada", "color", "red", "age", 30)));
    }

    @Test
    void answersRootsListWithTheConfiguredRoots() {
        toolCallAsking("roots/list", "{}");
        client = mcp.client(Clients.legacy(server.uri())
                .roots(List.of(new Root("file:///a", "A"), new Root("file:///b", null))));

        client.connect().then(client.callTool("t", Map.of())).block(WAIT);

        assertThat(answerSent()).containsEntry("result", Map.of("roots",
                List.of(Map.of("uri", "file:///a", "name", "A"), Map.of("uri", "file:///b"))));
    }

    @Test
    void answersSamplingWithTheHandlersResult() {
        toolCallAsking("sampling/createMessage", "{\"messages\":[],\"maxTokens\":5}");
        client = mcp.client(Clients.legacy(server.uri()).samplingHandler(p -> Mono.just(Map.of("role", "assistant",
                "model", "m", "content", Map.of("type", "text", "text", "max " + p.get("maxTokens"))))));

        client.connect().then(client.callTool("t", Map.of())).block(WAIT);

        assertThat(answerSent()).containsEntry("result", Map.of("role", "assistant", "model", "m",
                "content", Map.of("type", "text", "text", "max 5")));
    }

    @Test
    void answersAnUnknownServerRequestWithMethodNotFound() {
        toolCallAsking("something/new", "{}");
        client = mcp.client(Clients.legacy(server.uri()));

        client.connect().then(client.callTool("t", Map.of())).block(WAIT);

        Map<String, Object> answer = answerSent();
        assertThat(answer).doesNotContainKey("result");
        assertThat((Map<String, Object>) answer.get("error")).containsEntry("code", -32601);
    }

    @Test
    void answersElicitationWithMethodNotFoundWhenNoHandlerIsRegistered() {
        toolCallAsking("elicitation/create", "{\"message\":\"?\",\"requestedSchema\":{}}");
        client = mcp.client(Clients.legacy(server.uri()));

        client.connect().then(client.callTool("t", Map.of())).block(WAIT);

        assertThat((Map<String, Object>) answerSent().get("error")).containsEntry("code", -32601);
    }

    @Test
    void reportsProgressOfACallToItsListener() {
        server.legacy("2025-11-25", null).on("tools/call", c -> {
            Object token = c.params().get("_meta") instanceof Map<?, ?> m ? m.get("progressToken") : null;
            return sse("data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":"
                    + dev.reactivemcp.transport.internal.JsonCodec.get().writeString(token)
                    + ",\"progress\":1,\"total\":2,\"message\":\"half\"}}\n\n"
                    + "data: " + response(c, "{\"content\":[]}") + "\n\n");
        });
        client = mcp.client(Clients.legacy(server.uri()));
        List<Progress> seen = new java.util.concurrent.CopyOnWriteArrayList<>();

        client.connect().then(client.callTool("slow", Map.of(), seen::add)).block(WAIT);

        assertThat(seen).singleElement().satisfies(p -> {
            assertThat(p.progress()).isEqualTo(1.0);
            assertThat(p.total()).isEqualTo(2.0);
            assertThat(p.message()).isEqualTo("half");
        });
    }
}
