package dev.reactivemcp.transport.internal;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Internal: read-only headers of a received response, looked up in place by {@link dev.reactivemcp.transport.Headers}
 * (via {@code Headers.of(view)}) instead of being copied per response. Names compare case-insensitively. As a
 * {@link Map} (names as received, grouped case-insensitively) it is built on demand and never used on the call path.
 * Implementations must be immutable.
 */
public abstract class HeaderView extends AbstractMap<String, List<String>> {

    private volatile Map<String, List<String>> asMap;

    /** The first value of {@code name}, or null. */
    public abstract String first(String name);

    /** Every value of {@code name}, unmodifiable; empty when absent. */
    public abstract List<String> all(String name);

    /** Whether {@code name} is present. */
    public abstract boolean contains(String name);

    /** Whether there are no headers. */
    @Override
    public abstract boolean isEmpty();

    /** Every header line in order received, one call per value. */
    public abstract void forEachHeader(BiConsumer<String, String> action);

    @Override
    public Set<Entry<String, List<String>>> entrySet() {
        Map<String, List<String>> m = asMap;
        if (m == null) {
            Map<String, String> firstNames = new java.util.HashMap<>();
            Map<String, List<String>> grouped = new LinkedHashMap<>();
            forEachHeader((name, value) -> grouped.computeIfAbsent(
                    firstNames.computeIfAbsent(name.toLowerCase(java.util.Locale.ROOT), k -> name),
                    k -> new java.util.ArrayList<>()).add(value));
            grouped.replaceAll((k, v) -> List.copyOf(v));
            m = Collections.unmodifiableMap(grouped);
            asMap = m;
        }
        return m.entrySet();
    }
}
