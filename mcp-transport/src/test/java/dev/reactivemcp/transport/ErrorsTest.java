package dev.reactivemcp.transport;

import static dev.reactivemcp.transport.Clients.WAIT;
import static dev.reactivemcp.transport.MockMcpServer.result;
import static dev.reactivemcp.transport.MockMcpServer.sequence;
import static dev.reactivemcp.transport.MockMcpServer.sse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

/** Typed failures, bounds, and a client that stays usable after a bad answer. */
class ErrorsTest {

    private static final String SECRET = "sup3r-s3cret-t0ken";
    private static final String OK_TOOLS = "{\"tools\":[{\"name\":\"ok\",\"inputSchema\":{}}]}";

    @RegisterExtension
    final LoopbackMcp mcp = new LoopbackMcp();
    private final MockMcpServer server = mcp.server();
    private McpClient client;

    private static McpFailure failure(Throwable e) {
        assertThat(e).isInstanceOf(McpException.class);
        return ((McpException) e).failure();
    }

    @Test
    void aNon2xxAnswerBecomesAnHttpExceptionWithStatusHeadersAndABoundedPreview() {
        String body = "x".repeat(10_000);
        server.legacy("2025-11-25", null).on("tools/list", c -> MockMcpServer.status(502)
                .withHeader("X-Trace", "t-1").withHeader("Content-Type", "text/plain").withBody(body));
        client = mcp.client(Clients.legacy(server.uri()));

        StepVerifier.create(client.connect().then(client.listTools(null)))
                .expectErrorSatisfies(e -> {
                    McpHttpException http = (McpHttpException) e;
                    assertThat(http.status()).isEqualTo(502);
                    assertThat(http.responseHeaders().first("x-trace")).contains("t-1");
                    assertThat(http.headerValues("X-TRACE")).containsExactly("t-1");
                    assertThat(http.bodyPreview()).startsWith("xxxx").hasSizeLessThanOrEqualTo(4096);
                    assertThat(http.requestMethod()).isEqualTo("tools/list");
                    assertThat(http.requestCarriedCredentials()).isFalse();
                    assertThat(failure(e)).isInstanceOf(McpFailure.ServerError.class);
                })
                .verify();
    }

    @Test
    void aStaticAuthorizationHeaderIsReportedButNeverPrinted() {
        server.legacy("2025-11-25", null).on("tools/list", c -> MockMcpServer.status(401)
                .withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\", resource_metadata=\"https://as/prm\""));
        client = mcp.client(Clients.legacy(server.uri()).header("Authorization", "Bearer " + SECRET));

