package dev.reactivemcp.examples.conformance;

import dev.reactivemcp.transport.spi.JsonCodec;
import java.util.List;
import java.util.Map;

/** {@code MCP_CONFORMANCE_CONTEXT}: free-form JSON the suite hands some scenarios. */
record Context(Map<String, Object> json) {

    @SuppressWarnings("unchecked")
    static Context parse(String env) {
        if (env == null || env.isBlank()) {
            return new Context(Map.of());
        }
        Object parsed = JsonCodec.get().read(env, "MCP_CONFORMANCE_CONTEXT");
        return new Context(parsed instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of());
    }

    String string(String key) {
        return json.get(key) instanceof String s ? s : null;
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> toolCalls() {
        return json.get("toolCalls") instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
    }
}
