package dev.reactivemcp.transport.internal.headers;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code Mcp-Param-{Name}} headers for one {@code tools/call} (2026-07-28 Streamable HTTP, Custom Headers from Tool
 * Parameters): each binding's argument, read at its exact {@code properties} path, converted and then encoded by
 * {@link HeaderValueEncoder#encode}.
 *
 * <p>A header is omitted when the value is absent or {@code null} (spec: MUST omit), and also when the value does
 * not fit the binding's declared type: a non-string for {@code string}, a non-boolean for {@code boolean}, and for
 * {@code integer} anything but an integral number within ±(2<sup>53</sup>−1) (the spec's range; a double or decimal
 * with a zero fraction counts). Such a call is invalid against the tool's schema; a server will reject it.
 */
public final class ParamHeaders {

    /** 2<sup>53</sup>−1, the largest integer a JSON number keeps exactly in IEEE 754 double. */
    public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

    private static final BigInteger MAX_SAFE_BIG_INTEGER = BigInteger.valueOf(MAX_SAFE_INTEGER);
    private static final BigDecimal MAX_SAFE_DECIMAL = BigDecimal.valueOf(MAX_SAFE_INTEGER);

    private ParamHeaders() {
    }

    /** The headers in binding order; {@code arguments} may be {@code null} (no headers). */
    public static Map<String, String> paramHeaders(List<Binding> bindings, Map<String, Object> arguments) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Binding binding : bindings) {
            String text = render(binding.type(), valueAt(arguments, binding.path()));
            if (text != null) {
                headers.put(binding.fieldName(), HeaderValueEncoder.encode(text));
            }
        }
        return Collections.unmodifiableMap(headers);
    }

    /** The value at {@code path} (object keys) under {@code root}, or null when any step is missing. */
    static Object valueAt(Object root, List<String> path) {
        Object node = root;
        for (String key : path) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(key);
        }
        return node;
    }

    /** The header text before encoding, or {@code null} to omit the header. */
    static String render(Binding.Type type, Object value) {
        if (value == null) {
            return null;
        }
        switch (type) {
            case STRING:
                return value instanceof String s ? s : null;
            case BOOLEAN:
                return value instanceof Boolean b ? b.toString() : null;
            case INTEGER:
                return safeInteger(value);
            default:
                return null;
        }
    }

    private static String safeInteger(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            long n = ((Number) value).longValue();
            return n >= -MAX_SAFE_INTEGER && n <= MAX_SAFE_INTEGER ? Long.toString(n) : null;
        }
        if (value instanceof BigInteger n) {
            return n.abs().compareTo(MAX_SAFE_BIG_INTEGER) <= 0 ? n.toString() : null;
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            boolean integral = !Double.isInfinite(d) && d == Math.rint(d);
            return integral && Math.abs(d) <= MAX_SAFE_INTEGER ? Long.toString((long) d) : null;
        }
        if (value instanceof BigDecimal d) {
            // Compare first: a huge exponent must not reach stripTrailingZeros or a BigInteger conversion.
            if (d.abs().compareTo(MAX_SAFE_DECIMAL) > 0) {
                return null;
            }
            return d.signum() == 0 || d.stripTrailingZeros().scale() <= 0 ? Long.toString(d.longValue()) : null;
        }
        return null;
    }
}