        StepVerifier.create(client.connect().then(client.listTools(null)))
                .expectErrorSatisfies(e -> {
                    assertThat(((McpHttpException) e).requestCarriedCredentials()).isTrue();
                    assertThat(e.getMessage()).doesNotContain(SECRET);
                    assertThat(e.toString()).doesNotContain(SECRET);
                    assertThat(McpFailures.isAuthenticationRequired(e)).isTrue();
                })
                .verify();
    }

    @Test
    void aTokenAddedByAFilterCountsAsCarriedCredentialsAndIsNeverPrinted() {
        server.legacy("2025-11-25", null).on("initialize", c -> MockMcpServer.status(401)
                .withHeader("WWW-Authenticate", "Bearer resource_metadata=\"https://as/prm\""));
        client = mcp.client(Clients.legacy(server.uri())
                .filter((request, next) -> next.exchange(request.withHeader("Authorization", "Bearer " + SECRET))));

        StepVerifier.create(client.connect())
                .expectErrorSatisfies(e -> {
                    McpHttpException http = (McpHttpException) e;
                    assertThat(http.status()).isEqualTo(401);
                    assertThat(http.requestCarriedCredentials()).isTrue();
                    assertThat(e.getMessage()).doesNotContain(SECRET);
                    assertThat(e.toString()).doesNotContain(SECRET);
                    assertThat(McpFailures.isAuthenticationRequired(e)).isTrue();
                    assertThat(failure(e)).isInstanceOfSatisfying(McpFailure.AuthenticationRequired.class,
                            a -> assertThat(a.challenge()).isPresent());
                })
                .verify();
        assertThat(server.only("initialize").header("Authorization")).isEqualTo("Bearer " + SECRET);
    }

    @Test
    void aJsonRpcErrorBecomesAJsonRpcExceptionWithCodeMessageAndData() {
        server.legacy("2025-11-25", null).on("tools/call", c -> MockMcpServer.rpcError(c, 200, -32602,
                "Unknown tool: nope", "{\"tool\":\"nope\",\"hints\":[1]}"));
        client = mcp.client(Clients.legacy(server.uri()));

        StepVerifier.create(client.connect().then(client.callTool("nope", Map.of())))
                .expectErrorSatisfies(e -> {
                    McpJsonRpcException rpc = (McpJsonRpcException) e;
                    assertThat(rpc.code()).isEqualTo(-32602);
                    assertThat(rpc.errorMessage()).isEqualTo("Unknown tool: nope");
                    assertThat(rpc.data()).isEqualTo(Map.of("tool", "nope", "hints", List.of(1)));
                    assertThat(rpc.httpStatus()).isZero();
                })
                .verify();
    }

    static Stream<Arguments> badAnswers() {
        String big = "{\"tools\":[{\"name\":\"" + "b".repeat(3000) + "\"}]}";
        return Stream.of(
                Arguments.of("malformed JSON", (MockMcpServer.Responder) c -> MockMcpServer.json(200, "{\"jsonrpc\":")),
                Arguments.of("malformed JSON in an SSE event", (MockMcpServer.Responder) c -> sse("data: {nope\n\n")),
                Arguments.of("an unexpected content type", (MockMcpServer.Responder) c -> MockMcpServer.status(200)
                        .withHeader("Content-Type", "text/html").withBody("<html></html>")),
                Arguments.of("a malformed content type", (MockMcpServer.Responder) c -> MockMcpServer.status(200)
                        .withHeader("Content-Type", ";;/").withBody("{}")),
                Arguments.of("an oversized JSON message", (MockMcpServer.Responder) c -> result(c, big)),
                Arguments.of("an oversized SSE event", (MockMcpServer.Responder) c -> sse(
                        "data: " + MockMcpServer.response(c, big) + "\n\n")),
                Arguments.of("a result that is not an object", (MockMcpServer.Responder) c -> MockMcpServer.json(200,
                        "{\"jsonrpc\":\"2.0\",\"id\":" + c.id() + ",\"result\":[1]}")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badAnswers")
    void aBadAnswerFailsThatCallWithAProtocolErrorAndTheClientStaysUsable(String what, MockMcpServer.Responder bad) {
        server.legacy("2025-11-25", null).on("tools/list", sequence(bad, c -> result(c, OK_TOOLS)));
        client = mcp.client(Clients.legacy(server.uri()).maxMessageBytes(2048));

        StepVerifier.create(client.connect().then(client.listTools(null)))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(McpTransportException.class);
                    assertThat(failure(e)).isInstanceOf(McpFailure.ProtocolError.class);
                })
                .verify();
        StepVerifier.create(client.listTools(null))
                .assertNext(page -> assertThat(page.items()).extracting(Tool::name).containsExactly("ok"))
                .verifyComplete();
    }

    @Test
    void readsALargeJsonMessageWithinTheLimit() {
        server.legacy("2025-11-25", null).on("tools/list", c -> result(c, "{\"tools\":[],\"pad\":\""
                + "p".repeat(200_000) + "\"}"));
        client = mcp.client(Clients.legacy(server.uri()));

        assertThat(client.connect().then(client.listTools(null)).block(WAIT).items()).isEmpty();
    }

    @Test
    void anOversizedJsonMessageFailsWithAProtocolErrorNamingTheLimit() {
        server.legacy("2025-11-25", null).on("tools/list", c -> result(c, "{\"tools\":[],\"pad\":\""
                + "p".repeat(5000) + "\"}"));
        client = mcp.client(Clients.legacy(server.uri()).maxMessageBytes(1024));

        StepVerifier.create(client.connect().then(client.listTools(null)))
                .expectErrorSatisfies(e -> assertThat(failure(e)).isInstanceOfSatisfying(McpFailure.ProtocolError.class,
                        p -> assertThat(p.detail()).contains("1024")))
                .verify();
    }

    @Test
    void keepsUnknownFieldsOfALegacyToolListing() {
        server.legacy("2025-11-25", null).on("tools/list", c -> result(c, "{\"tools\":[{\"name\":\"t\",\"icons\":[{\"src\":\"x\"}],"
                + "\"inputSchema\":{\"type\":\"object\",\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
                + "\"unevaluatedProperties\":false,\"x-y\":{\"z\":null}}}],\"nextCursor\":\"c2\",\"extra\":1}"));
        client = mcp.client(Clients.legacy(server.uri()));

        Page<Tool> page = client.connect().then(client.listTools(null)).block(WAIT);

        assertThat(page.nextCursor()).isEqualTo("c2");
        Tool tool = page.items().get(0);
        assertThat(tool.json()).containsEntry("icons", List.of(Map.of("src", "x")));
        assertThat(tool.inputSchema()).containsEntry("unevaluatedProperties", false)
                .containsEntry("$schema", "https://json-schema.org/draft/2020-12/schema")
                .containsKey("x-y");
        assertThat((Map<String, Object>) tool.inputSchema().get("x-y")).containsEntry("z", null);
    }

    @Test
    void aConnectTimeoutInVirtualTimeFailsWithTimeout() {
        RecordingVirtualTime time = new RecordingVirtualTime();
        try (StreamingServer hanging = StreamingServer.start((ex, resp) -> StreamingServer.hang())) {
            client = mcp.client(Clients.legacy(hanging.uri()).scheduler(time).connectTimeout(Duration.ofSeconds(4)));

            StepVerifier.create(client.connect())
                    .then(() -> {
                        hanging.await("initialize");
                        time.advancePast(Duration.ofSeconds(4));
                    })
                    .expectErrorSatisfies(e -> {
                        assertThat(failure(e)).isEqualTo(new McpFailure.Timeout(Duration.ofSeconds(4)));
                        assertThat(McpFailures.isTimeout(e)).isTrue();
                    })
                    .verify();
            Clients.close(client);
            client = null;
        } finally {
            time.dispose();
        }
    }

    @Test
    void aRefusedConnectionFailsWithAConnectionFailure() {
        DisposableServer gone = HttpServer.create().host("127.0.0.1").port(0).bindNow();
        int port = gone.port();
        gone.disposeNow();
        client = mcp.client(Clients.legacy(URI.create("http://127.0.0.1:" + port + "/mcp")));

        StepVerifier.create(client.connect())
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(McpTransportException.class);
                    assertThat(failure(e)).isInstanceOf(McpFailure.ConnectionFailure.class);
                    assertThat(McpFailures.isRetryable(e)).isTrue();
                })
                .verify();
    }

    @Test
    void aFailedNotificationsInitializedFailsTheConnect() {
        server.legacy("2025-11-25", null).on("notifications/initialized", c -> MockMcpServer.status(500));
        client = mcp.client(Clients.legacy(server.uri()));

        StepVerifier.create(client.connect())
                .expectErrorSatisfies(e -> assertThat(((McpHttpException) e).status()).isEqualTo(500))
                .verify();
        assertThat(client.initializeResult()).isNull();
    }

    @Test
    void aJsonAnswerWithoutTheAwaitedResponseFailsTyped() {
        server.legacy("2025-11-25", null).on("ping", c -> MockMcpServer.json(200,
                "{\"jsonrpc\":\"2.0\",\"id\":999999,\"result\":{}}"));
        client = mcp.client(Clients.legacy(server.uri()));

        StepVerifier.create(client.connect().then(client.ping()))
                .expectErrorSatisfies(e -> assertThat(failure(e)).isInstanceOf(McpFailure.ProtocolError.class))
                .verify();
    }

    @Test
    void anAcceptedAnswerWithoutABodyFailsARequestTyped() {
        server.legacy("2025-11-25", null).on("ping", c -> MockMcpServer.status(202));
        client = mcp.client(Clients.legacy(server.uri()));

        StepVerifier.create(client.connect().then(client.ping()))
                .expectErrorSatisfies(e -> assertThat(failure(e)).isInstanceOf(McpFailure.ProtocolError.class))
                .verify();
    }
}
