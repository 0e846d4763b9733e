package dev.reactivemcp.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.testsupport.LoopbackMcpServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.util.context.Context;

/** Issue 15 item 3: the call listener hook sees each handshake and call, with method, tool, era and outcome. */
class CallListenerTest {

    private final List<String> seen = new CopyOnWriteArrayList<>();

    private final McpCallListener recording = (call, context) -> {
        seen.add("start " + call.kind() + " " + call.method() + " " + call.toolName() + " "
                + context.getOrDefault("tenant", "-"));
        return new McpCallListener.Ending() {
            @Override
            public void succeeded(ProtocolEra era, boolean toolError) {
                seen.add("ok " + call.method() + " " + era + (toolError ? " tool-error" : ""));
            }

            @Override
            public void failed(ProtocolEra era, Throwable error) {
                seen.add("failed " + call.method() + " " + era);
            }

            @Override
            public void cancelled(ProtocolEra era) {
                seen.add("cancelled " + call.method());
            }
        };
    };

    @Test
    void theListenerSeesTheHandshakeAndEveryCallWithItsToolEraAndOutcome() {
        try (LoopbackMcpServer server = LoopbackMcpServer.start()) {
            McpClient client = McpClient.builder(server.mcpUri()).negotiation(ProtocolNegotiation.legacyOnly())
                    .listeningStream(false).callListener(recording).build();

            client.callTool("echo", Map.of()).contextWrite(Context.of("tenant", "t1")).block(Duration.ofSeconds(10));
            client.callTool("broken", Map.of()).block(Duration.ofSeconds(10));
            client.callTool("missing", Map.of()).onErrorResume(e -> reactor.core.publisher.Mono.empty())
                    .block(Duration.ofSeconds(10));
            client.ping().block(Duration.ofSeconds(10));
            client.close().block(Duration.ofSeconds(10));

            assertThat(seen).containsExactly(
                    "start HANDSHAKE connect null t1", "ok connect LEGACY",
                    "start CALL tools/call echo t1", "ok tools/call LEGACY",
                    "start CALL tools/call broken -", "ok tools/call LEGACY tool-error",
                    "start CALL tools/call missing -", "failed tools/call LEGACY",
                    "start CALL ping null -", "ok ping LEGACY");
        }
    }

    @Test
    void aThrowingListenerNeverFailsTheCall() {
        try (LoopbackMcpServer server = LoopbackMcpServer.start()) {
            McpClient client = McpClient.builder(server.mcpUri()).negotiation(ProtocolNegotiation.legacyOnly())
                    .listeningStream(false).callListener((call, context) -> {
                        throw new IllegalStateException("a listener bug");
                    }).build();

            assertThat(client.callTool("echo", Map.of()).block(Duration.ofSeconds(10)).text()).isEqualTo("hi");
            assertThat(server.methods).contains("initialize", "tools/call");
            client.close().block(Duration.ofSeconds(10));
        }
    }
}
