package dev.reactivemcp.oauth.internal.filter;

import dev.reactivemcp.oauth.CredentialKey;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What refresh transactions ended with, per credential: the core publishes here from inside each transaction (so an
 * outcome lands even when every caller has left) and sessions read it; the core never knows who reads. A version
 * number, raised by every publication, lets a session skip the lookup while nothing was published since it last
 * looked.
 */
final class LatestCredentials {

    private final ConcurrentHashMap<CredentialKey, Snapshot> latest = new ConcurrentHashMap<>();
    private final AtomicLong version = new AtomicLong();

    /** Publishes {@code snapshot} (never {@link Snapshot#NONE}) as the latest of its credentials. */
    void publish(Snapshot snapshot) {
        latest.put(snapshot.credentials().key(), snapshot);
        version.incrementAndGet();
    }

    /** The latest published snapshot of {@code key}, or {@code null} when none was published. */
    Snapshot latest(CredentialKey key) {
        return latest.get(key);
    }

    /** Raised by every {@link #publish}; read it before {@link #latest} so that no publication is missed. */
    long version() {
        return version.get();
    }
}
