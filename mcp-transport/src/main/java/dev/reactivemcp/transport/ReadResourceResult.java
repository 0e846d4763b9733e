package dev.reactivemcp.transport;

import dev.reactivemcp.transport.internal.Json;
import java.util.List;
import java.util.Map;

/**
 * The result of {@code resources/read} (MCP server/resources).
 *
 * @param contents the contents (text or blob) as free-form JSON
 * @param json     the whole result as sent
 */
public record ReadResourceResult(List<Map<String, Object>> contents, Map<String, Object> json) {

    /**
     * From wire JSON.
     *
     * @param json the {@code resources/read} result object; not {@code null}
     * @return the result; missing {@code contents} read as empty
     */
    public static ReadResourceResult fromJson(Map<String, Object> json) {
        return new ReadResourceResult(Json.objects(json, "contents"), json);
    }
}
