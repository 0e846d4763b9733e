package dev.reactivemcp.transport;

import dev.reactivemcp.transport.internal.Json;
import java.util.Map;

/**
 * A tool as listed by {@code tools/list} (MCP server/tools). Schemas are kept as the raw JSON the server sent:
 * nothing is dropped or rewritten, and no {@code $ref} is ever dereferenced (spec 2026-07-28, SEP-2106).
 *
 * @param name         the tool name
 * @param title        a display title, or null
 * @param description  a description, or null
 * @param inputSchema  the JSON Schema of the arguments, exactly as sent
 * @param outputSchema the JSON Schema of structured results, or null
 * @param json         the whole tool object as sent (unknown fields included)
 */
public record Tool(String name, String title, String description, Map<String, Object> inputSchema,
                   Map<String, Object> outputSchema, Map<String, Object> json) {

    /**
     * From wire JSON.
     *
     * @param json one item of {@code tools/list}'s {@code tools}; not {@code null}
     * @return the tool; a missing {@code inputSchema} reads as an empty map, other absent members as {@code null}
     */
    public static Tool fromJson(Map<String, Object> json) {
        return new Tool(Json.string(json, "name"), Json.string(json, "title"), Json.string(json, "description"),
                Json.objectOrEmpty(json, "inputSchema"), Json.object(json, "outputSchema"), json);
    }

    /**
     * The tool's {@code annotations}, possibly empty.
     *
     * @return the hints as sent ({@code readOnlyHint}, {@code idempotentHint}, {@code destructiveHint},
     *         {@code openWorldHint}, {@code title}); hints, as trustworthy as the server that sent them
     */
    public Map<String, Object> annotations() {
        return Json.objectOrEmpty(json, "annotations");
    }
}
