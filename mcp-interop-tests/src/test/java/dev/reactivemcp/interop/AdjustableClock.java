package dev.reactivemcp.interop;

import dev.reactivemcp.oauth.StoredCredentials;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The system clock plus an offset the test moves forward: the client then sees its tokens as older than they are
 * (the authorization server keeps real time), so a refresh falls due without waiting for it.
 */
final class AdjustableClock extends Clock {

    private final Clock base = Clock.systemUTC();
    private volatile Duration offset;

    AdjustableClock(Duration offset) {
        this.offset = offset;
    }

    /**
     * A clock by which the stored token is {@code age} old now (its issue time is the store entry's
     * {@code updatedAt}, written by the clock of the process that stored it).
     */
    static AdjustableClock seeing(StoredCredentials stored, Duration age) {
        return new AdjustableClock(Duration.between(Clock.systemUTC().instant(), stored.updatedAt().plus(age)));
    }

    void advance(Duration by) {
        offset = offset.plus(by);
    }

    Duration offset() {
        return offset;
    }

    @Override
    public Instant instant() {
        return base.instant().plus(offset);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
    }
}
