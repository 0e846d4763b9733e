package dev.reactivemcp.transport.internal;

import dev.reactivemcp.errors.Delivery;
import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.transport.McpHttpException;
import dev.reactivemcp.transport.McpTransportException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place that decides whether a request may run twice without harm, for {@code McpFailures.isSafeToRetry}:
 * by protocol (methods that only read, or set state to a given value), or for {@code tools/call} by the tool's own
 * annotations in the last {@code tools/list} this client read ({@code readOnlyHint} or {@code idempotentHint} true;
 * MCP 2025-06-18 server/tools, "Tool annotations"). A tool not listed yet, or listed before a
 * {@code notifications/tools/list_changed}, is not idempotent. One per client: annotations are per server.
 */
final class Idempotence {

    /** Methods a server can run twice with the same effect as once. */
    static final Set<String> BY_PROTOCOL = Set.of("ping", "initialize", "server/discover", "tools/list",
            "prompts/list", "resources/list", "resources/templates/list", "resources/read", "prompts/get",
            "completion/complete", "logging/setLevel", "resources/subscribe", "resources/unsubscribe");
    /** Bounds the remembered tools: a server listing more is not believed beyond this. */
    static final int MAX_TOOLS = 10_000;

    private static final VarHandle TOOLS = LazyInit.handle(MethodHandles.lookup(), "tools", Map.class);

    /** Created when a {@code tools/list} result is first read (issue 16: no empty map per idle client). */
    private volatile Map<String, Boolean> tools;

    /** Whether a request of {@code method} with {@code params} (nullable) is idempotent. */
    public boolean test(String method, Object params) {
        if (method == null) {
            return false;
        }
        if (BY_PROTOCOL.contains(method)) {
            return true;
        }
        Map<String, Boolean> known = tools;
        if (known != null && "tools/call".equals(method) && params instanceof Map<?, ?> p
                && p.get("name") instanceof String name) {
            return known.getOrDefault(name, Boolean.FALSE);
        }
        return false;
    }

    /** Remembers the annotations of the tools in a {@code tools/list} result (one page). */
    void learn(Map<String, Object> result) {
        if (!(result.get("tools") instanceof List<?> listed)) {
            return;
        }
        Map<String, Boolean> known = LazyInit.get(TOOLS, this, ConcurrentHashMap::new);
        for (Object entry : listed) {
            if (entry instanceof Map<?, ?> tool && tool.get("name") instanceof String name
                    && (known.size() < MAX_TOOLS || known.containsKey(name))) {
                known.put(name, safeToRepeat(tool.get("annotations")));
            }
        }
    }

    /** Forgets every tool: the server said its list changed ({@code notifications/tools/list_changed}). */
    void forget() {
        Map<String, Boolean> known = tools;
        if (known != null) {
            known.clear();
        }
    }

    private static boolean safeToRepeat(Object annotations) {
        return annotations instanceof Map<?, ?> a
                && (Boolean.TRUE.equals(a.get("readOnlyHint")) || Boolean.TRUE.equals(a.get("idempotentHint")));
    }

    /**
     * {@code error} carrying the fact that its request is idempotent: a connection failure, timeout or HTTP 5xx of
     * the transport is rebuilt with the flag set (same message, cause, stack trace); anything else is returned as is.
     */
    static Throwable markIdempotent(Throwable error) {
        if (error instanceof McpHttpException http) {
            return http.requestIdempotent() ? http : http.asIdempotent();
        }
        if (!(error instanceof McpTransportException t)) {
            return error;
        }
        McpFailure f = t.failure();
        McpFailure marked = null;
        if (f instanceof McpFailure.ConnectionFailure c && !c.idempotent()) {
            marked = new McpFailure.ConnectionFailure(c.kind(), c.detail(), c.delivery(), true);
        } else if (f instanceof McpFailure.Timeout to && !to.idempotent()) {
            marked = new McpFailure.Timeout(to.limit(), to.delivery(), true);
        }
        return marked == null ? error : copy(t, marked);
    }

    /** A failure of a request whose response stream ended before the response: it was sent, never answered. */
    static McpFailure streamEnded(String detail) {
        return new McpFailure.ConnectionFailure(McpFailure.ConnectionFailure.Kind.OTHER, detail,
                Delivery.SENT_NO_ANSWER, false);
    }

    private static McpException copy(McpTransportException original, McpFailure failure) {
        McpTransportException copy = new McpTransportException(failure, original.getMessage(), original.getCause());
        copy.setStackTrace(original.getStackTrace());
        for (Throwable s : original.getSuppressed()) {
            copy.addSuppressed(s);
        }
        return copy;
    }
}
