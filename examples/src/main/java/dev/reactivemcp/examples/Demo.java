package dev.reactivemcp.examples;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.transport.CallToolResult;
import dev.reactivemcp.transport.ElicitResult;
import dev.reactivemcp.transport.InitializeResult;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.Root;
import dev.reactivemcp.transport.Tool;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * The demo: connects to an MCP server over streamable HTTP (protocol era negotiated automatically), lists its
 * tools, calls a few with progress, reads a resource, gets a prompt, answers the server's sampling and
 * elicitation requests, and closes. {@code scripts/demo.sh --everything} runs it against a local
 * {@code @modelcontextprotocol/server-everything}; pass any endpoint URL to point it elsewhere. (The OAuth journey,
 * {@code scripts/demo.sh} without arguments, is {@code dev.reactivemcp.demo.OAuthDemo} in {@code examples-demo}.)
 */
public final class Demo {

    private Demo() { }

    /** {@code Demo [endpoint]}. */
    public static void main(String[] args) {
        URI endpoint = URI.create(args.length > 0 ? args[0] : "http://127.0.0.1:3001/mcp");
        McpClient client = McpClient.builder(endpoint)
                .clientInfo("reactive-mcp-demo", "0.1.0")
                .requestTimeout(Duration.ofSeconds(30))
                .elicitationHandler(request -> {
                    say("  server asks: " + request.message() + " -> accepting with the form's defaults");
                    return Mono.just(ElicitResult.accept(Map.of()));
                })
                .samplingHandler(params -> Mono.just(samplingReply()))
                .roots(List.of(new Root("file:///tmp/reactive-mcp-demo", "demo workspace")))
                .build();
        try {
            run(client).block(Duration.ofMinutes(2));
            showTypedFailure();
            say("done.");
        } catch (RuntimeException e) {
            say("FAILED: " + plainWords(e, endpoint));
            System.exit(1);
        }
    }

    static Mono<Void> run(McpClient client) {
        return client.connect()
                .doOnNext(Demo::describe)
                .thenMany(client.tools()).collectList()
                .doOnNext(tools -> say("tools (" + tools.size() + "): " + tools.stream().map(Tool::name).toList()))
                .flatMap(tools -> callTools(client, tools))
                .then(client.resources().take(3).collectList())
                .doOnNext(rs -> say("first resources: " + rs.stream().map(r -> r.uri()).toList()))
                .flatMap(rs -> rs.isEmpty() ? Mono.empty() : client.readResource(rs.get(0).uri())
                        .doOnNext(r -> say("read " + rs.get(0).uri() + ": " + r.contents().size() + " content block(s)")))
                .then(client.prompts().collectList())
                .doOnNext(ps -> say("prompts: " + ps.stream().map(p -> p.name()).toList()))
                .then(client.close())
                .onErrorResume(e -> client.close().then(Mono.error(e)));
    }

    private static Mono<Void> callTools(McpClient client, List<Tool> tools) {
        List<String> names = tools.stream().map(Tool::name).toList();
        Mono<Void> steps = Mono.empty();
        if (names.contains("echo")) {
            steps = steps.then(client.callTool("echo", Map.of("message", "hello from reactive-mcp"))
                    .doOnNext(r -> say("echo -> " + r.text())).then());
        }
        if (names.contains("get-sum")) {
            steps = steps.then(client.callTool("get-sum", Map.of("a", 2, "b", 3))
                    .doOnNext(r -> say("get-sum(2, 3) -> " + r.text())).then());
        }
        if (names.contains("trigger-long-running-operation")) {
            steps = steps.then(client.callTool("trigger-long-running-operation", Map.of("duration", 2, "steps", 4),
                            p -> say("  progress " + (long) p.progress() + "/" + (p.total() == null ? "?" : p.total().longValue())))
                    .doOnNext(r -> say("long-running -> " + firstLine(r))).then());
        }
        if (names.contains("trigger-elicitation-request")) {
            steps = steps.then(client.callTool("trigger-elicitation-request", Map.of())
                    .doOnNext(r -> say("elicitation round trip -> " + firstLine(r))).then());
        }
        if (names.contains("get-roots-list")) {
            steps = steps.then(client.callTool("get-roots-list", Map.of())
                    .doOnNext(r -> say("roots round trip -> " + firstLine(r))).then());
        }
        if (names.contains("trigger-sampling-request")) {
            steps = steps.then(client.callTool("trigger-sampling-request", Map.of("prompt", "Say hi", "maxTokens", 20))
                    .doOnNext(r -> say("sampling round trip -> " + firstLine(r))).then());
        }
        return steps;
    }

    /** What a caller learns when startup fails: a typed failure, no string matching. */
    private static void showTypedFailure() {
        McpClient nowhere = McpClient.builder(URI.create("http://127.0.0.1:9/mcp"))
                .connectTimeout(Duration.ofSeconds(5)).build();
        String verdict = nowhere.connect()
                .map(r -> "unexpectedly connected")
                .onErrorResume(e -> Mono.just(plainWords(e, nowhere.endpoint())
                        + (McpFailures.isAuthenticationRequired(e) ? " (login needed)" : " (not an auth problem)")))
                .block(Duration.ofSeconds(10));
        say("connecting to a closed port fails with: " + verdict);
    }

    /** A failure in words a person reads, from the typed failure (never an exception class name). */
    static String plainWords(Throwable error, URI endpoint) {
        McpFailure failure = McpFailures.classify(error);
        String where = endpoint.getHost() + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort());
        if (failure instanceof McpFailure.ConnectionFailure c) {
            return switch (c.kind()) {
                case REFUSED -> "nothing is listening at " + where + " (connection refused)";
                case UNKNOWN_HOST -> "the host name " + endpoint.getHost() + " does not resolve";
                case UNREACHABLE -> "there is no network route to " + where;
                case CONNECT_TIMEOUT -> where + " did not accept a connection in time";
                case TLS -> "the TLS handshake with " + where + " failed (certificate not trusted, or for another host)";
                case RESET, PREMATURE_CLOSE, CLOSED -> "the connection to " + where + " broke before the answer came";
                case OTHER -> "could not talk to " + where;
            };
        }
        return failure instanceof McpFailure.Timeout ? where + " did not answer in time" : failure.describe();
    }

    private static void describe(InitializeResult init) {
        say("connected: " + (init.serverInfo() == null ? "(server sent no info)" : init.serverInfo().name() + " "
                + init.serverInfo().version()) + ", protocol " + init.protocolVersion() + " (" + init.era() + " era)");
    }

    private static Map<String, Object> samplingReply() {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("role", "assistant");
        reply.put("content", Map.of("type", "text", "text", "Hi! (a canned reply from the demo's sampling handler)"));
        reply.put("model", "demo-model");
        reply.put("stopReason", "endTurn");
        return reply;
    }

    private static String firstLine(CallToolResult r) {
        String t = r.text().strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl) + " ...";
    }

    private static void say(String line) {
        System.out.println(line);
    }
}
