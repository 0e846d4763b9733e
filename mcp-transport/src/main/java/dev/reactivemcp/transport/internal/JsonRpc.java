package dev.reactivemcp.transport.internal;

import dev.reactivemcp.transport.McpJsonRpcException;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON-RPC 2.0 message helpers. */
public final class JsonRpc {
    private JsonRpc() { }

    /** A request message. */
    public static Map<String, Object> request(Object id, String method, Map<String, Object> params) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jsonrpc", "2.0");
        m.put("id", id);
        m.put("method", method);
        if (params != null) {
            m.put("params", params);
        }
        return m;
    }

    /** A notification message. */
    public static Map<String, Object> notification(String method, Map<String, Object> params) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jsonrpc", "2.0");
        m.put("method", method);
        if (params != null) {
            m.put("params", params);
        }
        return m;
    }

    /** A success response. */
    public static Map<String, Object> result(Object id, Map<String, Object> result) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jsonrpc", "2.0");
        m.put("id", id);
        m.put("result", result);
        return m;
    }

    /** An error response. */
    public static Map<String, Object> error(Object id, int code, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jsonrpc", "2.0");
        m.put("id", id);
        m.put("error", new LinkedHashMap<>(Map.of("code", code, "message", message)));
        return m;
    }

    /** Whether two JSON-RPC ids are equal (numbers by value, strings exactly). */
    public static boolean sameId(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.longValue() == y.longValue() && x.doubleValue() == y.doubleValue();
        }
        return a != null && a.equals(b);
    }

    /** The error of a response message as an exception, or null when {@code parsed} is no error response. */
    public static McpJsonRpcException errorOf(Object parsed, int httpStatus) {
        Map<String, Object> msg = Json.asObject(parsed);
        Map<String, Object> error = Json.object(msg, "error");
        if (error == null || !(error.get("code") instanceof Number code)) {
            return null;
        }
        return new McpJsonRpcException(code.intValue(), Json.string(error, "message"), error.get("data"), httpStatus);
    }

    /** The result object of a response message, or fails with its error. */
    public static Map<String, Object> resultOrThrow(Map<String, Object> response) {
        McpJsonRpcException e = errorOf(response, 0);
        if (e != null) {
            throw e;
        }
        Object result = response.get("result");
        Map<String, Object> r = Json.asObject(result);
        if (r == null) {
            throw RpcChannel.protocolError("the response's result is not an object");
        }
        return r;
    }
}
