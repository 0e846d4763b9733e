package dev.reactivemcp.interop;

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
