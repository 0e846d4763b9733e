package dev.reactivemcp.examples.conformance;

import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.Tool;
import java.net.URI;
import java.util.Map;
import reactor.core.publisher.Mono;

/** What the client does in each conformance scenario; unknown scenarios connect, list tools and close. */
final class Scenarios {

    private Scenarios() { }

    static Mono<Void> run(String scenario, String version, URI server, Context context) {
        if (scenario.startsWith("auth/")) {
            McpClient client = AuthScenarios.client(server, version, AuthScenarios.oauth(scenario, context));
            return AuthScenarios.run(client).then(client.close())
                    .onErrorResume(e -> client.close().then(Mono.error(e)));
        }
        McpClient client = ConformanceClient.client(server, version).build();
        Mono<Void> steps = switch (scenario) {
            case "tools_call" -> client.callTool("add_numbers", Map.of("a", 5, "b", 3)).then();
            case "elicitation-sep1034-client-defaults" ->
                    client.tools().then(client.callTool("test_client_elicitation_defaults", Map.of())).then();
            case "sse-retry" -> client.tools().then(client.callTool("test_reconnection", Map.of())).then();
            case "sep-2322-client-request-state" -> requestState(client);
            case "http-standard-headers" -> ConformanceClient.everything(client);
            case "http-custom-headers" -> client.tools().then(reactor.core.publisher.Flux
                    .fromIterable(context.toolCalls())
                    .concatMap(call -> client.callTool((String) call.get("name"), arguments(call)))
                    .then());
            case "http-invalid-tool-headers" -> ConformanceClient.callEveryTool(client);
            case "json-schema-2020-12-preservation" -> schemaEcho(client);
            default -> scenario.startsWith("sep-2640-") ? SkillScenarios.run(scenario, client)
                    : client.tools().then();
        };
        return client.connect().then(steps).then(client.close())
                .onErrorResume(e -> client.close().then(Mono.error(e)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> arguments(Map<String, Object> call) {
        return call.get("arguments") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static Mono<Void> requestState(McpClient client) {
        return client.tools().then(Mono.when(
                client.callTool("test_mrtr_echo_state", Map.of()),
                client.callTool("test_mrtr_unrelated", Map.of())))
                .then(client.callTool("test_mrtr_no_state", Map.of()))
                .then(client.callTool("test_mrtr_no_result_type", Map.of()))
                .then();
    }

    private static Mono<Void> schemaEcho(McpClient client) {
        return client.tools().filter(t -> t.name().equals("json_schema_2020_12_tool")).next()
                .map(Tool::inputSchema)
                .flatMap(schema -> client.callTool("json_schema_echo", Map.of("schema", schema)))
                .then();
    }
}
