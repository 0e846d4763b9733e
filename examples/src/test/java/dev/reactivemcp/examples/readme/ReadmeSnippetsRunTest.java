package dev.reactivemcp.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.oauth.AuthState;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.testsupport.EverythingServer;
import dev.reactivemcp.transport.CallToolResult;
import dev.reactivemcp.transport.McpClient;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The README blocks that talk to a server, run as written against a real {@code server-everything} on loopback
 * (the quick start's example host replaced by it). What a block builds is checked through the values it returns.
 */
class ReadmeSnippetsRunTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static EverythingServer server;

    @TempDir
    Path work;

    @BeforeAll
    static void startServer() {
        server = EverythingServer.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theQuickStartConnectsAndAnswersWithTheEchoedText() throws Exception {
        ReadmeSnippets.Snippet quickStart = snippetContaining("callTool(\"echo\"");
        String example = "https://mcp.example.com/mcp";
        assertThat(quickStart.text()).contains(example);
        ReadmeSnippets.Unit asWritten = quickStart.unit();
        ReadmeSnippets.Unit unit = new ReadmeSnippets.Unit(asWritten.className(),
                asWritten.source().replace(example, server.mcpUri().toString()), asWritten.readmeLines());

        Map<String, Object> built = run(unit);
        McpClient client = (McpClient) built.get("client");
        try {
            @SuppressWarnings("unchecked")
            Mono<String> answer = (Mono<String>) built.get("answer");
            assertThat(answer.block(WAIT)).isEqualTo("Echo: hi");
        } finally {
            client.close().block(WAIT);
        }
    }

    @Test
    void theToolErrorPatternAnswersWithTheResultAndFailsOnAToolError() throws Exception {
        ReadmeSnippets.Snippet pattern = snippetContaining("result.isError()\n                ? Mono.error(new IllegalStateException(tool");
        McpClient client = McpClient.builder(server.mcpUri()).build();
        try {
            client.connect().block(WAIT);

            Mono<String> ok = text(run(pattern.unit(), client, "get-sum", Map.of("a", 1, "b", 2)));
            Mono<String> bad = text(run(pattern.unit(), client, "get-sum", Map.of("a", "one", "b", 2)));

            assertThat(ok.block(WAIT)).isEqualTo("The sum of 1 and 2 is 3.");
            StepVerifier.create(bad)
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                            .hasMessageStartingWith("get-sum failed: MCP error -32602: Input validation error"))
                    .verify(WAIT);
            CallToolResult raw = client.callTool("get-sum", Map.of("a", "one", "b", 2)).block(WAIT);
            assertThat(raw.isError()).as("what .map(CallToolResult::text) would have passed along").isTrue();
            assertThat(raw.text()).startsWith("MCP error -32602: Input validation error");
        } finally {
            client.close().block(WAIT);
        }
    }

    @Test
    void authStateSaysNotRequiredWhereStoredAuthStateSaysLoginAndShutdownClosesBoth() throws Exception {
        ReadmeSnippets.Snippet states = snippetContaining("oauth.storedAuthState(uri)");
        ReadmeSnippets.Snippet shutdown = snippetContaining("client.close().then(oauth.shutdown(");
        McpOAuth oauth = McpOAuth.builder().build();
        URI uri = server.mcpUri();
        McpClient client = McpClient.builder(uri).filter(oauth.filterFor(uri)).build();
        client.connect().then(client.ping()).block(WAIT);

        Map<String, Object> built = run(states.unit(), oauth, uri);

        assertThat(((Mono<?>) built.get("beforeConnecting")).block(WAIT)).isEqualTo(AuthState.NOT_REQUIRED);
        assertThat(((Mono<?>) built.get("atFailureTime")).block(WAIT)).isEqualTo(AuthState.LOGIN);

        run(shutdown.unit(), client, oauth);
        StepVerifier.create(client.ping()).expectError().verify(WAIT);
    }

    @Test
    void theFailuresBlockClassifiesARefusedConnectionAndTranslatesItToMcpException() throws Exception {
        ReadmeSnippets.Snippet failures = snippetContaining("McpFailures.classify(error)");
        URI closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/mcp");
        }
        McpClient client = McpClient.builder(closed).build();
        Throwable error = client.connect().then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(WAIT);

        Map<String, Object> built = run(failures.unit(), error, client);

        assertThat(built.get("failure")).isInstanceOfSatisfying(McpFailure.ConnectionFailure.class,
                f -> assertThat(f.kind()).isEqualTo(McpFailure.ConnectionFailure.Kind.REFUSED));
        StepVerifier.create((Mono<?>) built.get("translated"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(McpException.class,
                        m -> assertThat(m.failure()).isInstanceOf(McpFailure.ConnectionFailure.class)))
                .verify(WAIT);
        client.close().onErrorResume(e -> Mono.empty()).block(WAIT);
    }

    @SuppressWarnings("unchecked")
    private static Mono<String> text(Map<String, Object> built) {
        return (Mono<String>) built.get("text");
    }

    private Map<String, Object> run(ReadmeSnippets.Unit unit, Object... given) throws Exception {
        SnippetCompiler.Result compiled = SnippetCompiler.compile(unit, work);
        assertThat(compiled.errors()).isEmpty();
        Method run = List.of(compiled.load(unit.className()).getDeclaredMethods()).stream()
                .filter(m -> m.getName().equals("run")).findFirst().orElseThrow();
        run.setAccessible(true);
        @SuppressWarnings("unchecked")
        Map<String, Object> built = (Map<String, Object>) run.invoke(null, given);
        return built;
    }

    private static ReadmeSnippets.Snippet snippetContaining(String text) {
        List<ReadmeSnippets.Snippet> found = ReadmeSnippets.parse(ReadmeSnippets.readme()).stream()
                .filter(s -> s.text().contains(text)).toList();
        assertThat(found).as("README blocks containing %s", text).hasSize(1);
        return found.get(0);
    }
}
