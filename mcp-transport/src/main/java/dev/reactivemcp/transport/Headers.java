package dev.reactivemcp.transport;

import dev.reactivemcp.errors.KnownSecrets;
import dev.reactivemcp.transport.internal.HeaderView;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable HTTP header multimap; names compare case-insensitively (RFC 9110 section 5.1), insertion order is
 * kept, values are kept exactly. Every {@code with*} method returns a copy.
 *
 * <pre>{@code
 * Headers h = Headers.empty().with("X-Tenant", "acme");
 * h.first("x-tenant"); // Optional[acme]
 * }</pre>
 */
public final class Headers {

    private static final Headers EMPTY = new Headers(new LinkedHashMap<>());

    /** Lower-case name -> (original name, values); null while {@link #view} has not been needed as a map. */
    private final Map<String, Entry> entries;
    /**
     * Read-only headers of a received response, looked up in place (no copy per response); turned into a map
     * only when asked for every header ({@link #forEach}, {@link #asMap}, copies, equality, toString).
     */
    private final HeaderView view;
    private volatile Map<String, Entry> materialized;

    private record Entry(String name, List<String> values) { }

    private Headers(Map<String, Entry> entries) {
        this.entries = entries;
        this.view = null;
    }

    private Headers(HeaderView view) {
        this.entries = null;
        this.view = view;
    }

    /** The lower-case name -> entry map, built from the view on first need. */
    private Map<String, Entry> map() {
        if (entries != null) {
            return entries;
        }
        Map<String, Entry> m = materialized;
        if (m == null) {
            m = materialize(view);
            materialized = m;
        }
        return m;
    }

    private static Map<String, Entry> materialize(HeaderView view) {
        Builder b = new Builder(8);
        view.forEachHeader(b::append); // names as received: Netty validated them, and toString must not fail
        return b.entries;
    }

    /**
     * No headers.
     *
     * @return the shared empty instance
     */
    public static Headers empty() {
        return EMPTY;
    }

    /**
     * Headers from a map of names to values (copied).
     *
     * @param map header names to their values, in the order to keep; not {@code null}
     * @return the headers; names differing only in case are merged, values appended in order
     * @throws IllegalArgumentException when a name is {@code null}, empty or not a valid header name
     * @throws NullPointerException     when {@code map}, a value list or a value is {@code null}
     */
    public static Headers of(Map<String, ? extends List<String>> map) {
        if (map instanceof HeaderView view) { // immutable: read in place
            return view.isEmpty() ? EMPTY : new Headers(view);
        }
        Builder b = new Builder(map.size());
        for (Map.Entry<String, ? extends List<String>> e : map.entrySet()) {
            for (String v : e.getValue()) {
                b.add(e.getKey(), v);
            }
        }
        return b.build();
    }

    /**
     * A builder, for assembling many headers without a copy per header.
     *
     * @return an empty builder
     */
    public static Builder builder() {
        return new Builder(8);
    }

    /**
     * A builder starting with these headers.
     *
     * @return a builder holding every header of this instance (which stays unchanged)
     */
    public Builder toBuilder() {
        Map<String, Entry> m = map();
        Builder b = new Builder(m.size() + 4);
        b.entries.putAll(m);
        return b;
    }

    /**
     * Calls {@code action} with each name (as first given) and its values, in order, without copying.
     *
     * @param action receives each name and its unmodifiable list of values; not {@code null}
     */
    public void forEach(java.util.function.BiConsumer<String, List<String>> action) {
        for (Entry e : map().values()) {
            action.accept(e.name(), e.values());
        }
    }

    /** Assembles {@link Headers}; not thread-safe, single use. */
    public static final class Builder {
        private final Map<String, Entry> entries;
        private boolean built;

        private Builder(int expected) {
            this.entries = new LinkedHashMap<>(Math.max(4, expected * 2));
        }

        /**
         * Sets {@code name} to the single {@code value}.
         *
         * @param name  the header name, compared case-insensitively
         * @param value the value, kept exactly
         * @return this builder
         * @throws IllegalArgumentException when {@code name} is {@code null}, empty, or holds a control character,
         *                                  space, non-ASCII character or {@code :}
         * @throws NullPointerException     when {@code value} is {@code null}
         * @throws IllegalStateException    when {@link #build()} was already called
         */
        public Builder set(String name, String value) {
            checkOpen();
            validateName(name);
            Objects.requireNonNull(value, "value");
            entries.put(key(name), new Entry(name, List.of(value)));
            return this;
        }

