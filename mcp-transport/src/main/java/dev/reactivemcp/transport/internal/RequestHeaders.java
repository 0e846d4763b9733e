package dev.reactivemcp.transport.internal;

import dev.reactivemcp.transport.Headers;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/** Per-call headers carried in the Reactor context of a call (see {@code McpClient.requestHeaders}). */
public final class RequestHeaders {

    private static final Object KEY = new Object() {
        @Override
        public String toString() {
            return "reactive-mcp.requestHeaders";
        }
    };

    private RequestHeaders() { }

    /** A context holding {@code headers}. */
    public static ContextView of(Headers headers) {
        return Context.of(KEY, headers);
    }

    /** The per-call headers in {@code ctx}, or none. */
    public static Headers from(ContextView ctx) {
        return ctx.getOrDefault(KEY, Headers.empty());
    }
}
