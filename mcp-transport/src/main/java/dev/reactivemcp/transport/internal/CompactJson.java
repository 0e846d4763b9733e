package dev.reactivemcp.transport.internal;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * Compact immutable copies of parsed JSON that a client holds for its whole life (the server's capabilities,
 * server info and {@code _meta} of the handshake, the client's own capabilities and info). A parsed object is a
 * {@code LinkedHashMap} of about 200 bytes for two entries (map, table, an entry per key); the copy, a frozen
 * {@link ArrayMap}, keeps the keys and values in one array (about 48 bytes for two entries), in the same iteration
 * order, and keeps JSON nulls, which {@code Map.copyOf} and {@code List.copyOf} refuse. Objects of more than
 * {@link #LINEAR_MAX} entries are copied into an unmodifiable {@code LinkedHashMap} instead (a lookup scans the
 * array). Strings, numbers, booleans and nulls are immutable and shared, not copied; any other value is kept as it is.
 *
 * <pre>{@code
 * Map<String, Object> kept = CompactJson.object(parsed); // same entries, order, equals and hashCode; immutable
 * }</pre>
 */
public final class CompactJson {

    /** Objects up to this size are array-backed; a lookup compares at most this many keys. */
    static final int LINEAR_MAX = 16;

    /**
     * The one empty copy. Not {@code Map.of()}/{@code List.of()}: those throw on {@code containsKey(null)} and
     * {@code contains(null)}, where a decoded (LinkedHashMap, ArrayList) value answers false, and a copy keeps the
     * contract of what it copies.
     */
    private static final Map<String, Object> EMPTY = ArrayMap.frozen(new Object[0]);
    private static final List<Object> EMPTY_ARRAY = new Arr(new Object[0]);

    private CompactJson() {
    }

    /** A deep immutable copy of a JSON value (maps and lists copied, everything else as is). */
    public static Object copy(Object value) {
        if (value instanceof Map<?, ?> m) {
            return object(m);
        }
        if (value instanceof List<?> l) {
            return array(l);
        }
        return value;
    }

    /** A deep immutable copy of a JSON object in its iteration order; {@code null} stays {@code null}. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Map<?, ?> source) {
        if (source == null) {
            return null;
        }
        if (source instanceof ArrayMap.Frozen) {
            return (Map<String, Object>) source;
        }
        Object[] kv = source instanceof ArrayMap a ? Arrays.copyOf(a.slots(), a.size() * 2) : members(source);
        int n = kv.length;
        if (n == 0) {
            return EMPTY;
        }
        for (int i = 1; i < n; i += 2) {
            kv[i] = copy(kv[i]);
        }
        if (n / 2 > LINEAR_MAX) {
            Map<Object, Object> big = new LinkedHashMap<>(n, 1f);
            for (int j = 0; j < n; j += 2) {
                big.put(kv[j], kv[j + 1]);
            }
            return (Map<String, Object>) (Map<?, ?>) Collections.unmodifiableMap(big);
        }
        return ArrayMap.frozen(kv);
    }

    /** Keys and values of {@code source} side by side, in its iteration order, trimmed. */
    private static Object[] members(Map<?, ?> source) {
        Object[] kv = new Object[source.size() * 2];
        int i = 0;
        for (Map.Entry<?, ?> e : source.entrySet()) {
            if (i == kv.length) { // the source grew while copied: it was not handed over, but copy what is there
                kv = Arrays.copyOf(kv, kv.length * 2 + 2);
            }
            kv[i++] = e.getKey();
            kv[i++] = e.getValue();
        }
        return i == kv.length ? kv : Arrays.copyOf(kv, i);
    }

    /**
     * {@code map} itself when it is a compact copy (or {@code Map.of()}), else an unmodifiable view of it:
     * for public records that promise an unmodifiable map without paying a wrapper for one that already is.
     */
    public static Map<String, Object> readOnly(Map<String, Object> map) {
        return map instanceof ArrayMap.Frozen || map == Map.<String, Object>of() ? map : Collections.unmodifiableMap(map);
    }

    /** A deep immutable copy of a JSON array; {@code null} stays {@code null}. */
    public static List<Object> array(List<?> source) {
        if (source == null) {
            return null;
        }
        if (source instanceof Arr a) {
            return a;
        }
        Object[] items = source.toArray();
        if (items.length == 0) {
            return EMPTY_ARRAY;
        }
        for (int i = 0; i < items.length; i++) {
            items[i] = copy(items[i]);
        }
        return new Arr(items);
    }

    /** An array-backed JSON array; JSON nulls allowed. */
    private static final class Arr extends AbstractList<Object> implements RandomAccess {
        private final Object[] items;

        Arr(Object[] items) {
            this.items = items;
        }

        @Override
        public Object get(int index) {
            return items[index];
        }

        @Override
        public int size() {
            return items.length;
        }
    }
}
