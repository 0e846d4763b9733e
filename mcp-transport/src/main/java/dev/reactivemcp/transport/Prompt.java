package dev.reactivemcp.transport;

import dev.reactivemcp.transport.internal.Json;
import java.util.List;
import java.util.Map;

/**
 * A prompt as listed by {@code prompts/list} (MCP server/prompts).
 *
 * @param name        the prompt name
 * @param title       a display title, or null
 * @param description a description, or null
 * @param arguments   the argument descriptions as free-form JSON
 * @param json        the whole object as sent
 */
public record Prompt(String name, String title, String description, List<Map<String, Object>> arguments,
                     Map<String, Object> json) {

    /**
     * From wire JSON.
     *
     * @param json one item of {@code prompts/list}'s {@code prompts}; not {@code null}
     * @return the prompt; missing {@code arguments} read as empty, other absent members as {@code null}
     */
    public static Prompt fromJson(Map<String, Object> json) {
        return new Prompt(Json.string(json, "name"), Json.string(json, "title"), Json.string(json, "description"),
                Json.objects(json, "arguments"), json);
    }
}
