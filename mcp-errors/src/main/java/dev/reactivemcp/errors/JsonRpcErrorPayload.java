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

    /** The JSON-RPC error code, for example {@code -32602}. */
    int code();

    /** The error message as the peer sent it. */
    String errorMessage();

    /** The optional {@code data} member, or {@code null}. */
    Object data();
}
