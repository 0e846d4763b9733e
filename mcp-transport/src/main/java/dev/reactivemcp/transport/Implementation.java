package dev.reactivemcp.transport;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** A client's or server's self-reported name and version (MCP schema {@code Implementation}). */
public record Implementation(String name, String version, String title) {

    /**
     * Validates.
     *
     * @param name    the implementation's name, for example {@code "reactive-mcp"}; not {@code null}
     * @param version its version; not {@code null} (empty when unknown)
     * @param title   a display name, or {@code null}
     * @throws NullPointerException when {@code name} or {@code version} is {@code null}
     */
    public Implementation {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
    }

    /**
     * Name and version.
     *
     * @param name    the implementation's name; not {@code null}
     * @param version its version; not {@code null}
     * @return the implementation, without a title
     * @throws NullPointerException when {@code name} or {@code version} is {@code null}
     */
    public static Implementation of(String name, String version) {
        return new Implementation(name, version, null);
    }

    /**
     * From wire JSON; null when {@code json} lacks a name.
     *
     * @param json a {@code clientInfo} or {@code serverInfo} object, or {@code null}
     * @return the implementation (a missing version reads as empty), or {@code null} when there is no string
     *         {@code name}
     */
    public static Implementation fromJson(Map<String, Object> json) {
        if (json == null || !(json.get("name") instanceof String name)) {
            return null;
        }
        String version = json.get("version") instanceof String v ? v : "";
        return new Implementation(name, version, json.get("title") instanceof String t ? t : null);
    }

    /**
     * To wire JSON.
     *
     * @return a new mutable map with {@code name}, {@code title} (when set) and {@code version}
     */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        if (title != null) {
            m.put("title", title);
        }
        m.put("version", version);
        return m;
    }
}
