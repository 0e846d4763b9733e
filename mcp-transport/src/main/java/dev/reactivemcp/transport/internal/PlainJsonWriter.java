package dev.reactivemcp.transport.internal;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import tools.jackson.core.SerializableString;
import tools.jackson.databind.util.RawValue;

/**
 * Writes the common free-form values (maps with string keys, lists, strings, whole numbers, finite doubles,
 * booleans, null, and {@link JsonCodec#encodeOnce} values) as the JSON bytes Jackson writes for them, into one array
 * of the exact size: a first pass counts, a second writes. No generator, context or intermediate buffer per
 * document, and no shared or thread-local state. Anything else (a record, a float, a string with surrogates, NaN)
 * makes {@link #write} answer {@code null}, and the caller writes the document with Jackson.
 */
final class PlainJsonWriter implements java.util.function.BiConsumer<Object, Object> {

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] HEX_LOWER = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};
    private static final byte[] JSONRPC = "{\"jsonrpc\":\"2.0\",\"id\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] METHOD = ",\"method\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] PARAMS = ",\"params\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** How the codec's Jackson escapes: {@code /} as {@code \/}, and hex digits of {@code \}{@code u00XX} in upper case. */
    record Style(boolean escapeSlash, boolean upperHex) { }

    private final Style style;
    /** Null while counting. */
    private byte[] out;
    private int pos;
    /** No member of an object written so far in the current object. */
    private boolean first;
    /** False once {@link #accept} met a member it cannot write. */
    private boolean ok = true;

    private PlainJsonWriter(Style style) {
        this.style = style;
    }

    /** {@code value} as JSON, or null when it holds something this writer leaves to Jackson. */
    static byte[] write(Object value, Style style) {
        PlainJsonWriter w = new PlainJsonWriter(style);
        if (!w.value(value)) {
            return null;
        }
        return w.second(value, null, null, false);
    }

    /**
     * The request {@code {"jsonrpc":"2.0","id":id,"method":method,"params":params}} (no params when null), or null
     * when a part holds something this writer leaves to Jackson.
     */
    static byte[] writeRequest(Object id, String method, Object params, Style style) {
        PlainJsonWriter w = new PlainJsonWriter(style);
        if (!w.request(id, method, params)) {
            return null;
        }
        return w.second(id, method, params, true);
    }

    /**
     * The writing pass into an array of the counted size; null when it does not fit or write the same (a map or list
     * changed by another thread meanwhile), and the caller falls back to Jackson.
     */
    private byte[] second(Object value, String method, Object params, boolean request) {
        int counted = pos;
        out = new byte[counted];
        pos = 0;
        try {
            boolean written = request ? request(value, method, params) : value(value);
            return written && pos == counted ? out : null;
        } catch (ArrayIndexOutOfBoundsException | java.util.ConcurrentModificationException e) {
            return null;
        }
    }

    private boolean request(Object id, String method, Object params) {
        raw(JSONRPC);
        if (!value(id)) {
            return false;
        }
        raw(METHOD);
        if (!value(method)) {
            return false;
        }
        if (params != null) {
            raw(PARAMS);
            if (!value(params)) {
                return false;
            }
        }
        put('}');
        return true;
    }

    private void put(int b) {
        if (out != null) {
            out[pos] = (byte) b;
        }
        pos++;
    }

    private void raw(byte[] bytes) {
        if (out != null) {
            System.arraycopy(bytes, 0, out, pos, bytes.length);
        }
        pos += bytes.length;
    }

    private boolean value(Object v) {
        if (v == null) {
            raw(NULL);
        } else if (v instanceof String s) {
            return string(s);
        } else if (v instanceof Map<?, ?> m) {
            return object(m);
        } else if (v instanceof List<?> l) {
            return array(l);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            long n = ((Number) v).longValue();
            if (n == Long.MIN_VALUE) {
                return false;
            }
            digits(n);
        } else if (v instanceof Boolean b) {
            raw(b ? TRUE : FALSE);
        } else if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                return false;
            }
            ascii(Double.toString(d));
        } else if (v instanceof BigInteger b) {
            ascii(b.toString());
        } else if (v instanceof RawValue r && r.rawValue() instanceof SerializableString s) {
            raw(s.asUnquotedUTF8());
        } else {
            return false;
        }
        return true;
    }

    private boolean object(Map<?, ?> m) {
        put('{');
        boolean outerFirst = first;
        first = true;
        m.forEach(this); // no iterator or entries for the maps that implement forEach themselves
        first = outerFirst;
        if (!ok) {
            return false;
        }
        put('}');
        return true;
    }

    /** One member of the object being written; a member this writer cannot write clears {@link #ok}. */
    @Override
    public void accept(Object key, Object value) {
        if (!ok) {
            return;
        }
        if (!(key instanceof String k)) {
            ok = false;
            return;
        }
        if (!first) {
            put(',');
        }
        first = false;
        if (!string(k)) {
            ok = false;
            return;
        }
        put(':');
        if (!value(value)) {
            ok = false;
        }
    }

    private boolean array(List<?> l) {
        put('[');
        for (int i = 0, n = l.size(); i < n; i++) {
            if (i > 0) {
                put(',');
            }
            if (!value(l.get(i))) {
                return false;
            }
        }
        put(']');
        return true;
    }

    private void ascii(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            put(s.charAt(i));
        }
    }

    private void digits(long n) {
        if (n < 0) {
            put('-');
            n = -n;
        }
        long scale = 1;
        while (scale <= n / 10) {
            scale *= 10;
        }
        for (; scale > 0; scale /= 10) {
            put('0' + (int) (n / scale % 10));
        }
    }

    private boolean string(String s) {
        put('"');
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c == '"' || c == '\\') {
                    put('\\');
                    put(c);
                } else if (c < 0x20) {
                    escapeControl(c);
                } else if (c == '/' && style.escapeSlash()) {
                    put('\\');
                    put('/');
                } else {
                    put(c);
                }
            } else if (c < 0x800) {
                put(0xC0 | (c >> 6));
                put(0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                return false;
            } else {
                put(0xE0 | (c >> 12));
                put(0x80 | ((c >> 6) & 0x3F));
                put(0x80 | (c & 0x3F));
            }
        }
        put('"');
        return true;
    }

    private void escapeControl(char c) {
        put('\\');
        switch (c) {
            case '\b' -> put('b');
            case '\t' -> put('t');
            case '\n' -> put('n');
            case '\f' -> put('f');
            case '\r' -> put('r');
            default -> {
                byte[] hex = style.upperHex() ? HEX : HEX_LOWER;
                put('u');
                put('0');
                put('0');
                put(hex[c >> 4]);
                put(hex[c & 0xF]);
            }
        }
    }
}
