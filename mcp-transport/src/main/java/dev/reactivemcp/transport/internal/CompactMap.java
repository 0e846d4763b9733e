package dev.reactivemcp.transport.internal;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * A small JSON object as decoded by {@link JsonCodec}: the mutable {@link ArrayMap}, with room to grow. It is what a
 * {@link java.util.LinkedHashMap} of a few entries is to its users (mutable, insertion-ordered, {@code null} values
 * allowed, fail-fast iterators) at a fraction of its memory. The decoder builds one for objects of up to
 * {@link #MAX_DECODED} members and a {@code LinkedHashMap} for larger ones, where a scan would be slower than a hash
 * lookup; {@link CompactJson#object} makes a trimmed immutable copy of one.
 */
final class CompactMap extends ArrayMap implements Serializable {

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

    @Override
    Object[] slots() {
        return kv;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    int modCount() {
        return modCount;
    }

    @Override
    public Object put(String key, Object value) {
        int i = indexOf(key);
        if (i >= 0) {
            return setAt(i, value);
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
    Object setAt(int slot, Object value) {
        Object old = kv[slot + 1];
        kv[slot + 1] = value;
        return old;
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

    @Override
    void removeAt(int slot) {
        int end = size * 2;
        System.arraycopy(kv, slot + 2, kv, slot, end - slot - 2);
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
    public Set<Map.Entry<String, Object>> entrySet() {
        Set<Map.Entry<String, Object>> es = entries;
        if (es == null) {
            es = new Entries();
            entries = es;
        }
        return es;
    }
}
