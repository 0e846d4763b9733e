package dev.reactivemcp.transport.internal;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A JSON object's members in one array, keys and values side by side in insertion (document) order, looked up by a
 * linear scan: what a {@link java.util.LinkedHashMap} of a few entries is to its users ({@code null} values allowed,
 * equal to and hashing like any other {@link Map} with the same mappings, the same {@code toString}) without a hash
 * table or an entry object per key. The lookup, iteration, entry and equality code of two kinds:
 * <ul>
 *   <li>{@link CompactMap}: mutable, what the decoder builds;</li>
 *   <li>{@link Frozen}: immutable, its array trimmed to its entries, what {@link CompactJson} keeps for a client's
 *   life. It holds the array only (no size, modification count or cached entry set): 24 bytes besides it.</li>
 * </ul>
 * The array is reached through {@link #slots()} rather than a field here, so that the frozen kind keeps it in a
 * final field (safe to share between threads however it is published).
 */
abstract sealed class ArrayMap extends AbstractMap<String, Object> permits CompactMap, ArrayMap.Frozen {

    /** key0, value0, key1, value1, ...; slots from {@code 2 * size()} on are null. */
    abstract Object[] slots();

    @Override
    public abstract int size();

    /** Structural changes so far (put of a new key, remove, clear), for fail-fast iteration; none when frozen. */
    int modCount() {
        return 0;
    }

    /** Removes the entry whose key is at {@code slot}. */
    abstract void removeAt(int slot);

    /** Replaces the value of the entry whose key is at {@code slot}, returning the old one. */
    abstract Object setAt(int slot, Object value);

    /** A frozen copy of {@code kv} (key, value, ...; no trailing null slots), which it takes over. */
    static Map<String, Object> frozen(Object[] kv) {
        return new Frozen(kv);
    }

    final int indexOf(Object key) {
        Object[] a = slots();
        for (int i = 0, n = size() * 2; i < n; i += 2) {
            if (Objects.equals(a[i], key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public boolean containsValue(Object value) {
        Object[] a = slots();
        for (int i = 1, n = size() * 2; i < n; i += 2) {
            if (Objects.equals(a[i], value)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Object get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : slots()[i + 1];
    }

    @Override
    public Object getOrDefault(Object key, Object defaultValue) {
        int i = indexOf(key);
        return i < 0 ? defaultValue : slots()[i + 1];
    }

    @Override
    @SuppressWarnings("unchecked")
    public void forEach(BiConsumer<? super String, ? super Object> action) {
        Objects.requireNonNull(action);
        int expected = modCount();
        Object[] a = slots();
        for (int i = 0, n = size() * 2; i < n; i += 2) {
            action.accept((String) a[i], a[i + 1]);
        }
        if (modCount() != expected) {
            throw new ConcurrentModificationException();
        }
    }

    /** As {@link Map#equals}, without an entry object per member. */
    @Override
    public boolean equals(Object o) {
        if (o == this) {
            return true;
        }
        if (!(o instanceof Map<?, ?> m) || m.size() != size()) {
            return false;
        }
        Object[] a = slots();
        try {
            for (int i = 0, n = size() * 2; i < n; i += 2) {
                Object value = a[i + 1];
                if (value == null ? m.get(a[i]) != null || !m.containsKey(a[i]) : !value.equals(m.get(a[i]))) {
                    return false;
                }
            }
        } catch (ClassCastException | NullPointerException unused) { // a map refusing the key, as AbstractMap does
            return false;
        }
        return true;
    }

    /** As {@link Map#hashCode}, without an entry object per member. */
    @Override
    public int hashCode() {
        Object[] a = slots();
        int h = 0;
        for (int i = 0, n = size() * 2; i < n; i += 2) {
            h += Objects.hashCode(a[i]) ^ Objects.hashCode(a[i + 1]);
        }
        return h;
    }

    /** A new view; the mutable kind keeps one. */
    @Override
    public Set<Map.Entry<String, Object>> entrySet() {
        return new Entries();
    }

    /** The entry set view: iteration in order, removal through the map. */
    final class Entries extends AbstractSet<Map.Entry<String, Object>> {
        @Override
        public int size() {
            return ArrayMap.this.size();
        }

        @Override
        public void clear() {
            ArrayMap.this.clear();
        }

        @Override
        public Iterator<Map.Entry<String, Object>> iterator() {
            return new EntryIterator();
        }
    }

    private final class EntryIterator implements Iterator<Map.Entry<String, Object>> {
        /** Slot of the next entry's key. */
        private int next;
        /** Slot of the last returned entry's key, -1 when none or removed. */
        private int last = -1;
        private int expected = modCount();

        @Override
        public boolean hasNext() {
            return next < size() * 2;
        }

        @Override
        public Map.Entry<String, Object> next() {
            if (modCount() != expected) {
                throw new ConcurrentModificationException();
            }
            if (next >= size() * 2) {
                throw new NoSuchElementException();
            }
            last = next;
            next += 2;
            return new Entry(last);
        }

        @Override
        public void remove() {
            if (last < 0) {
                throw new IllegalStateException();
            }
            if (modCount() != expected) {
                throw new ConcurrentModificationException();
            }
            removeAt(last);
            next = last;
            last = -1;
            expected = modCount();
        }
    }

    /** A live entry: {@link #setValue} writes through while its key is still at that slot. */
    private final class Entry implements Map.Entry<String, Object> {
        private final int slot;
        private final String key;

        Entry(int slot) {
            this.slot = slot;
            this.key = (String) slots()[slot];
        }

        private int slotNow() {
            return slot < size() * 2 && slots()[slot] == key ? slot : indexOf(key);
        }

        @Override
        public String getKey() {
            return key;
        }

        @Override
        public Object getValue() {
            int i = slotNow();
            return i < 0 ? null : slots()[i + 1];
        }

        @Override
        public Object setValue(Object value) {
            int i = slotNow();
            if (i < 0) {
                throw new IllegalStateException("the entry was removed");
            }
            return setAt(i, value);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Map.Entry<?, ?> e && Objects.equals(key, e.getKey())
                    && Objects.equals(getValue(), e.getValue());
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(key) ^ Objects.hashCode(getValue());
        }

        @Override
        public String toString() {
            return key + "=" + getValue();
        }
    }

    /** The immutable kind: every mutator throws {@link UnsupportedOperationException}, a no-op one too. */
    static final class Frozen extends ArrayMap {
        private final Object[] kv;

        private Frozen(Object[] kv) {
            this.kv = kv;
        }

        @Override
        Object[] slots() {
            return kv;
        }

        @Override
        public int size() {
            return kv.length >> 1;
        }

        @Override
        void removeAt(int slot) {
            throw immutable();
        }

        @Override
        Object setAt(int slot, Object value) {
            throw immutable();
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

        private static UnsupportedOperationException immutable() {
            return new UnsupportedOperationException("an immutable JSON value");
        }
    }
}
