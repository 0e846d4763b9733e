package dev.reactivemcp.testsupport;

import java.net.URI;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A small MCP server of the 2025-11-25 protocol on loopback, port 0, answering with JSON: {@code initialize},
 * {@code notifications/initialized}, {@code ping}, {@code tools/call} of {@code echo} (a result), {@code broken}
 * (a result with {@code isError: true}) and anything else (JSON-RPC error -32602), other methods with -32601.
 * {@code server/discover} is answered 400 (a legacy server). Records the methods it received, in order.
 */
public final class LoopbackMcpServer implements AutoCloseable {

    private static final Pattern METHOD = Pattern.compile("\"method\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\"[^\"]*\"|[0-9]+)");
    private static final Pattern TOOL = Pattern.compile("\"name\"\\s*:\\s*\"([^\"]+)\"");

    /** The methods received, in order. */
    public final Queue<String> methods = new ConcurrentLinkedQueue<>();
    private final DisposableServer server;

    private LoopbackMcpServer() {
        this.server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes
                        .post("/mcp", (request, response) -> request.receive().aggregate().asString()
                                .flatMap(body -> {
                                    String method = find(METHOD, body);
                                    methods.add(method);
                                    String id = find(ID, body);
                                    if (id == null) {
                                        return response.status(202).send().then();
                                    }
                                    if ("server/discover".equals(method)) {
                                        return response.status(400).header("Content-Type", "application/json")
                                                .sendString(Mono.just(error(id, -32601, "Method not found"))).then();
                                    }
                                    return response.header("Content-Type", "application/json")
                                            .header("Mcp-Session-Id", "session-1")
                                            .sendString(Mono.just(answer(method, id, body))).then();
                                }))
                        .get("/mcp", (request, response) -> response.status(405).send())
                        .delete("/mcp", (request, response) -> response.status(204).send()))
                .bindNow();
    }

    /**
     * Starts a server.
     *
     * @return a running server; close it
     */
    public static LoopbackMcpServer start() {
        return new LoopbackMcpServer();
    }

    /**
     * Its MCP endpoint.
     *
     * @return {@code http://127.0.0.1:<port>/mcp}
     */
    public URI mcpUri() {
        return URI.create("http://127.0.0.1:" + server.port() + "/mcp");
    }

    private static String answer(String method, String id, String body) {
        switch (method) {
            case "initialize":
                return result(id, "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"tools\":{}},"
                        + "\"serverInfo\":{\"name\":\"loopback\",\"version\":\"1\"}}");
            case "ping":
                return result(id, "{}");
            case "tools/call":
                String tool = find(TOOL, body);
                if ("echo".equals(tool)) {
                    return result(id, "{\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}");
                }
                if ("broken".equals(tool)) {
                    return result(id, "{\"content\":[{\"type\":\"text\",\"text\":\"it broke\"}],\"isError\":true}");
                }
                return error(id, -32602, "Unknown tool");
            default:
                return error(id, -32601, "Method not found");
        }
    }

    private static String result(String id, String result) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":" + result + "}";
    }

    private static String error(String id, int code, String message) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\"}}";
    }

    private static String find(Pattern pattern, String body) {
        Matcher m = pattern.matcher(body);
        return m.find() ? m.group(1) : null;
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
