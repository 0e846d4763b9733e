package dev.reactivemcp.transport;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The user's answer to an elicitation (MCP client/elicitation): {@code accept} with content, {@code decline} or
 * {@code cancel}. When accepting, fields the user left out get the schema's {@code default} values (SEP-1034);
 * the client fills them in before replying.
 *
 * <pre>{@code
 * ElicitationHandler handler = request -> Mono.just(ElicitResult.accept(Map.of("name", "Ada")));
 * }</pre>
 *
 * @param action  {@code accept}, {@code decline} or {@code cancel}
 * @param content the form content when accepted, else empty
 */
public record ElicitResult(String action, Map<String, Object> content) {

    /** Validates. */
    public ElicitResult {
        Objects.requireNonNull(action, "action");
        content = content == null ? Map.of() : content;
    }

    /** Accept with this content. */
    public static ElicitResult accept(Map<String, Object> content) {
        return new ElicitResult("accept", content);
    }

    /** Decline. */
    public static ElicitResult decline() {
        return new ElicitResult("decline", Map.of());
    }

    /** Cancel. */
    public static ElicitResult cancel() {
        return new ElicitResult("cancel", Map.of());
    }

    /** To wire JSON. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("action", action);
        if ("accept".equals(action)) {
            m.put("content", content);
        }
        return m;
    }
}
