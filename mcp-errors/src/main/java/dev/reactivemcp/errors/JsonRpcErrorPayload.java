package dev.reactivemcp.errors;

/**
 * A JSON-RPC error object (JSON-RPC 2.0 section 5.1) carried by an exception: code, message and optional data.
 * {@code data} is free-form JSON: {@code Map<String, Object>}, {@code List<Object>}, a string, a number,
 * a boolean, or {@code null}. Code {@code -32022} ({@code UnsupportedProtocolVersion}, MCP 2026-07-28) with data
 * {@code {supported: [...], requested: "..."}} is classified as {@link McpFailure.ProtocolVersionUnsupported}.
 *
 * <pre>{@code
 * final class McpJsonRpcException extends McpException implements JsonRpcErrorPayload {
 *     public int code() { return error.code(); }
 *     public String errorMessage() { return error.message(); }
 *     public Object data() { return error.data(); }   // Map<String, Object>, List<Object>, String, ...
 * }
 * }</pre>
 */
public interface JsonRpcErrorPayload {

    /**
     * The JSON-RPC error code, for example {@code -32602}.
     *
     * @return the {@code code} member of the error object
     */
    int code();

    /**
     * The error message as the peer sent it.
     *
     * @return the {@code message} member (not redacted, may be {@code null}); the classifier redacts it
     */
    String errorMessage();

    /**
     * The optional {@code data} member, or {@code null}.
     *
     * @return the data as plain Java values ({@code Map<String, Object>}, {@code List<Object>}, {@code String},
     *         {@code Number}, {@code Boolean}), or {@code null} when absent
     */
    Object data();
}