        /**
         * Appends {@code value} to the values of {@code name}.
         *
         * @param name  the header name, compared case-insensitively
         * @param value the value, kept exactly
         * @return this builder
         * @throws IllegalArgumentException when {@code name} is {@code null}, empty, or holds a control character,
         *                                  space, non-ASCII character or {@code :}
         * @throws NullPointerException     when {@code value} is {@code null}
         * @throws IllegalStateException    when {@link #build()} was already called
         */
        public Builder add(String name, String value) {
            checkOpen();
            validateName(name);
            Objects.requireNonNull(value, "value");
            append(name, value);
            return this;
        }

        private void append(String name, String value) {
            String k = key(name);
            Entry old = entries.get(k);
            if (old == null) {
                entries.put(k, new Entry(name, List.of(value)));
            } else {
                List<String> values = new ArrayList<>(old.values().size() + 1);
                values.addAll(old.values());
                values.add(value);
                entries.put(k, new Entry(old.name(), List.copyOf(values)));
            }
        }

        /**
         * Sets every header of {@code other} (its values win).
         *
         * @param other the headers to set; not {@code null}
         * @return this builder
         * @throws IllegalStateException when {@link #build()} was already called
         */
        public Builder setAll(Headers other) {
            checkOpen();
            entries.putAll(other.map());
            return this;
        }

        /**
         * Removes {@code name}.
         *
         * @param name the header name, compared case-insensitively; not {@code null}
         * @return this builder
         * @throws IllegalStateException when {@link #build()} was already called
         */
        public Builder remove(String name) {
            checkOpen();
            entries.remove(key(name));
            return this;
        }

        private void checkOpen() {
            if (built) {
                throw new IllegalStateException("the builder was already built");
            }
        }

        /**
         * The headers; the builder cannot be used afterwards.
         *
         * @return the assembled headers
         * @throws IllegalStateException when called a second time
         */
        public Headers build() {
            if (built) {
                throw new IllegalStateException("build() was already called");
            }
            built = true;
            return entries.isEmpty() ? EMPTY : new Headers(entries);
        }
    }

    /**
     * A copy with {@code name} set to the single {@code value}, replacing earlier values.
     *
     * @param name  the header name, compared case-insensitively
     * @param value the value, kept exactly
     * @return the new headers; this instance is unchanged
         * @throws IllegalArgumentException when {@code name} is {@code null}, empty, or holds a control character,
     *                                  space, non-ASCII character or {@code :}
     * @throws NullPointerException     when {@code value} is {@code null}
     */
    public Headers with(String name, String value) {
        validateName(name);
        Objects.requireNonNull(value, "value");
        Map<String, Entry> copy = new LinkedHashMap<>(map());
        copy.put(key(name), new Entry(name, List.of(value)));
        return new Headers(copy);
    }

    /**
     * A copy with {@code value} appended to the values of {@code name}.
     *
     * @param name  the header name, compared case-insensitively
     * @param value the value, kept exactly
     * @return the new headers; this instance is unchanged
         * @throws IllegalArgumentException when {@code name} is {@code null}, empty, or holds a control character,
     *                                  space, non-ASCII character or {@code :}
     * @throws NullPointerException     when {@code value} is {@code null}
     */
    public Headers add(String name, String value) {
        validateName(name);
        Objects.requireNonNull(value, "value");
        Map<String, Entry> copy = new LinkedHashMap<>(map());
        Entry old = copy.get(key(name));
        List<String> values = new ArrayList<>(old == null ? List.of() : old.values());
        values.add(value);
        copy.put(key(name), new Entry(old == null ? name : old.name(), List.copyOf(values)));
        return new Headers(copy);
    }

    /**
     * A copy with every header of {@code other} set here (other's values win).
     *
     * @param other the headers to set; not {@code null}
     * @return the merged headers, or this instance when {@code other} is empty
     */
    public Headers withAll(Headers other) {
        if (other.isEmpty()) {
            return this;
        }
        Map<String, Entry> copy = new LinkedHashMap<>(map());
        copy.putAll(other.map());
        return new Headers(copy);
    }

