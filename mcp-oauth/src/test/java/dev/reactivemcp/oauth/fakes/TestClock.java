package dev.reactivemcp.oauth.fakes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import reactor.test.scheduler.VirtualTimeScheduler;

/** A clock tests move by hand, or one that follows a {@link VirtualTimeScheduler}; it starts at {@link #BASE}. */
public final class TestClock extends Clock {

    public static final Instant BASE = Instant.parse("2026-03-01T10:00:00Z");

    private final AtomicReference<Instant> manual;
    private final VirtualTimeScheduler virtual;

    private TestClock(Instant start, VirtualTimeScheduler virtual) {
        this.manual = new AtomicReference<>(start);
        this.virtual = virtual;
    }

    /** A clock at {@link #BASE} moved with {@link #advance}. */
    public static TestClock manual() {
        return new TestClock(BASE, null);
    }

    /** A clock at {@link #BASE} plus the virtual time of {@code scheduler}. */
    public static TestClock following(VirtualTimeScheduler scheduler) {
        return new TestClock(BASE, scheduler);
    }

    /** Moves a manual clock on by {@code d}. */
    public void advance(Duration d) {
        if (virtual != null) {
            throw new IllegalStateException("advance the virtual time scheduler instead");
        }
        manual.updateAndGet(i -> i.plus(d));
    }

    @Override
    public Instant instant() {
        Instant start = manual.get();
        return virtual == null ? start : start.plusMillis(virtual.now(TimeUnit.MILLISECONDS));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
