package dev.reactivemcp.examples.conformance;

import dev.reactivemcp.transport.ElicitResult;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.Prompt;
import dev.reactivemcp.transport.ProtocolNegotiation;
import dev.reactivemcp.transport.Resource;
import dev.reactivemcp.transport.Tool;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * The client the official MCP conformance suite drives: {@code examples/conformance/client <server-url>} with
 * {@code MCP_CONFORMANCE_SCENARIO}, {@code MCP_CONFORMANCE_PROTOCOL_VERSION} and sometimes
 * {@code MCP_CONFORMANCE_CONTEXT} in the environment. Exits 0 when the scenario's client steps succeeded.
 */
public final class ConformanceClient {

    private ConformanceClient() { }

    /** Entry point. */
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: client <server-url>");
            System.exit(2);
        }
        String scenario = System.getenv().getOrDefault("MCP_CONFORMANCE_SCENARIO", "initialize");
        String version = System.getenv().getOrDefault("MCP_CONFORMANCE_PROTOCOL_VERSION", "2025-11-25");
        Context context = Context.parse(System.getenv("MCP_CONFORMANCE_CONTEXT"));
        URI server = URI.create(args[args.length - 1]);
        try {
            Scenarios.run(scenario, version, server, context).block(Duration.ofSeconds(120));
            System.exit(0);
        } catch (RuntimeException e) {
            System.err.println("scenario " + scenario + " failed: " + e);
            System.exit(1);
        }
    }

    /** Builds the client every scenario uses. */
    static McpClient.Builder client(URI server, String version) {
        return McpClient.builder(server)
                .clientInfo("reactive-mcp-conformance", "0.1.0")
                .negotiation(ProtocolNegotiation.pinned(version))
                .requestTimeout(Duration.ofSeconds(30))
                .elicitationHandler(request -> Mono.just(ElicitResult.accept(Map.of())));
    }

    /** Calls every listed tool once with arguments made up from its schema. */
    static Mono<Void> callEveryTool(McpClient client) {
        return client.tools().concatMap(tool -> client.callTool(tool.name(), sampleArguments(tool))).then();
    }

    static Map<String, Object> sampleArguments(Tool tool) {
        Map<String, Object> args = new LinkedHashMap<>();
        Object props = tool.inputSchema().get("properties");
        if (props instanceof Map<?, ?> properties) {
            properties.forEach((name, schema) -> {
                Object type = schema instanceof Map<?, ?> s ? s.get("type") : null;
                args.put(String.valueOf(name), switch (String.valueOf(type)) {
                    case "integer" -> 1;
                    case "number" -> 1.5;
                    case "boolean" -> true;
                    case "object" -> Map.of();
                    case "array" -> List.of();
                    default -> "us-west1";
                });
            });
        }
        return args;
    }

    static Mono<Void> everything(McpClient client) {
        Mono<Void> tools = client.tools().concatMap(t -> client.callTool(t.name(), sampleArguments(t))).then();
        Mono<Void> resources = client.resources().map(Resource::uri).concatMap(client::readResource).then();
        Mono<Void> prompts = client.prompts().map(Prompt::name)
                .concatMap(name -> client.getPrompt(name, Map.of())).then();
        return tools.then(resources).then(prompts);
    }

}