    /**
     * A copy without {@code name}.
     *
     * @param name the header name, compared case-insensitively; not {@code null}
     * @return the headers without it, or this instance when it was absent
     */
    public Headers without(String name) {
        if (!contains(name)) {
            return this;
        }
        Map<String, Entry> copy = new LinkedHashMap<>(map());
        copy.remove(key(name));
        return new Headers(copy);
    }

    /**
     * The first value of {@code name}.
     *
     * @param name the header name, compared case-insensitively; not {@code null}
     * @return the first value, or empty when the header is absent
     */
    public Optional<String> first(String name) {
        if (entries == null) {
            return Optional.ofNullable(view.first(name));
        }
        Entry e = entries.get(key(name));
        return e == null || e.values().isEmpty() ? Optional.empty() : Optional.of(e.values().get(0));
    }

    /**
     * Every value of {@code name}; empty when absent.
     *
     * @param name the header name, compared case-insensitively; not {@code null}
     * @return the values in order, unmodifiable
     */
    public List<String> all(String name) {
        if (entries == null) {
            return view.all(name);
        }
        Entry e = entries.get(key(name));
        return e == null ? List.of() : e.values();
    }

    /**
     * Whether {@code name} is present.
     *
     * @param name the header name, compared case-insensitively; not {@code null}
     * @return {@code true} when the header has at least one entry
     */
    public boolean contains(String name) {
        if (entries == null) {
            return view.contains(name);
        }
        return entries.containsKey(key(name));
    }

    /**
     * The headers as an unmodifiable map from the names as first given to their values.
     *
     * @return a new map in insertion order (its lookups are case-sensitive: use {@link #all(String)} to look up)
     */
    public Map<String, List<String>> asMap() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (Entry e : map().values()) {
            m.put(e.name(), e.values());
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * Whether there are no headers.
     *
     * @return {@code true} when there is no header at all
     */
    public boolean isEmpty() {
        return entries == null ? view.isEmpty() : entries.isEmpty();
    }

    /**
     * The map key of {@code name}: its lower-case form. The names this SDK uses are answered from a table (a
     * {@code switch} on a String uses its cached hash), and a name without upper-case letters is its own key;
     * other names are lower-cased.
     */
    private static String key(String name) {
        switch (name) {
            case "Content-Type": return "content-type";
            case "Content-Length": return "content-length";
            case "Accept": return "accept";
            case "Authorization": return "authorization";
            case "Mcp-Session-Id": return "mcp-session-id";
            case "MCP-Protocol-Version": return "mcp-protocol-version";
            case "Mcp-Method": return "mcp-method";
            case "Mcp-Name": return "mcp-name";
            case "Last-Event-ID": return "last-event-id";
            case "WWW-Authenticate": return "www-authenticate";
            case "Retry-After": return "retry-after";
            case "DPoP": return "dpop";
            default: return name.toLowerCase(Locale.ROOT); // returns name itself when already lower-case
        }
    }

    private static void validateName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("header name must not be empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == ':') {
                throw new IllegalArgumentException("invalid header name: " + name);
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Headers h && asMapLower().equals(h.asMapLower());
    }

    private Map<String, List<String>> asMapLower() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        map().forEach((k, v) -> m.put(k, v.values()));
        return m;
    }

    @Override
    public int hashCode() {
        return asMapLower().hashCode();
    }

    /** Names only, with credential-bearing values redacted. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Headers[");
        boolean first = true;
        for (Entry e : map().values()) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(e.name()).append('=');
            sb.append(isSensitive(e.name()) ? "<redacted>" : KnownSecrets.mask(String.join(",", e.values())));
        }
        return sb.append(']').toString();
    }

    /**
     * Credential-bearing: Authorization, Proxy-Authorization, Cookie, Set-Cookie, DPoP, and any name containing
     * key, token, secret, password or credential ({@code X-Api-Key}, {@code X-Auth-Token}), case-insensitively.
     */
    static boolean isSensitive(String name) {
        String k = key(name);
        return k.equals("authorization") || k.equals("proxy-authorization") || k.equals("dpop")
                || k.equals("cookie") || k.equals("set-cookie") || k.contains("key") || k.contains("token")
                || k.contains("secret") || k.contains("password") || k.contains("credential");
    }
}
