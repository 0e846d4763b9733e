package dev.reactivemcp.transport;

import static dev.reactivemcp.transport.Clients.WAIT;
import static dev.reactivemcp.transport.MockMcpServer.result;
import static dev.reactivemcp.transport.MockMcpServer.rpcError;
import static dev.reactivemcp.transport.MockMcpServer.sequence;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.StepVerifier;

/** The stateless era (2026-07-28) against a scripted MockServer endpoint. */
class ModernEraTest {

    private static final String VERSION = "2026-07-28";
    private static final String UNSUPPORTED_DATA = "{\"supported\":[\"2026-07-28\"],\"requested\":\"2026-07-28\"}";
    private static final String WEATHER_TOOLS = "{\"tools\":[{\"name\":\"weather\",\"inputSchema\":{\"type\":\"object\","
            + "\"properties\":{\"region\":{\"type\":\"string\",\"x-mcp-header\":\"Region\"},\"days\":{\"type\":\"integer\"}}}},"
            + "{\"name\":\"broken\",\"inputSchema\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\","
            + "\"x-mcp-header\":\"\"}}}}],\"ttlMs\":0,\"cacheScope\":\"public\"}";
    private static final String CALL_RESULT = "{\"content\":[{\"type\":\"text\",\"text\":\"sunny\"}]}";

    @RegisterExtension
    final LoopbackMcp mcp = new LoopbackMcp();
    private final MockMcpServer server = mcp.server();
    private McpClient client;

    private static McpFailure failure(Throwable e) {
        return ((McpException) e).failure();
    }

    @Test
    void discoverBuildsTheInitializeResultWithServerInfoFromResultMeta() {
        server.on("server/discover", c -> result(c, "{\"resultType\":\"complete\",\"supportedVersions\":[\"2026-07-28\"],"
                + "\"capabilities\":{\"tools\":{\"listChanged\":true}},\"instructions\":\"be nice\","
                + "\"serverInfo\":{\"name\":\"top\",\"version\":\"0\"},"
                + "\"_meta\":{\"io.modelcontextprotocol/serverInfo\":{\"name\":\"meta\",\"version\":\"2.0\",\"title\":\"M\"}}}"));
        client = mcp.client(Clients.modern(server.uri()).listeningStream(false));

        StepVerifier.create(client.connect())
                .assertNext(init -> {
                    assertThat(init.era()).isEqualTo(ProtocolEra.MODERN);
                    assertThat(init.protocolVersion()).isEqualTo(VERSION);
                    assertThat(init.serverInfo()).isEqualTo(new Implementation("meta", "2.0", "M"));
                    assertThat(init.instructions()).isEqualTo("be nice");
                    assertThat(init.hasCapability("tools")).isTrue();
                })
                .verifyComplete();
        assertThat(server.calls()).extracting(MockMcpServer.Call::rpcMethod).containsExactly("server/discover");
    }

    @Test
    void discoverFallsBackToTopLevelServerInfoOrNone() {
        server.on("server/discover", sequence(
                c -> result(c, "{\"supportedVersions\":[\"2026-07-28\"],\"serverInfo\":{\"name\":\"top\",\"version\":\"1\"}}"),
                c -> result(c, "{\"supportedVersions\":[\"2026-07-28\"]}")));
        client = mcp.client(Clients.modern(server.uri()));
        McpClient second = mcp.client(Clients.modern(server.uri()));

        assertThat(client.connect().block(WAIT).serverInfo()).isEqualTo(new Implementation("top", "1", null));
        assertThat(second.connect().block(WAIT).serverInfo()).isNull();
    }

