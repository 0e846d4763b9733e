package dev.reactivemcp.transport;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * A virtual-time scheduler that also reports each delay scheduled on it, so a test can wait (in real time, with a
 * bound) until the client has scheduled a timeout or reconnect delay and then advance exactly past it. The HTTP
 * I/O of these tests is real; only the delays are virtual.
 */
final class RecordingVirtualTime extends VirtualTimeScheduler {

    private final Sinks.Many<Duration> scheduled = Sinks.many().replay().all();
    private final Map<Duration, AtomicLong> consumed = new ConcurrentHashMap<>();
    private final List<Duration> all = new CopyOnWriteArrayList<>();

    RecordingVirtualTime() {
        super(false);
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
        Disposable d = super.schedule(task, delay, unit); // queued before anyone hears of it
        all.add(Duration.ofNanos(unit.toNanos(delay)));
        scheduled.emitNext(Duration.ofNanos(unit.toNanos(delay)),
                Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
        return d;
    }

    /** Waits for the next (not yet awaited) scheduling of {@code delay}, then advances virtual time by it. */
    void advancePast(Duration delay) {
        awaitScheduled(delay);
        advanceTimeBy(delay);
    }

    /** Waits for the next (not yet awaited) scheduling of {@code delay}. */
    void awaitScheduled(Duration delay) {
        long n = consumed.computeIfAbsent(delay, d -> new AtomicLong()).getAndIncrement();
        Duration seen = scheduled.asFlux().filter(delay::equals).skip(n).next().block(Duration.ofSeconds(20));
        if (seen == null) {
            throw new AssertionError("no delay of " + delay + " was scheduled");
        }
    }

    /** How many times {@code delay} has been scheduled so far. */
    long timesScheduled(Duration delay) {
        return all.stream().filter(delay::equals).count();
    }
}
