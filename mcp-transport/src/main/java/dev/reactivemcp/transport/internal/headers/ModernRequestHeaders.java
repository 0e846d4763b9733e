package dev.reactivemcp.transport.internal.headers;

import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.internal.LazyInit;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The protocol headers of one 2026-07-28 request: {@code MCP-Protocol-Version}, the {@link StandardHeaders} and, for
 * a {@code tools/call}, the {@link ParamHeaders} of the called tool's {@code x-mcp-header} bindings. The same names,
 * values, encodings and order as those classes give, with what is fixed worked out once: per listed tool a plan
 * (its encoded {@code Mcp-Name}, its bindings' header names, types and paths) made when {@code tools/list} is read,
 * and per protocol version the headers that do not depend on the arguments. A {@code tools/call} of a tool without
 * bindings, or of a method without {@code Mcp-Name}, then costs no allocation at all. Thread-safe.
 */
public final class ModernRequestHeaders {

    /** The version header of every 2026-07-28 request. */
    public static final String PROTOCOL_VERSION = "MCP-Protocol-Version";

    private static final String TOOLS_CALL = "tools/call";
    private static final String DISCOVER = "server/discover";
    /** Bound on the per-method cache: methods come from code, but a generic request API lets any name through. */
    private static final int MAX_CACHED_METHODS = 64;

    private static final VarHandle TOOLS = LazyInit.handle(MethodHandles.lookup(), "tools", Map.class);

    /** The plans of listed tools, created by the first {@link #addTools} (issue 16: nothing per idle client). */
    private volatile Map<String, ToolPlan> tools;
    /** Null until the first request of a method without {@code Mcp-Name}. */
    private volatile ByMethod byMethod;

    /** Headers of methods without {@code Mcp-Name}, for one version. */
    private record ByMethod(String version, Map<String, Headers> headers) { }

    /** Adds (or replaces) the plans of listed tools; {@code bindingsByTool} as {@link ToolListFilter.Result} has it. */
    public void addTools(Map<String, List<Binding>> bindingsByTool) {
        if (bindingsByTool.isEmpty()) {
            return;
        }
        Map<String, ToolPlan> plans = LazyInit.get(TOOLS, this, ConcurrentHashMap::new);
        for (Map.Entry<String, List<Binding>> e : bindingsByTool.entrySet()) {
            plans.put(e.getKey(), new ToolPlan(e.getKey(), e.getValue()));
        }
    }

    /**
     * The protocol headers of a {@code method} request at {@code version} with these {@code params} (nullable).
     *
     * @throws IllegalArgumentException when {@code method} cannot be carried in {@code Mcp-Method}
     *                                  (as {@link StandardHeaders#standardHeaders})
     */
    public Headers headers(String version, String method, Map<String, Object> params) {
        if (TOOLS_CALL.equals(method)) {
            Map<String, ToolPlan> plans = tools;
            if (plans != null && params != null && params.get("name") instanceof String name) {
                ToolPlan plan = plans.get(name);
                if (plan != null) {
                    return plan.headers(version, params.get("arguments"));
                }
            }
            return uncached(version, method, params);
        }
        if (StandardHeaders.nameField(method) != null || DISCOVER.equals(method)) {
            return uncached(version, method, params); // server/discover: once per connect, not held by idle clients
        }
        ByMethod cached = byMethod;
        if (cached == null || !version.equals(cached.version())) {
            cached = new ByMethod(version, new ConcurrentHashMap<>());
            byMethod = cached;
        }
        Headers h = cached.headers().get(method);
        if (h == null) {
            h = uncached(version, method, params);
            if (cached.headers().size() < MAX_CACHED_METHODS) {
                cached.headers().put(method, h);
            }
        }
        return h;
    }

    /** Everything worked out for this request alone. */
    private Headers uncached(String version, String method, Map<String, Object> params) {
        Headers.Builder h = Headers.builder().set(PROTOCOL_VERSION, version);
        for (Map.Entry<String, String> e : StandardHeaders.standardHeaders(method, params).entrySet()) {
            h.set(e.getKey(), e.getValue());
        }
        Map<String, ToolPlan> plans = tools;
        if (TOOLS_CALL.equals(method) && params != null && plans != null) {
            ToolPlan plan = plans.get(String.valueOf(params.get("name")));
            if (plan != null && params.get("arguments") instanceof Map<?, ?> args) {
                plan.addParamHeaders(h, args);
            }
        }
        return h.build();
    }

    /** What a {@code tools/call} of one listed tool needs, fixed when the tool was listed. */
    private static final class ToolPlan {
        private final String encodedName;
        private final String[] fieldNames;
        private final Binding.Type[] types;
        private final List<List<String>> paths;
        private volatile Fixed fixed;
        private volatile Last last;

        /** The headers of a call at one version without the {@code Mcp-Param-*} ones. */
        private record Fixed(String version, Headers headers) { }

        /** The bound argument values of the last call with arguments, and its headers. */
        private record Last(Fixed fixed, Object[] values, Headers headers) { }

        ToolPlan(String name, List<Binding> bindings) {
            this.encodedName = HeaderValueEncoder.encode(name);
            int n = bindings.size();
            this.fieldNames = new String[n];
            this.types = new Binding.Type[n];
            List<List<String>> p = new java.util.ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Binding b = bindings.get(i);
                fieldNames[i] = b.fieldName();
                types[i] = b.type();
                p.add(b.path());
            }
            this.paths = List.copyOf(p);
        }

        Headers headers(String version, Object arguments) {
            Fixed f = fixed;
            if (f == null || !version.equals(f.version())) {
                f = new Fixed(version, Headers.builder().set(PROTOCOL_VERSION, version)
                        .set(StandardHeaders.MCP_METHOD, TOOLS_CALL)
                        .set(StandardHeaders.MCP_NAME, encodedName)
                        .build());
                fixed = f;
            }
            if (fieldNames.length == 0 || !(arguments instanceof Map<?, ?> args)) {
                return f.headers();
            }
            Last previous = last;
            if (previous != null && previous.fixed() == f && sameValues(previous.values(), args)) {
                return previous.headers();
            }
            Object[] values = new Object[fieldNames.length];
            Headers.Builder h = null;
            for (int i = 0; i < fieldNames.length; i++) {
                values[i] = ParamHeaders.valueAt(args, paths.get(i));
                String text = ParamHeaders.render(types[i], values[i]);
                if (text != null) {
                    if (h == null) {
                        h = f.headers().toBuilder();
                    }
                    h.set(fieldNames[i], HeaderValueEncoder.encode(text));
                }
            }
            Headers headers = h == null ? f.headers() : h.build();
            last = new Last(f, values, headers);
            return headers;
        }

        /** Whether every bound value of {@code args} renders as in {@code values}: repeated values are common. */
        private boolean sameValues(Object[] values, Map<?, ?> args) {
            for (int i = 0; i < values.length; i++) {
                if (!sameValue(values[i], ParamHeaders.valueAt(args, paths.get(i)))) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Equal immutable JSON scalars of one class, or the same instance: anything else (a map, a list) renders
         * as no header whatever it holds, so its identity is enough.
         */
        private static boolean sameValue(Object a, Object b) {
            if (a == b) {
                return true;
            }
            if (a == null || b == null || a.getClass() != b.getClass()) {
                return false;
            }
            return (a instanceof String || a instanceof Boolean || a instanceof Integer || a instanceof Long
                    || a instanceof Double || a instanceof BigDecimal || a instanceof BigInteger
                    || a instanceof Short || a instanceof Byte || a instanceof Float) && a.equals(b);
        }

        void addParamHeaders(Headers.Builder h, Map<?, ?> args) {
            for (int i = 0; i < fieldNames.length; i++) {
                String text = ParamHeaders.render(types[i], ParamHeaders.valueAt(args, paths.get(i)));
                if (text != null) {
                    h.set(fieldNames[i], HeaderValueEncoder.encode(text));
                }
            }
        }
    }
}
