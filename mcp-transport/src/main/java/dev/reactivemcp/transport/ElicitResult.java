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

    /**
     * Validates.
     *
     * @param action  {@code accept}, {@code decline} or {@code cancel}; not {@code null}
     * @param content the form content for {@code accept} (free-form JSON values), or {@code null} for empty; sent
     *                only when accepting
     * @throws NullPointerException when {@code action} is {@code null}
     */
    public ElicitResult {
        Objects.requireNonNull(action, "action");
        content = content == null ? Map.of() : content;
    }

    /**
     * Accept with this content.
     *
     * @param content the values the user entered, by field name of the requested schema; {@code null} for none
     * @return an {@code accept} answer
     */
    public static ElicitResult accept(Map<String, Object> content) {
        return new ElicitResult("accept", content);
    }

    /**
     * Decline.
     *
     * @return a {@code decline} answer: the user saw the request and said no
     */
    public static ElicitResult decline() {
        return new ElicitResult("decline", Map.of());
    }

    /**
     * Cancel.
     *
     * @return a {@code cancel} answer: the user dismissed the request without choosing
     */
    public static ElicitResult cancel() {
        return new ElicitResult("cancel", Map.of());
    }

    /**
     * To wire JSON.
     *
     * @return a new mutable map with {@code action}, and {@code content} when accepting
     */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("action", action);
        if ("accept".equals(action)) {
            m.put("content", content);
        }
        return m;
    }
}
