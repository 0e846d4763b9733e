package dev.reactivemcp.transport.internal.headers;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code Mcp-Method} and {@code Mcp-Name} (2026-07-28 Streamable HTTP, Standard Request Headers), derived from the
 * request body so that retries and probes stay consistent with what is sent.
 */
public final class StandardHeaders {

    /** Header carrying the JSON-RPC {@code method}. */
    public static final String MCP_METHOD = "Mcp-Method";
    /** Header carrying {@code params.name} or {@code params.uri}. */
    public static final String MCP_NAME = "Mcp-Name";

    private StandardHeaders() {
    }

    /**
     * {@code Mcp-Method: method}, then {@code Mcp-Name} for {@code tools/call} and {@code prompts/get}
     * ({@code params.name}) and {@code resources/read} ({@code params.uri}), encoded by
     * {@link HeaderValueEncoder#encode}. {@code Mcp-Name} is left out when that field is absent or not a string
     * (the server then reports the malformed request).
     *
     * @throws IllegalArgumentException when {@code method} is not {@link HeaderValueEncoder#isPlainSafe plain-safe}:
     *                                  the spec gives {@code Mcp-Method} no Base64 form
     */
    public static Map<String, String> standardHeaders(String method, Map<String, Object> params) {
        Objects.requireNonNull(method, "method");
        if (!HeaderValueEncoder.isPlainSafe(method)) {
            throw new IllegalArgumentException("method cannot be carried in " + MCP_METHOD + " as-is");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(MCP_METHOD, method);
        String nameField = nameField(method);
        if (nameField != null && params != null && params.get(nameField) instanceof String name) {
            headers.put(MCP_NAME, HeaderValueEncoder.encode(name));
        }
        return Collections.unmodifiableMap(headers);
    }

    /** The params field {@code Mcp-Name} carries for {@code method}, or {@code null} when it has none. */
    static String nameField(String method) {
        switch (method) {
            case "tools/call":
            case "prompts/get":
                return "name";
            case "resources/read":
                return "uri";
            default:
                return null;
        }
    }
}
