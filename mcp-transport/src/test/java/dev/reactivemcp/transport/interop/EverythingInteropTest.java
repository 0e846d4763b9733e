package dev.reactivemcp.transport.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.testsupport.EverythingServer;
import dev.reactivemcp.transport.CallToolResult;
import dev.reactivemcp.transport.ElicitRequest;
import dev.reactivemcp.transport.ElicitResult;
import dev.reactivemcp.transport.InitializeResult;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.McpJsonRpcException;
import dev.reactivemcp.transport.McpNotification;
import dev.reactivemcp.transport.Progress;
import dev.reactivemcp.transport.ProtocolEra;
import dev.reactivemcp.transport.ProtocolNegotiation;
import dev.reactivemcp.transport.Resource;
import dev.reactivemcp.transport.Root;
import dev.reactivemcp.transport.Tool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Interop with a server nobody here wrote: the npm {@code @modelcontextprotocol/server-everything} in streamable
 * HTTP mode. Skipped when Node or the package is missing outside CI; fails in CI.
 */
class EverythingInteropTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static EverythingServer server;

    private final List<ElicitRequest> elicitations = new CopyOnWriteArrayList<>();
    private McpClient client;

    @BeforeAll
    static void startServer() {
        server = EverythingServer.start();
        StepVerifier.setDefaultTimeout(WAIT);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void closeClient() {
        if (client != null) {
            client.close().block(WAIT);
        }
    }

    private McpClient.Builder builder() {
        return McpClient.builder(server.mcpUri())
                .clientInfo("interop-test", "1.0")
                .requestTimeout(Duration.ofSeconds(30))
                .rememberLegacyVerdict(false)
                .elicitationHandler(request -> {
                    elicitations.add(request);
                    return Mono.just(ElicitResult.accept(Map.of()));
                })
                .samplingHandler(params -> Mono.just(Map.of("role", "assistant", "model", "interop-model",
                        "stopReason", "endTurn", "content", Map.of("type", "text", "text", "sampled!"))))
                .roots(List.of(new Root("file:///tmp/interop-root", "interop root")));
    }

    @Test
    void autoNegotiationFallsBackToTheLegacyEraAndInitializes() {
        client = builder().build();

        InitializeResult init = client.connect().block(WAIT);

        assertThat(init.era()).isEqualTo(ProtocolEra.LEGACY);
        assertThat(init.protocolVersion()).isEqualTo("2025-11-25");
        assertThat(init.serverInfo()).isNotNull();
        assertThat(init.hasCapability("tools")).isTrue();
    }

    @Test
    void listsAndCallsToolsIncludingALongRunningOneWithProgress() {
        client = builder().negotiation(ProtocolNegotiation.legacyOnly()).build();
        List<Progress> progress = new CopyOnWriteArrayList<>();

        List<String> names = client.tools().map(Tool::name).collectList().block(WAIT);
        CallToolResult echo = client.callTool("echo", Map.of("message", "interop")).block(WAIT);
        CallToolResult sum = client.callTool("get-sum", Map.of("a", 2, "b", 40)).block(WAIT);
        CallToolResult longRunning = client.callTool("trigger-long-running-operation",
                Map.of("duration", 1, "steps", 3), progress::add).block(WAIT);

        assertThat(names).contains("echo", "get-sum", "trigger-long-running-operation");
        assertThat(echo.text()).contains("interop");
        assertThat(sum.text()).contains("42");
        assertThat(longRunning.isError()).isFalse();
        assertThat(progress).extracting(Progress::progress).containsExactly(1.0, 2.0, 3.0);
        assertThat(progress).allSatisfy(p -> assertThat(p.total()).isEqualTo(3.0));
    }

    @Test
    void readsResourcesAndGetsPrompts() {
        client = builder().negotiation(ProtocolNegotiation.legacyOnly()).build();

        List<Resource> resources = client.resources().take(5).collectList().block(WAIT);
        assertThat(resources).isNotEmpty();
        assertThat(client.readResource(resources.get(0).uri()).block(WAIT).contents()).isNotEmpty();
        assertThat(client.listResourceTemplates(null).block(WAIT).items()).isNotEmpty();

        assertThat(client.prompts().map(p -> p.name()).collectList().block(WAIT)).contains("simple-prompt");
        assertThat(client.getPrompt("simple-prompt", Map.of()).block(WAIT).messages()).isNotEmpty();
    }

    @Test
    void answersTheServersElicitationSamplingAndRootsRequests() {
        client = builder().negotiation(ProtocolNegotiation.legacyOnly()).build();

        CallToolResult elicited = client.callTool("trigger-elicitation-request", Map.of()).block(WAIT);
        CallToolResult sampled = client.callTool("trigger-sampling-request",
                Map.of("prompt", "hi", "maxTokens", 10)).block(WAIT);
        CallToolResult roots = client.callTool("get-roots-list", Map.of()).block(WAIT);

        assertThat(elicitations).hasSize(1);
        assertThat(elicited.isError()).isFalse();
        assertThat(sampled.text()).contains("sampled!");
        assertThat(roots.text()).contains("file:///tmp/interop-root");
    }

    @Test
    void deliversServerNotificationsAndTypedErrorsForUnknownMethods() {
        client = builder().negotiation(ProtocolNegotiation.legacyOnly()).build();
        List<McpNotification> seen = new CopyOnWriteArrayList<>();
        client.notifications().subscribe(seen::add);

        client.callTool("trigger-long-running-operation", Map.of("duration", 1, "steps", 2), p -> { }).block(WAIT);

        assertThat(seen).extracting(McpNotification::method).contains("notifications/progress");
        assertThat(client.callTool("no-such-tool", Map.of()).block(WAIT).isError()).isTrue();
        StepVerifier.create(client.request("no/such-method", Map.of(), Map.class))
                .expectErrorSatisfies(e -> assertThat(((McpJsonRpcException) e).code()).isEqualTo(-32601))
                .verify();
    }

    @Test
    void closeEndsTheSessionAndLaterCallsFail() {
        client = builder().negotiation(ProtocolNegotiation.legacyOnly()).build();
        client.connect().block(WAIT);

        client.close().block(WAIT);

        StepVerifier.create(client.callTool("echo", Map.of("message", "after close")))
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("closed"))
                .verify();
    }
}
