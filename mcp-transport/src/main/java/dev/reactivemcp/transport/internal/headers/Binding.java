package dev.reactivemcp.transport.internal.headers;

import java.util.List;
import java.util.Objects;

/**
 * One valid {@code x-mcp-header} annotation of a tool: the header name part, the {@code properties} path of the
 * annotated argument, and its declared type.
 */
public record Binding(String headerName, List<String> path, Type type) {

    /** Prefix of every mirrored argument header. */
    public static final String PREFIX = "Mcp-Param-";

    /** The JSON Schema types an {@code x-mcp-header} may annotate. */
    public enum Type {
        STRING("string"),
        INTEGER("integer"),
        BOOLEAN("boolean");

        private final String jsonName;

        Type(String jsonName) {
            this.jsonName = jsonName;
        }

        /** The JSON Schema {@code type} keyword value. */
        public String jsonName() {
            return jsonName;
        }

        /** The type named by {@code jsonName}, or {@code null} when it is not one of the three. */
        static Type fromJsonName(Object jsonName) {
            for (Type t : values()) {
                if (t.jsonName.equals(jsonName)) {
                    return t;
                }
            }
            return null;
        }
    }

    public Binding {
        Objects.requireNonNull(headerName, "headerName");
        Objects.requireNonNull(type, "type");
        path = List.copyOf(path);
        if (path.isEmpty()) {
            throw new IllegalArgumentException("path is empty");
        }
    }

    /** The full header name, {@code Mcp-Param-{headerName}}. */
    public String fieldName() {
        return PREFIX + headerName;
    }
}
