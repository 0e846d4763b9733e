package dev.reactivemcp.transport;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A root the client exposes (MCP client/roots). Registering roots declares the {@code roots} capability.
 *
 * @param uri  a {@code file://} URI
 * @param name a display name, or null
 */
public record Root(String uri, String name) {

    /**
     * Validates.
     *
     * @param uri  a {@code file://} URI; not {@code null}
     * @param name a display name, or {@code null}
     * @throws NullPointerException when {@code uri} is {@code null}
     */
    public Root {
        Objects.requireNonNull(uri, "uri");
    }

    /**
     * To wire JSON.
     *
     * @return a new mutable map with {@code uri}, and {@code name} when set
     */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uri", uri);
        if (name != null) {
            m.put("name", name);
        }
        return m;
    }
}
