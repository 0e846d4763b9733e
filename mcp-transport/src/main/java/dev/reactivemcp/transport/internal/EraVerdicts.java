package dev.reactivemcp.transport.internal;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which endpoints answered the modern probe as legacy servers, remembered JVM-wide for {@link #TTL} so that later
 * clients go straight to {@code initialize} (spec 2026-07-28, basic/versioning: clients SHOULD cache the result
 * per origin, re-probing if the cached assumption later fails; keyed here by origin and path, which is never
 * coarser). Only the legacy verdict saves a round trip: a modern connection needs the {@code server/discover}
 * result anyway. Verdicts are dated so that an upgraded server is probed again.
 */
final class EraVerdicts {

    static final Duration TTL = Duration.ofMinutes(10);
    private static final int MAX_ENTRIES = 10_000;
    private static final Map<String, Long> LEGACY = new ConcurrentHashMap<>();

    private EraVerdicts() { }

    static boolean isLegacy(URI endpoint, long nowNanos) {
        Long since = LEGACY.get(key(endpoint));
        return since != null && nowNanos - since < TTL.toNanos();
    }

    static void recordLegacy(URI endpoint, long nowNanos) {
        if (LEGACY.size() >= MAX_ENTRIES) {
            LEGACY.entrySet().removeIf(e -> nowNanos - e.getValue() >= TTL.toNanos());
        }
        if (LEGACY.size() < MAX_ENTRIES) {
            LEGACY.put(key(endpoint), nowNanos);
        }
    }

    static void forget(URI endpoint) {
        LEGACY.remove(key(endpoint));
    }

    private static String key(URI endpoint) {
        return origin(endpoint) + endpoint.getRawPath();
    }

    static String origin(URI endpoint) {
        int port = endpoint.getPort();
        if (port < 0) {
            port = "https".equalsIgnoreCase(endpoint.getScheme()) ? 443 : 80;
        }
        return endpoint.getScheme().toLowerCase(Locale.ROOT) + "://"
                + String.valueOf(endpoint.getHost()).toLowerCase(Locale.ROOT) + ":" + port;
    }
}
