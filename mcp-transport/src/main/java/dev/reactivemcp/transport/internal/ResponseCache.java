package dev.reactivemcp.transport.internal;

import dev.reactivemcp.transport.McpHttpRequest;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Honours {@code ttlMs} and {@code cacheScope} of 2026-07-28 list and read results (spec 2026-07-28,
 * server/utilities/caching): a result is reused while {@code now < received + ttlMs} for the same method and
 * result-affecting parameters ({@code cursor}, {@code uri}); {@code ttlMs} absent or not positive means not cached;
 * {@code private} results (and results without a scope) are partitioned by the credentials the request was sent
 * with, so they are never served to another access token; MRTR retries are never cached; a matching
 * {@code list_changed} or {@code resources/updated} notification drops entries at once.
 *
 * <p>Lookups happen in the innermost exchange ({@link CachedExchange}), after every filter, so the partition of a
 * lookup is the exact {@code Authorization} the request would carry: a private entry is served only to a request
 * with the same credentials as the one that fetched it. The protocol version is part of the key.
 */
final class ResponseCache {

    static final Set<String> CACHEABLE = Set.of("tools/list", "prompts/list", "resources/list",
            "resources/templates/list", "resources/read");
    private static final int MAX_ENTRIES = 512;
    private static final String ANONYMOUS = "anonymous";

    private record Entry(Map<String, Object> result, long expiresAtNanos) { }

    private static final VarHandle ENTRIES = LazyInit.handle(MethodHandles.lookup(), "entries", Map.class);

    /** Created by the first cacheable result (issue 16: no empty map per idle client); see {@link #entries()}. */
    private volatile Map<String, Entry> entries;

    private Map<String, Entry> entries() {
        return LazyInit.get(ENTRIES, this, ConcurrentHashMap::new);
    }

    static boolean cacheable(String method, Map<String, Object> params) {
        return CACHEABLE.contains(method) && !params.containsKey("inputResponses")
                && !params.containsKey("requestState");
    }

    /** A fresh cached result for a request of {@code version} sent with {@code partition}, or null. */
    Map<String, Object> get(String method, Map<String, Object> params, String version, String partition,
                            long nowNanos) {
        Map<String, Entry> entries = this.entries;
        if (entries == null) {
            return null;
        }
        Entry e = entries.get(key(method, params, version, ""));
        if (e == null || nowNanos >= e.expiresAtNanos()) {
            e = entries.get(key(method, params, version, partition));
        }
        return e != null && nowNanos < e.expiresAtNanos() ? e.result() : null;
    }

    /** Caches {@code result} when it says so; {@code sentWith} is the partition of the request that got it. */
    void put(String method, Map<String, Object> params, String version, Map<String, Object> result, String sentWith,
             long nowNanos) {
        if (!(result.get("ttlMs") instanceof Number ttl) || ttl.longValue() <= 0) {
            return;
        }
        Map<String, Entry> entries = entries();
        if (entries.size() >= MAX_ENTRIES) {
            entries.values().removeIf(e -> nowNanos >= e.expiresAtNanos());
            if (entries.size() >= MAX_ENTRIES) {
                return;
            }
        }
        String scope = "public".equals(result.get("cacheScope")) ? "" : sentWith;
        long ttlNanos = Math.min(ttl.longValue(), Long.MAX_VALUE / 2_000_000L) * 1_000_000L;
        entries.put(key(method, params, version, scope), new Entry(result, nowNanos + ttlNanos));
    }

    /** The partition of the credentials {@code sent} carries. */
    static String partitionOf(McpHttpRequest sent) {
        return sent.headers().first("Authorization").map(ResponseCache::fingerprint).orElse(ANONYMOUS);
    }

    /** Drops what a server notification says changed. */
    void invalidate(String notification, Map<String, Object> params) {
        Map<String, Entry> entries = this.entries;
        if (entries == null) {
            return;
        }
        switch (notification) {
            case "notifications/tools/list_changed" -> dropMethod(entries, "tools/list");
            case "notifications/prompts/list_changed" -> dropMethod(entries, "prompts/list");
            case "notifications/resources/list_changed" -> {
                dropMethod(entries, "resources/list");
                dropMethod(entries, "resources/templates/list");
            }
            case "notifications/resources/updated" -> {
                Object uri = params.get("uri");
                entries.keySet().removeIf(k -> k.startsWith("resources/read\u0000" + uri + "\u0000"));
            }
            default -> { }
        }
    }

    private static void dropMethod(Map<String, Entry> entries, String method) {
        entries.keySet().removeIf(k -> k.startsWith(method + "\u0000"));
    }

    private static String key(String method, Map<String, Object> params, String version, String partition) {
        Object arg = "resources/read".equals(method) ? params.get("uri") : params.get("cursor");
        return method + "\u0000" + (arg == null ? "" : arg) + "\u0000" + version + "\u0000" + partition;
    }

    private static String fingerprint(String authorization) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(authorization.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
