package dev.reactivemcp.transport;

import dev.reactivemcp.transport.internal.Json;
import java.util.Map;

/**
 * A resource or resource template as listed by {@code resources/list} or {@code resources/templates/list}
 * (MCP server/resources). For a template {@code uri} holds the {@code uriTemplate}.
 *
 * @param uri         the URI (or URI template), exactly as sent
 * @param name        the name
 * @param title       a display title, or null
 * @param description a description, or null
 * @param mimeType    the MIME type, or null
 * @param json        the whole object as sent
 */
public record Resource(String uri, String name, String title, String description, String mimeType,
                       Map<String, Object> json) {

    /**
     * From wire JSON of a resource.
     *
     * @param json one item of {@code resources/list}'s {@code resources}; not {@code null}
     * @return the resource; absent or non-string members read as {@code null}
     */
    public static Resource fromJson(Map<String, Object> json) {
        return new Resource(Json.string(json, "uri"), Json.string(json, "name"), Json.string(json, "title"),
                Json.string(json, "description"), Json.string(json, "mimeType"), json);
    }

    /**
     * From wire JSON of a resource template.
     *
     * @param json one item of {@code resources/templates/list}'s {@code resourceTemplates}; not {@code null}
     * @return the template, its {@code uriTemplate} in {@link #uri()}; absent members read as {@code null}
     */
    public static Resource templateFromJson(Map<String, Object> json) {
        return new Resource(Json.string(json, "uriTemplate"), Json.string(json, "name"), Json.string(json, "title"),
                Json.string(json, "description"), Json.string(json, "mimeType"), json);
    }
}
