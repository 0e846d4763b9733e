package dev.reactivemcp.errors;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** JSON-RPC error objects (JSON-RPC 2.0 section 5.1) to failures. */
final class JsonRpcRules {

    /** {@code UnsupportedProtocolVersion}, data {@code {supported: string[], requested: string}} (MCP 2026-07-28). */
    static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;

    private JsonRpcRules() { }

    static McpFailure classify(JsonRpcErrorPayload payload) {
        return classify(payload.code(), payload.errorMessage(), payload.data());
    }

    static McpFailure classify(int code, String message, Object data) {
        if (code == UNSUPPORTED_PROTOCOL_VERSION) {
            return versionUnsupported(data);
        }
        return new McpFailure.JsonRpcError(code, message);
    }

    /** A parsed JSON {@code error} member that is a JSON-RPC error object, or {@code null}. */
    static McpFailure fromJson(Object error) {
        if (!(error instanceof Map)) {
            return null;
        }
        Map<?, ?> object = (Map<?, ?>) error;
        Object code = object.get("code");
        if (!(code instanceof Long) || (Long) code != ((Long) code).intValue()) {
            return null;
        }
        Object message = object.get("message");
        return classify(((Long) code).intValue(), message instanceof String ? (String) message : null,
            object.get("data"));
    }

    private static McpFailure versionUnsupported(Object data) {
        if (!(data instanceof Map)) {
            return new McpFailure.ProtocolVersionUnsupported(null, List.of());
        }
        Map<?, ?> object = (Map<?, ?>) data;
        Object requested = object.get("requested");
        List<String> supported = new ArrayList<>();
        if (object.get("supported") instanceof List) {
            for (Object version : (List<?>) object.get("supported")) {
                if (version instanceof String) {
                    supported.add((String) version);
                }
            }
        }
        return new McpFailure.ProtocolVersionUnsupported(
            requested instanceof String ? (String) requested : null, supported);
    }
}
