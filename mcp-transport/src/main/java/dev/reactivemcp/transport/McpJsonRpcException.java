package dev.reactivemcp.transport;

import dev.reactivemcp.errors.JsonRpcErrorPayload;
import dev.reactivemcp.errors.KnownSecrets;
import dev.reactivemcp.errors.McpException;

/**
 * The server answered a request with a JSON-RPC error object (JSON-RPC 2.0 section 5.1), in a 200 response or,
 * in the 2026-07-28 era, in a 4xx response body. The message is masked ({@link KnownSecrets#mask(String)}): a server
 * that echoes a token, secret or code the client knows does not get it into our text; {@link #data()} is kept as
 * sent.
 *
 * <pre>{@code
 * client.callTool("missing", Map.of())
 *     .onErrorResume(McpJsonRpcException.class, e -> e.code() == -32602 ? fallback() : Mono.error(e));
 * }</pre>
 */
public final class McpJsonRpcException extends McpException implements JsonRpcErrorPayload {

    private static final long serialVersionUID = 1L;

    /** The JSON-RPC error code. */
    private final int code;
    /** The JSON-RPC error message, as the server sent it. */
    private final String errorMessage;
    private final transient Object data;
    /** The HTTP status of the response that carried the error; 0 for a successful one. */
    private final int httpStatus;

    /**
     * Creates the exception; {@code httpStatus} is 0 when the error arrived in a successful response.
     *
     * @param code         the JSON-RPC error code, for example {@code -32602}
     * @param errorMessage the error message as sent, or {@code null} (empty); masked
     * @param data         the error's {@code data} member as plain Java values, or {@code null}; kept as sent
     * @param httpStatus   the HTTP status of the response that carried the error, or 0 for a 2xx response
     */
    public McpJsonRpcException(int code, String errorMessage, Object data, int httpStatus) {
        super("JSON-RPC error " + code + ": " + abbreviate(KnownSecrets.mask(errorMessage)), null);
        this.code = code;
        this.errorMessage = errorMessage == null ? "" : KnownSecrets.mask(errorMessage);
        this.data = data;
        this.httpStatus = httpStatus;
    }

    @Override
    public int code() {
        return code;
    }

    @Override
    public String errorMessage() {
        return errorMessage;
    }

    @Override
    public Object data() {
        return data;
    }

    /**
     * The HTTP status of the response that carried the error, 0 when it was a success status.
     *
     * @return the error status that carried it (a 4xx in the 2026-07-28 era), or 0
     */
    public int httpStatus() {
        return httpStatus;
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