    @Test
    void everyRequestCarriesMetaAndAVersionHeaderEqualToTheBodyVersion() {
        server.modern().on("prompts/get", c -> result(c, "{\"messages\":[]}"))
                .on("resources/read", c -> result(c, "{\"contents\":[]}"))
                .on("resources/list", c -> result(c, "{\"resources\":[]}"));
        client = mcp.client(Clients.modern(server.uri()).roots(List.of(new Root("file:///r", null))));

        client.connect().then(client.getPrompt("greet", Map.of("who", "you")))
                .then(client.readResource("file:///path/to/file%20name.txt"))
                .then(client.listResources(null)).block(WAIT);

        assertThat(server.calls()).hasSize(4).allSatisfy(c -> {
            Map<String, Object> meta = c.meta();
            assertThat(meta).containsEntry("io.modelcontextprotocol/protocolVersion", VERSION)
                    .containsEntry("io.modelcontextprotocol/clientInfo", Map.of("name", "test-client", "version", "9.9.9"))
                    .containsEntry("io.modelcontextprotocol/clientCapabilities", Map.of("roots", Map.of("listChanged", true)));
            assertThat(c.header("MCP-Protocol-Version")).isEqualTo(meta.get("io.modelcontextprotocol/protocolVersion"));
            assertThat(c.header("Mcp-Method")).isEqualTo(c.rpcMethod());
            assertThat(c.headers().contains("Mcp-Session-Id")).isFalse();
        });
        assertThat(server.only("prompts/get").header("Mcp-Name")).isEqualTo("greet");
        assertThat(server.only("resources/read").header("Mcp-Name")).isEqualTo("file:///path/to/file%20name.txt");
        assertThat(server.only("resources/list").headers().contains("Mcp-Name")).isFalse();
        assertThat(server.calls("GET")).as("no listening stream in the modern era").isEmpty();
    }

    @Test
    void listsToolsLazilyBeforeTheFirstToolCallAndMirrorsAnnotatedArgumentsIntoHeaders() {
        server.modern().on("tools/list", c -> result(c, WEATHER_TOOLS))
                .on("tools/call", c -> result(c, CALL_RESULT));
        client = mcp.client(Clients.modern(server.uri()));

        client.connect().block(WAIT);
        assertThat(server.calls("tools/list")).as("not listed before a tools/call").isEmpty();
        client.callTool("weather", Map.of("region", "eu-west", "days", 3)).block(WAIT);
        client.callTool("weather", Map.of("region", " padded ")).block(WAIT);

        assertThat(server.calls()).extracting(MockMcpServer.Call::rpcMethod)
                .containsExactly("server/discover", "tools/list", "tools/call", "tools/call");
        List<MockMcpServer.Call> calls = server.calls("tools/call");
        assertThat(calls.get(0).header("Mcp-Name")).isEqualTo("weather");
        assertThat(calls.get(0).header("Mcp-Param-Region")).isEqualTo("eu-west");
        assertThat(calls.get(0).headers().asMap().keySet()).noneMatch(h -> h.equalsIgnoreCase("Mcp-Param-days"));
        assertThat(calls.get(1).header("Mcp-Param-Region")).isEqualTo("=?base64?IHBhZGRlZCA=?=");
    }

    @Test
    void dropsToolsWithInvalidHeaderAnnotationsFromToolsList() {
        server.modern().on("tools/list", c -> result(c, WEATHER_TOOLS));
        client = mcp.client(Clients.modern(server.uri()));

        StepVerifier.create(client.connect().then(client.listTools(null)))
                .assertNext(page -> assertThat(page.items()).extracting(Tool::name).containsExactly("weather"))
                .verifyComplete();
    }

    @Test
    void keepsUnknownFieldsOfToolsAndTheirSchemasExactly() {
        server.modern().on("tools/list", c -> result(c, "{\"tools\":[{\"name\":\"t\",\"x-vendor\":{\"k\":[1,2]},"
                + "\"inputSchema\":{\"type\":\"object\",\"$defs\":{\"a\":{\"type\":\"string\"}},\"x-extra\":true,"
                + "\"properties\":{\"p\":{\"$ref\":\"#/$defs/a\"},\"q\":{\"$ref\":\"https://example.invalid/s.json\"}}}}]}"));
        client = mcp.client(Clients.modern(server.uri()));

        Tool tool = client.connect().then(client.listTools(null)).block(WAIT).items().get(0);

        assertThat(tool.json()).containsEntry("x-vendor", Map.of("k", List.of(1, 2)));
        assertThat(tool.inputSchema()).containsEntry("x-extra", true)
                .containsEntry("$defs", Map.of("a", Map.of("type", "string")))
                .containsEntry("properties", Map.of("p", Map.of("$ref", "#/$defs/a"),
                        "q", Map.of("$ref", "https://example.invalid/s.json")));
    }

    @Test
    void retriesDiscoverOnceOnUnsupportedVersionEvenWhenTheMutualVersionIsTheSame() {
        server.on("server/discover", sequence(
                c -> rpcError(c, 400, -32022, "Unsupported protocol version", UNSUPPORTED_DATA),
                c -> result(c, MockMcpServer.discoverResult())));
        client = mcp.client(Clients.modern(server.uri()));

        StepVerifier.create(client.connect().map(InitializeResult::protocolVersion)).expectNext(VERSION).verifyComplete();

        assertThat(server.calls("server/discover")).hasSize(2).allSatisfy(c -> {
            assertThat(c.header("MCP-Protocol-Version")).isEqualTo(VERSION);
            assertThat(c.meta()).containsEntry("io.modelcontextprotocol/protocolVersion", VERSION);
        });
        assertThat(server.calls("initialize")).isEmpty();
    }

