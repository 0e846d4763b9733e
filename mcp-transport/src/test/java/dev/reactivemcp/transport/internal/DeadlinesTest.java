package dev.reactivemcp.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;

class DeadlinesTest {

    private static final Duration TEN_S = Duration.ofSeconds(10);

    /** A virtual clock that records every delay it is asked to schedule. */
    static class Clock extends VirtualTimeScheduler {
        final List<Duration> scheduled = new CopyOnWriteArrayList<>();

        Clock() {
            super(false);
        }

        @Override
        public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
            scheduled.add(Duration.ofNanos(unit.toNanos(delay)));
            return super.schedule(task, delay, unit);
        }
    }

    /** An entry recording how it was expired. */
    static final class Probe extends Deadlines.Entry {
        final AtomicInteger expired = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();

        @Override
        void expire(boolean isClosed) {
            (isClosed ? closed : expired).incrementAndGet();
        }
    }

    private final Clock clock = new Clock();

    @AfterEach
    void tearDown() {
        clock.dispose();
    }

    @Test
    void aLoneEntrySchedulesExactlyItsDurationAndExpiresAtItsDeadlineNotBefore() {
        Deadlines d = new Deadlines(clock, TEN_S);
        Probe p = new Probe();

        assertThat(d.add(p)).isTrue();
        assertThat(clock.scheduled).containsExactly(TEN_S);

        clock.advanceTimeBy(TEN_S.minusNanos(1));
        assertThat(p.expired).hasValue(0);
        clock.advanceTimeBy(Duration.ofNanos(1));
        assertThat(p.expired).hasValue(1);
        assertThat(d.size()).isZero();
        assertThat(clock.scheduled).as("nothing left to watch: no further task").hasSize(1);
    }

    @Test
    void manyEntriesShareOneScheduledTask() {
        Deadlines d = new Deadlines(clock, TEN_S);
        for (int i = 0; i < 1000; i++) {
            Probe p = new Probe();
            d.add(p);
            d.remove(p);
        }
        Probe last = new Probe();
        d.add(last);

        assertThat(clock.scheduled).containsExactly(TEN_S);
        clock.advanceTimeBy(TEN_S);
        assertThat(last.expired).hasValue(1);
    }

    @Test
    void entriesAddedLaterExpireAtTheirOwnDeadlinesWithOneTaskPerWake() {
        Deadlines d = new Deadlines(clock, TEN_S);
        Probe first = new Probe();
        Probe second = new Probe();
        d.add(first);
        clock.advanceTimeBy(Duration.ofSeconds(3));
        d.add(second);

        clock.advanceTimeBy(Duration.ofSeconds(7));
        assertThat(first.expired).hasValue(1);
        assertThat(second.expired).hasValue(0);
        assertThat(clock.scheduled).containsExactly(TEN_S, Duration.ofSeconds(3));

        clock.advanceTimeBy(Duration.ofSeconds(3).minusNanos(1));
        assertThat(second.expired).hasValue(0);
        clock.advanceTimeBy(Duration.ofNanos(1));
        assertThat(second.expired).hasValue(1);
    }

    @Test
    void removedEntriesNeverExpire() {
        Deadlines d = new Deadlines(clock, TEN_S);
        Probe kept = new Probe();
        Probe removed = new Probe();
        d.add(removed);
        d.add(kept);
        d.remove(removed);
        d.remove(removed); // twice is harmless

        clock.advanceTimeBy(Duration.ofMinutes(1));
        assertThat(removed.expired).hasValue(0);
        assertThat(kept.expired).hasValue(1);
    }

    @Test
    void closeAllExpiresEveryEntryAsClosedAndRefusesLaterOnes() {
        Deadlines d = new Deadlines(clock, TEN_S);
        Probe a = new Probe();
        Probe b = new Probe();
        d.add(a);
        d.add(b);

        d.closeAll();

        assertThat(a.closed).hasValue(1);
        assertThat(b.closed).hasValue(1);
        assertThat(d.add(new Probe())).isFalse();
        clock.advanceTimeBy(Duration.ofMinutes(1));
        assertThat(a.expired).hasValue(0);
        assertThat(d.size()).isZero();
    }

    @Test
    void anExpiryThatThrowsDoesNotStopTheOthers() {
        Deadlines d = new Deadlines(clock, TEN_S);
        Probe after = new Probe();
        d.add(new Deadlines.Entry() {
            @Override
            void expire(boolean closed) {
                throw new IllegalStateException("boom");
            }
        });
        d.add(after);

        clock.advanceTimeBy(TEN_S);
        assertThat(after.expired).hasValue(1);
    }

    @Test
    void aRejectingSchedulerExpiresTheEntriesAtOnceAndTheNextAddSchedulesAgain() {
        AtomicInteger rejections = new AtomicInteger(1);
        Clock flaky = new Clock() {
            @Override
            public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
                if (rejections.getAndDecrement() > 0) {
                    throw new java.util.concurrent.RejectedExecutionException("queue full");
                }
                return super.schedule(task, delay, unit);
            }
        };
        try {
            Deadlines d = new Deadlines(flaky, TEN_S);
            Probe rejected = new Probe();
            Probe later = new Probe();

            assertThat(d.add(rejected)).isTrue();
            assertThat(rejected.expired).as("expired at once, not stranded").hasValue(1);
            assertThat(d.size()).isZero();

            d.add(later);
            flaky.advanceTimeBy(TEN_S);
            assertThat(later.expired).as("watched again").hasValue(1);
        } finally {
            flaky.dispose();
        }
    }

    @Test
    void anEnormousDurationIsCappedInsteadOfOverflowing() {
        Deadlines d = new Deadlines(clock, Duration.ofSeconds(Long.MAX_VALUE));
        Probe p = new Probe();
        clock.advanceTimeBy(Duration.ofDays(1));

        d.add(p);
        clock.advanceTimeBy(Duration.ofDays(3650));

        assertThat(p.expired).as("no overflow into the past").hasValue(0);
        assertThat(clock.scheduled).containsExactly(Duration.ofNanos(Deadlines.MAX_NANOS));
    }

    @Test
    void concurrentAddsAndRemovesLeaveNothingLinked() throws InterruptedException {
        Deadlines d = new Deadlines(Schedulers.single(), Duration.ofMinutes(5));
        int threads = 4;
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            new Thread(() -> {
                for (int i = 0; i < 20_000; i++) {
                    Probe p = new Probe();
                    d.add(p);
                    d.remove(p);
                }
                done.countDown();
            }).start();
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(d.size()).isZero();
    }
}
