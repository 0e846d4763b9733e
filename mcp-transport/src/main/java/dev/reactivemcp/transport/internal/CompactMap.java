package dev.reactivemcp.transport.internal;

import java.io.Serializable;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A small JSON object as decoded by {@link JsonCodec}: keys and values side by side in one array, in insertion
 * (document) order, looked up by a linear scan. It is what a {@link java.util.LinkedHashMap} of a few entries is to
 * its users (mutable, insertion-ordered, {@code null} values allowed, equal to and hashing like any other
 * {@link Map} with the same mappings, the same {@code toString}) at a fraction of its memory: no hash table, no
 * entry objects. The decoder builds one for objects of up to {@link #MAX_DECODED} members and a
 * {@code LinkedHashMap} for larger ones, where a scan would be slower than a hash lookup.
 */
final class CompactMap extends AbstractMap<String, Object> implements Serializable {

    private static final long serialVersionUID = 1L;
    /** The most members the decoder puts into a compact map. */
    static final int MAX_DECODED = 8;
    private static final Object[] EMPTY = new Object[0];

    /** key0, value0, key1, value1, ...; slots from {@code 2 * size} on are null. */
    private Object[] kv;
    private int size;
    /** Structural changes (put of a new key, remove, clear), for fail-fast iterators. */
    private transient int modCount;
    private transient Set<Map.Entry<String, Object>> entries;

    /** An empty map with room for {@code capacity} entries before it grows. */
    CompactMap(int capacity) {
        kv = capacity == 0 ? EMPTY : new Object[capacity * 2];
    }

    private int indexOf(Object key) {
        Object[] a = kv;
        for (int i = 0, n = size * 2; i < n; i += 2) {
            if (Objects.equals(a[i], key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean isEmpty() {
        return size == 0;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public boolean containsValue(Object value) {
        Object[] a = kv;
        for (int i = 1, n = size * 2; i < n; i += 2) {
            if (Objects.equals(a[i], value)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Object get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : kv[i + 1];
    }

    @Override
    public Object put(String key, Object value) {
        int i = indexOf(key);
        if (i >= 0) {
            Object old = kv[i + 1];
            kv[i + 1] = value;
            return old;
        }
        int at = size * 2;
        if (at == kv.length) {
            kv = Arrays.copyOf(kv, Math.max(8, kv.length * 2));
        }
        kv[at] = key;
        kv[at + 1] = value;
        size++;
        modCount++;
        return null;
    }

    @Override
    public Object remove(Object key) {
        int i = indexOf(key);
        if (i < 0) {
            return null;
        }
        Object old = kv[i + 1];
        removeAt(i);
        return old;
    }

    private void removeAt(int i) {
        int end = size * 2;
        System.arraycopy(kv, i + 2, kv, i, end - i - 2);
        kv[end - 2] = null;
        kv[end - 1] = null;
        size--;
        modCount++;
    }

    @Override
    public void clear() {
        Arrays.fill(kv, 0, size * 2, null);
        size = 0;
        modCount++;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void forEach(BiConsumer<? super String, ? super Object> action) {
        Objects.requireNonNull(action);
        int expected = modCount;
        Object[] a = kv;
        for (int i = 0, n = size * 2; i < n; i += 2) {
            action.accept((String) a[i], a[i + 1]);
        }
        if (modCount != expected) {
            throw new ConcurrentModificationException();
        }
    }

    @Override
    public Set<Map.Entry<String, Object>> entrySet() {
        Set<Map.Entry<String, Object>> es = entries;
        if (es == null) {
            es = new Entries();
            entries = es;
        }
        return es;
    }

    private final class Entries extends AbstractSet<Map.Entry<String, Object>> {
        @Override
        public int size() {
            return size;
        }

        @Override
        public void clear() {
            CompactMap.this.clear();
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
        private int expected = modCount;

        @Override
        public boolean hasNext() {
            return next < size * 2;
        }

        @Override
        public Map.Entry<String, Object> next() {
            if (modCount != expected) {
                throw new ConcurrentModificationException();
            }
            if (next >= size * 2) {
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
            if (modCount != expected) {
                throw new ConcurrentModificationException();
            }
            removeAt(last);
            next = last;
            last = -1;
            expected = modCount;
        }
    }

    /** A live entry: {@link #setValue} writes through while its key is still at that slot. */
    private final class Entry implements Map.Entry<String, Object> {
        private final int slot;
        private final String key;

        Entry(int slot) {
            this.slot = slot;
            this.key = (String) kv[slot];
        }

        @Override
        public String getKey() {
            return key;
        }

        @Override
        public Object getValue() {
            return slot < size * 2 && kv[slot] == key ? kv[slot + 1] : CompactMap.this.get(key);
        }

        @Override
        public Object setValue(Object value) {
            int i = slot < size * 2 && kv[slot] == key ? slot : indexOf(key);
            if (i < 0) {
                throw new IllegalStateException("the entry was removed");
            }
            Object old = kv[i + 1];
            kv[i + 1] = value;
            return old;
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
}
