package dev.reactivemcp.errors;

/**
 * A JSON-RPC error object (JSON-RPC 2.0 section 5.1) carried by an exception: code, message and optional data.
 * {@code data} is free-form JSON: {@code Map<String, Object>}, {@code List<Object>}, a string, a number,
 * a boolean, or {@code null}.
 */
public interface JsonRpcErrorPayload {

    /** The JSON-RPC error code, for example {@code -32602}. */
    int code();

    /** The error message as the peer sent it. */
    String errorMessage();

    /** The optional {@code data} member, or {@code null}. */
    Object data();
}
