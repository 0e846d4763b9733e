package dev.reactivemcp.transport;

import dev.reactivemcp.transport.internal.Json;
import java.util.List;
import java.util.Map;

/**
 * The result of {@code prompts/get} (MCP server/prompts).
 *
 * @param description the description, or null
 * @param messages    the messages as free-form JSON
 * @param json        the whole result as sent
 */
public record GetPromptResult(String description, List<Map<String, Object>> messages, Map<String, Object> json) {

    /**
     * From wire JSON.
     *
     * @param json the {@code prompts/get} result object; not {@code null}
     * @return the result; missing {@code messages} read as empty
     */
    public static GetPromptResult fromJson(Map<String, Object> json) {
        return new GetPromptResult(Json.string(json, "description"), Json.objects(json, "messages"), json);
    }
}
