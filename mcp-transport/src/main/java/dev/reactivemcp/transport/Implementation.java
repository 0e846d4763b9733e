package dev.reactivemcp.transport;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** A client's or server's self-reported name and version (MCP schema {@code Implementation}). */
public record Implementation(String name, String version, String title) {

    /** Validates. */
    public Implementation {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
    }

    /** Name and version. */
    public static Implementation of(String name, String version) {
        return new Implementation(name, version, null);
    }

    /** From wire JSON; null when {@code json} lacks a name. */
    public static Implementation fromJson(Map<String, Object> json) {
        if (json == null || !(json.get("name") instanceof String name)) {
            return null;
        }
        String version = json.get("version") instanceof String v ? v : "";
        return new Implementation(name, version, json.get("title") instanceof String t ? t : null);
    }

    /** To wire JSON. */
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
