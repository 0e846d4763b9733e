package dev.reactivemcp.transport;

import static dev.reactivemcp.transport.Clients.WAIT;
import static dev.reactivemcp.transport.MockMcpServer.result;
import static dev.reactivemcp.transport.MockMcpServer.sequence;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The 2026-07-28 {@code input_required} round trip (SEP-2322, basic/patterns/mrtr). */
class InputRequiredTest {

    /** Opaque state with characters a re-serialization could disturb: escapes, unicode, base64 padding. */
    private static final String STATE_JSON = "\"eyJhIjoxfQ==+/\\\"q\\\"-\u00e9\u4e16\"";
    private static final String ASK = "{\"ask\":{\"method\":\"elicitation/create\",\"params\":{\"message\":\"Name?\","
            + "\"requestedSchema\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
            + "\"n\":{\"type\":\"integer\",\"default\":3}}}}},"
            + "\"where\":{\"method\":\"roots/list\",\"params\":{}}}";
    private static final String DONE = "{\"resultType\":\"complete\",\"content\":[{\"type\":\"text\",\"text\":\"done\"}]}";

    @RegisterExtension
    final LoopbackMcp mcp = new LoopbackMcp();
    private final MockMcpServer server = mcp.server();
    private McpClient client;

    private McpClient.Builder withHandlers() {
        return Clients.modern(server.uri())
                .elicitationHandler(r -> Mono.just(ElicitResult.accept(Map.of("name", "Ada"))))
                .roots(List.of(new Root("file:///w", null)));
    }

    @Test
    void runsTheHandlersAndRetriesWithANewIdEchoingRequestStateExactly() {
        server.modern().on("tools/list", c -> result(c, "{\"tools\":[]}"))
                .on("tools/call", sequence(
                        c -> result(c, "{\"resultType\":\"input_required\",\"inputRequests\":" + ASK
                                + ",\"requestState\":" + STATE_JSON + "}"),
                        c -> result(c, DONE)));
        client = mcp.client(withHandlers());

        assertThat(client.connect().then(client.callTool("book", Map.of("room", 7))).block(WAIT).text())
                .isEqualTo("done");

        List<MockMcpServer.Call> calls = server.calls("tools/call");
        assertThat(calls).hasSize(2);
        MockMcpServer.Call first = calls.get(0);
        MockMcpServer.Call retry = calls.get(1);
        assertThat(retry.id()).isNotEqualTo(first.id());
        assertThat(first.params()).doesNotContainKeys("requestState", "inputResponses");
        assertThat(retry.body()).contains("\"requestState\":" + STATE_JSON);
        assertThat(retry.params()).containsEntry("name", "book").containsEntry("arguments", Map.of("room", 7))
                .containsEntry("inputResponses", Map.of(
                        "ask", Map.of("action", "accept", "content", Map.of("name", "Ada", "n", 3)),
                        "where", Map.of("roots", List.of(Map.of("uri", "file:///w")))));
        assertThat(retry.meta()).containsEntry("io.modelcontextprotocol/protocolVersion", "2026-07-28");
        assertThat(retry.header("Mcp-Name")).isEqualTo("book");
        assertThat(retry.header("MCP-Protocol-Version")).isEqualTo("2026-07-28");
    }

    @Test
    void sendsNoRequestStateWhenTheServerGaveNone() {
        server.modern().on("prompts/get", sequence(
                c -> result(c, "{\"resultType\":\"input_required\",\"inputRequests\":" + ASK + "}"),
                c -> result(c, "{\"messages\":[]}")));
        client = mcp.client(withHandlers());

        client.connect().then(client.getPrompt("p", Map.of())).block(WAIT);

        MockMcpServer.Call retry = server.calls("prompts/get").get(1);
        assertThat(retry.params()).containsKey("inputResponses").doesNotContainKey("requestState");
        assertThat(retry.body()).doesNotContain("requestState");
    }

    @Test
    void retriesAStateOnlyResultWithoutInputResponses() {
        server.modern().on("resources/read", sequence(
                c -> result(c, "{\"resultType\":\"input_required\",\"requestState\":\"s1\"}"),
                c -> result(c, "{\"contents\":[]}")));
        client = mcp.client(withHandlers());

        client.connect().then(client.readResource("file:///x")).block(WAIT);

        MockMcpServer.Call retry = server.calls("resources/read").get(1);
        assertThat(retry.params()).containsEntry("requestState", "s1").containsEntry("uri", "file:///x")
                .doesNotContainKey("inputResponses");
    }

    @Test
    void givesUpWithAProtocolErrorAfterTheRoundCap() {
        server.modern().on("tools/list", c -> result(c, "{\"tools\":[]}"))
                .on("tools/call", c -> result(c, "{\"resultType\":\"input_required\",\"requestState\":\"again\"}"));
        client = mcp.client(withHandlers().maxInputRequiredRounds(3));

        StepVerifier.create(client.connect().then(client.callTool("loop", Map.of())))
                .expectErrorSatisfies(e -> assertThat(((McpException) e).failure())
                        .isInstanceOf(McpFailure.ProtocolError.class))
                .verify();
        assertThat(server.calls("tools/call")).hasSize(3);
    }

    @Test
    void failsTypedWhenTheServerAsksForInputWithoutADeclaredHandler() {
        server.modern().on("tools/list", c -> result(c, "{\"tools\":[]}"))
                .on("tools/call", c -> result(c, "{\"resultType\":\"input_required\",\"inputRequests\":{\"s\":"
                        + "{\"method\":\"sampling/createMessage\",\"params\":{}}}}"));
        client = mcp.client(withHandlers());

        StepVerifier.create(client.connect().then(client.callTool("t", Map.of())))
                .expectErrorSatisfies(e -> assertThat(((McpException) e).failure())
                        .isInstanceOf(McpFailure.ProtocolError.class))
                .verify();
        assertThat(server.calls("tools/call")).hasSize(1);
    }
}
