package dev.reactivemcp.transport;

import dev.reactivemcp.transport.internal.Json;
import java.util.Map;

/**
 * A server's request for user input (MCP client/elicitation): form mode carries a {@code requestedSchema}, URL
 * mode a {@code url}.
 *
 * @param message         the message to show the user
 * @param requestedSchema the flat JSON Schema of the form (form mode), or an empty map
 * @param json            the whole params object as sent
 */
public record ElicitRequest(String message, Map<String, Object> requestedSchema, Map<String, Object> json) {

    /**
     * From wire JSON params.
     *
     * @param json the params of {@code elicitation/create} (or of an input request); not {@code null}
     * @return the request; a missing {@code requestedSchema} reads as an empty map
     */
    public static ElicitRequest fromJson(Map<String, Object> json) {
        return new ElicitRequest(Json.string(json, "message"), Json.objectOrEmpty(json, "requestedSchema"), json);
    }

    /**
     * {@code form} or {@code url}; absent means form.
     *
     * @return the {@code mode} as sent, or {@code "form"} when absent
     */
    public String mode() {
        String m = Json.string(json, "mode");
        return m == null ? "form" : m;
    }
}
