package dev.reactivemcp.transport.internal;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.transport.ElicitRequest;
import dev.reactivemcp.transport.ElicitResult;
import dev.reactivemcp.transport.McpTransportException;
import dev.reactivemcp.transport.Root;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Answers what a server asks of the client: {@code ping}, {@code roots/list}, {@code sampling/createMessage},
 * {@code elicitation/create}, either as legacy server-to-client requests or as the {@code inputRequests} of a
 * modern {@code input_required} result. Elicitation answers get the schema's defaults for omitted fields
 * (SEP-1034).
 */
final class ServerRequests {

    static final int METHOD_NOT_FOUND = -32601;
    static final int INTERNAL_ERROR = -32603;

    private final ClientConfig config;

    ServerRequests(ClientConfig config) {
        this.config = config;
    }

    /** The result object for one server request, or an error naming what is unsupported. */
    Mono<Map<String, Object>> answer(String method, Map<String, Object> params) {
        switch (method) {
            case "ping":
                return Mono.just(new LinkedHashMap<>());
            case "roots/list":
                if (config.roots() == null) {
                    return unsupported(method);
                }
                return config.roots().map(ServerRequests::rootsResult);
            case "sampling/createMessage":
                if (config.samplingHandler() == null) {
                    return unsupported(method);
                }
                return config.samplingHandler().createMessage(params == null ? Map.of() : params);
            case "elicitation/create":
                if (config.elicitationHandler() == null) {
                    return unsupported(method);
                }
                ElicitRequest request = ElicitRequest.fromJson(params == null ? Map.of() : params);
                return config.elicitationHandler().elicit(request)
                        .switchIfEmpty(Mono.just(ElicitResult.cancel()))
                        .map(result -> withDefaults(result, request.requestedSchema()).toJson());
            default:
                return unsupported(method);
        }
    }

    /** The JSON-RPC response message for a legacy server request. */
    Mono<Map<String, Object>> respond(Map<String, Object> message) {
        Object id = message.get("id");
        String method = (String) message.get("method");
        return answer(method, Json.object(message, "params"))
                .map(result -> JsonRpc.result(id, result))
                .onErrorResume(Unsupported.class, e -> Mono.just(JsonRpc.error(id, METHOD_NOT_FOUND,
                        "Method not found: " + method)))
                .onErrorResume(e -> !(e instanceof Unsupported), e -> Mono.just(JsonRpc.error(id, INTERNAL_ERROR,
                        "the client failed to handle " + method)));
    }

    /** Fulfils every entry of a modern {@code inputRequests} map, keyed as given. */
    Mono<Map<String, Object>> fulfil(Map<String, Object> inputRequests) {
        return reactor.core.publisher.Flux.fromIterable(inputRequests.entrySet())
                .concatMap(e -> {
                    Map<String, Object> req = Json.asObject(e.getValue());
                    String method = Json.string(req, "method");
                    if (method == null) {
                        return Mono.error(RpcChannel.protocolError("inputRequests entry '" + e.getKey()
                                + "' has no method"));
                    }
                    return answer(method, Json.object(req, "params"))
                            .onErrorMap(Unsupported.class, x -> new McpTransportException(new McpFailure.ProtocolError(
                                    "the server asked for " + method + ", which this client has no handler for"),
                                    "the server asked for " + method + ", which this client has no handler for", null))
                            .map(result -> Map.entry(e.getKey(), (Object) result));
                })
                .collect(LinkedHashMap::new, (m, e) -> m.put(e.getKey(), e.getValue()));
    }

    static ElicitResult withDefaults(ElicitResult result, Map<String, Object> schema) {
        if (!"accept".equals(result.action())) {
            return result;
        }
        Map<String, Object> properties = Json.object(schema, "properties");
        if (properties == null) {
            return result;
        }
        Map<String, Object> content = new LinkedHashMap<>(result.content());
        properties.forEach((name, prop) -> {
            Map<String, Object> p = Json.asObject(prop);
            if (p != null && p.containsKey("default") && !content.containsKey(name)) {
                content.put(name, p.get("default"));
            }
        });
        return ElicitResult.accept(content);
    }

    private static Map<String, Object> rootsResult(List<Root> roots) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("roots", roots.stream().map(Root::toJson).toList());
        return m;
    }

    private static <T> Mono<T> unsupported(String method) {
        return Mono.error(new Unsupported(method));
    }

    /** The client has no handler for a server request (internal signal, no stack trace). */
    static final class Unsupported extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unsupported(String method) {
            super("no handler for " + method, null, false, false);
        }
    }
}
