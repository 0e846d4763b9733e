package dev.reactivemcp.oauth.internal.filter;

import dev.reactivemcp.oauth.CredentialKey;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What refresh transactions ended with, per owner and credential: the core publishes here from inside each
 * transaction (so an outcome lands even when every caller has left) and sessions read it; the core never knows who
 * reads. Each owner has its own {@link Slot} with a version number raised by every publication of that owner's
 * credentials, which lets a session skip the lookup while nothing of its owner was published since it last looked:
 * another owner's refresh costs it nothing. {@link #forget} drops an owner whose sessions were evicted (the store
 * keeps every outcome; a new session loads it).
 */
final class LatestCredentials {

    /** One owner's publications. */
    static final class Slot {
        private final ConcurrentHashMap<CredentialKey, Snapshot> latest = new ConcurrentHashMap<>();
        private final AtomicLong version = new AtomicLong();

        /** Raised by every publication in this slot; read it before {@link #latest} so that none is missed. */
        long version() {
            return version.get();
        }

        /** The latest published snapshot of {@code key}, or {@code null} when none was published. */
        Snapshot latest(CredentialKey key) {
            return latest.get(key);
        }
    }

    private final ConcurrentHashMap<String, Slot> owners = new ConcurrentHashMap<>();

    /** Publishes {@code snapshot} (never {@link Snapshot#NONE}) as the latest of its credentials. */
    void publish(Snapshot snapshot) {
        CredentialKey key = snapshot.credentials().key();
        Slot slot = slot(key.owner());
        slot.latest.put(key, snapshot);
        slot.version.incrementAndGet();
    }

    /** The publications of {@code owner}, which a session keeps. */
    Slot slot(String owner) {
        return owners.computeIfAbsent(owner, o -> new Slot());
    }

    /** The latest published snapshot of {@code key}, or {@code null} when none was published. */
    Snapshot latest(CredentialKey key) {
        Slot slot = owners.get(key.owner());
        return slot == null ? null : slot.latest(key);
    }

    /** Drops what was published for {@code owner} (its sessions are gone; the store has every outcome). */
    void forget(String owner) {
        owners.remove(owner);
    }

    /** How many owners have publications or sessions (tests). */
    int owners() {
        return owners.size();
    }
}
