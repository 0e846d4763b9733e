package dev.reactivemcp.errors;

/** What mcp-transport's JSON-RPC error exception looks like. */
final class TestJsonRpcException extends McpException implements JsonRpcErrorPayload {

    private static final long serialVersionUID = 1L;
    private final int code;
    private final String errorMessage;
    private final transient Object data;

    TestJsonRpcException(int code, String errorMessage, Object data) {
        super("JSON-RPC error " + code, null);
        this.code = code;
        this.errorMessage = errorMessage;
        this.data = data;
    }

    @Override public int code() {
        return code;
    }

    @Override public String errorMessage() {
        return errorMessage;
    }

    @Override public Object data() {
        return data;
    }
}