    @Test
    void failsWithProtocolVersionUnsupportedWhenDiscoverIsRejectedTwice() {
        server.on("server/discover", c -> rpcError(c, 400, -32022, "Unsupported protocol version", UNSUPPORTED_DATA));
        client = mcp.client(Clients.modern(server.uri()));

        StepVerifier.create(client.connect())
                .expectErrorSatisfies(e -> assertThat(failure(e))
                        .isEqualTo(new McpFailure.ProtocolVersionUnsupported(VERSION, List.of(VERSION))))
                .verify();
        assertThat(server.calls("server/discover")).hasSize(2);
        assertThat(server.calls("initialize")).isEmpty();
    }

    @Test
    void renegotiatesOnceWhenTheServerRejectsTheVersionMidSession() {
        server.modern().on("resources/list", sequence(
                c -> rpcError(c, 400, -32022, "Unsupported protocol version", UNSUPPORTED_DATA),
                c -> result(c, "{\"resources\":[]}"),
                c -> rpcError(c, 400, -32022, "Unsupported protocol version", UNSUPPORTED_DATA)));
        client = mcp.client(Clients.modern(server.uri()));

        assertThat(client.connect().then(client.listResources(null)).block(WAIT).items()).isEmpty();
        assertThat(server.calls("resources/list")).hasSize(2);

        StepVerifier.create(client.listResources(null))
                .expectErrorSatisfies(e -> assertThat(((McpTransportException) e).failure())
                        .isInstanceOf(McpFailure.ProtocolVersionUnsupported.class))
                .verify();
        assertThat(server.calls("resources/list")).as("renegotiated once, then surfaced").hasSize(4);
    }

    @Test
    void relistsToolsOnceOnAHeaderMismatchAndRetriesTheCall() {
        server.modern().on("tools/list", c -> result(c, WEATHER_TOOLS))
                .on("tools/call", sequence(c -> rpcError(c, 400, -32020, "Header mismatch", null),
                        c -> result(c, CALL_RESULT)));
        client = mcp.client(Clients.modern(server.uri()));

        assertThat(client.connect().then(client.callTool("weather", Map.of("region", "x"))).block(WAIT).text())
                .isEqualTo("sunny");

        assertThat(server.calls()).extracting(MockMcpServer.Call::rpcMethod)
                .containsExactly("server/discover", "tools/list", "tools/call", "tools/list", "tools/call");
    }

    @Test
    void surfacesASecondHeaderMismatch() {
        server.modern().on("tools/list", c -> result(c, WEATHER_TOOLS))
                .on("tools/call", c -> rpcError(c, 400, -32020, "Header mismatch", null));
        client = mcp.client(Clients.modern(server.uri()));

        StepVerifier.create(client.connect().then(client.callTool("weather", Map.of())))
                .expectErrorSatisfies(e -> assertThat(((McpJsonRpcException) e).code()).isEqualTo(-32020))
                .verify();
        assertThat(server.calls("tools/call")).hasSize(2);
        assertThat(server.calls("tools/list")).hasSize(2);
    }

    @Test
    void treatsAnAbsentResultTypeAsComplete() {
        server.modern().on("tools/list", c -> result(c, "{\"tools\":[]}"))
                .on("tools/call", c -> result(c, CALL_RESULT));
        client = mcp.client(Clients.modern(server.uri()));

        assertThat(client.connect().then(client.callTool("t", Map.of())).block(WAIT).text()).isEqualTo("sunny");
    }

    @Test
    void failsWithAProtocolErrorOnAnUnknownResultType() {
        server.modern().on("tools/list", c -> result(c, "{\"tools\":[]}"))
                .on("tools/call", c -> result(c, "{\"resultType\":\"task\",\"task\":{}}"));
        client = mcp.client(Clients.modern(server.uri()));

        StepVerifier.create(client.connect().then(client.callTool("t", Map.of())))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(McpTransportException.class);
                    assertThat(failure(e)).isInstanceOf(McpFailure.ProtocolError.class);
                    assertThat(e.getMessage()).contains("task");
                })
                .verify();
    }
}
