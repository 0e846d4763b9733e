package dev.reactivemcp.transport.internal;

import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Compact immutable copies of parsed JSON that a client holds for its whole life (the server's capabilities,
 * server info and {@code _meta} of the handshake, the client's own capabilities and info). A parsed object is a
 * {@code LinkedHashMap} of about 200 bytes for two entries (map, table, an entry per key); the copy keeps the keys and
 * values in one array (about 48 bytes for two entries), in the same iteration order, and keeps JSON nulls, which
 * {@code Map.copyOf} and {@code List.copyOf} refuse. Objects of more than {@link #LINEAR_MAX} entries are copied into
 * an unmodifiable {@code LinkedHashMap} instead (a lookup scans the array). Strings, numbers, booleans and nulls are
 * immutable and shared, not copied; any other value is kept as it is.
 *
 * <pre>{@code
 * Map<String, Object> kept = CompactJson.object(parsed); // same entries, order, equals and hashCode; immutable
 * }</pre>
 */
public final class CompactJson {

    /** Objects up to this size are array-backed; a lookup compares at most this many keys. */
    static final int LINEAR_MAX = 16;

    private static final Map<String, Object> EMPTY = Map.of();

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
        if (source instanceof Obj) {
            return (Map<String, Object>) source;
        }
        Object[] kv = new Object[source.size() * 2];
        int i = 0;
        for (Map.Entry<?, ?> e : source.entrySet()) {
            if (i == kv.length) { // the source grew while copied: it was not handed over, but copy what is there
                kv = Arrays.copyOf(kv, kv.length * 2 + 2);
            }
            kv[i++] = e.getKey();
            kv[i++] = copy(e.getValue());
        }
        if (i == 0) {
            return Map.of();
        }
        if (i != kv.length) {
            kv = Arrays.copyOf(kv, i);
        }
        if (i / 2 > LINEAR_MAX) {
            Map<Object, Object> big = new LinkedHashMap<>(i, 1f);
            for (int j = 0; j < i; j += 2) {
                big.put(kv[j], kv[j + 1]);
            }
            return (Map<String, Object>) (Map<?, ?>) Collections.unmodifiableMap(big);
        }
        return new Obj(kv);
    }

    /**
     * {@code map} itself when it is a compact copy (or the empty {@code Map.of()}), else an unmodifiable view of it:
     * for public records that promise an unmodifiable map without paying a wrapper for one that already is.
     */
    public static Map<String, Object> readOnly(Map<String, Object> map) {
        return map instanceof Obj || map == EMPTY ? map : Collections.unmodifiableMap(map);
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
            return List.of();
        }
        for (int i = 0; i < items.length; i++) {
            items[i] = copy(items[i]);
        }
        return new Arr(items);
    }

    /** An array-backed JSON object: keys at even indexes, their values after them. */
    private static final class Obj extends AbstractMap<String, Object> {
        private final Object[] kv;

        Obj(Object[] kv) {
            this.kv = kv;
        }

        private int indexOf(Object key) {
            for (int i = 0; i < kv.length; i += 2) {
                if (Objects.equals(kv[i], key)) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public int size() {
            return kv.length / 2;
        }

        @Override
        public boolean isEmpty() {
            return false;
        }

        @Override
        public Object get(Object key) {
            int i = indexOf(key);
            return i < 0 ? null : kv[i + 1];
        }

        @Override
        public Object getOrDefault(Object key, Object defaultValue) {
            int i = indexOf(key);
            return i < 0 ? defaultValue : kv[i + 1];
        }

        @Override
        public boolean containsKey(Object key) {
            return indexOf(key) >= 0;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void forEach(BiConsumer<? super String, ? super Object> action) {
            for (int i = 0; i < kv.length; i += 2) {
                action.accept((String) kv[i], kv[i + 1]);
            }
        }

        @Override
        public Set<Map.Entry<String, Object>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Map.Entry<String, Object>> iterator() {
                    return new Iterator<>() {
                        private int next;

                        @Override
                        public boolean hasNext() {
                            return next < kv.length;
                        }

                        @Override
                        public Map.Entry<String, Object> next() {
                            if (next >= kv.length) {
                                throw new NoSuchElementException();
                            }
                            Map.Entry<String, Object> e = new SimpleImmutableEntry<>((String) kv[next], kv[next + 1]);
                            next += 2;
                            return e;
                        }
                    };
                }

                @Override
                public int size() {
                    return kv.length / 2;
                }
            };
        }

        @Override
        public Object put(String key, Object value) {
            throw immutable();
        }

        @Override
        public Object remove(Object key) {
            throw immutable();
        }

        @Override
        public void putAll(Map<? extends String, ?> m) {
            throw immutable();
        }

        @Override
        public void clear() {
            throw immutable();
        }

        @Override
        public Object putIfAbsent(String key, Object value) {
            throw immutable();
        }

        @Override
        public boolean remove(Object key, Object value) {
            throw immutable();
        }

        @Override
        public boolean replace(String key, Object oldValue, Object newValue) {
            throw immutable();
        }

        @Override
        public Object replace(String key, Object value) {
            throw immutable();
        }

        @Override
        public void replaceAll(BiFunction<? super String, ? super Object, ?> function) {
            throw immutable();
        }

        @Override
        public Object computeIfAbsent(String key, Function<? super String, ?> mappingFunction) {
            throw immutable();
        }

        @Override
        public Object computeIfPresent(String key, BiFunction<? super String, ? super Object, ?> remapping) {
            throw immutable();
        }

        @Override
        public Object compute(String key, BiFunction<? super String, ? super Object, ?> remapping) {
            throw immutable();
        }

        @Override
        public Object merge(String key, Object value, BiFunction<? super Object, ? super Object, ?> remapping) {
            throw immutable();
        }
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

    private static UnsupportedOperationException immutable() {
        return new UnsupportedOperationException("an immutable JSON value");
    }
}
