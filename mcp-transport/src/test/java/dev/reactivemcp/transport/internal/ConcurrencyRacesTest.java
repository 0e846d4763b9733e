package dev.reactivemcp.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Races and scheduler rejections of Deadlines, GuardedCall, FirstOfStream and SharedMono (real threads, no sleeps). */
class ConcurrencyRacesTest {

    private static final Duration TEN_S = Duration.ofSeconds(10);

    private static ExecutorService pool;

    @BeforeAll
    static void startPool() {
        pool = Executors.newFixedThreadPool(3);
    }

    @AfterAll
    static void stopPool() {
        pool.shutdownNow();
    }

    /** A virtual clock whose n-th calls to schedule (1-based) are rejected, like a bounded queue that is full. */
    static final class FlakyClock extends VirtualTimeScheduler {
        private final Set<Integer> rejected;
        final AtomicInteger calls = new AtomicInteger();

        FlakyClock(Integer... rejectedCalls) {
            super(false);
            this.rejected = Set.of(rejectedCalls);
        }

        @Override
        public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
            if (rejected.contains(calls.incrementAndGet())) {
                throw new RejectedExecutionException("task queue full (transient)");
            }
            return super.schedule(task, delay, unit);
        }
    }

    static final class Probe extends Deadlines.Entry {
        final AtomicInteger expired = new AtomicInteger();

        @Override
        void expire(boolean closed) {
            expired.incrementAndGet();
        }
    }

    // ---------------------------------------------------------------- Deadlines: lost wake-ups after a rejection

    @Test
    void deadlines_aRejectedFirstScheduleExpiresTheEntryInsteadOfLosingTheWakeUp() {
        FlakyClock clock = new FlakyClock(1); // only the very first schedule is rejected
        Deadlines d = new Deadlines(clock, TEN_S);
        Probe p = new Probe();
        d.add(p);

        clock.advanceTimeBy(Duration.ofHours(1));

        assertThat(clock.calls).as("nobody ever retried scheduling the sweep").hasValue(1);
        assertThat(p.expired).as("an entry past its deadline by an hour").hasValue(1);
    }

    @Test
    void deadlines_aRejectedRescheduleInsideTheSweepStrandsNoEntry() {
        FlakyClock clock = new FlakyClock(2); // the add's schedule works, the sweep's reschedule is rejected
        Deadlines d = new Deadlines(clock, TEN_S);
        Probe first = new Probe();
        Probe second = new Probe();
        d.add(first);
        clock.advanceTimeBy(Duration.ofSeconds(5));
        d.add(second);

        clock.advanceTimeBy(Duration.ofHours(1));

        assertThat(first.expired).hasValue(1);
        assertThat(second.expired).as("due 55 min ago, still linked: %s entries", d.size()).hasValue(1);
    }

    @Test
    void guardedCall_failsLikeTimeoutWhenTheTimerIsRejectedInsteadOfHanging() {
        // What it replaced: timeout(...) fails the call at once when its timer is rejected (a TimeoutException,
        // which the old chain mapped to the session's timeout error); it never hangs.
        StepVerifier.create(Mono.never().timeout(TEN_S, new FlakyClock(1)))
                .expectError(java.util.concurrent.TimeoutException.class)
                .verify(Duration.ofSeconds(5));

        FlakyClock clock = new FlakyClock(1);
        Deadlines d = new Deadlines(clock, TEN_S);
        StepVerifier.create(new GuardedCall<>(Mono.never(), d,
                        closed -> new IllegalStateException(closed ? "closed" : "timed out"), null))
                .then(() -> clock.advanceTimeBy(Duration.ofHours(1)))
                .expectErrorMessage("timed out")
                .verify(Duration.ofSeconds(2));
    }

    @Test
    void firstOfStream_endsWhenTheGraceCannotBeScheduled() {
        FlakyClock clock = new FlakyClock(1);
        Deadlines grace = new Deadlines(clock, Duration.ofMillis(100));
        Sinks.Many<String> stream = Sinks.many().unicast().onBackpressureBuffer();
        StepVerifier.create(new FirstOfStream<>(stream.asFlux(), grace))
                .then(() -> stream.tryEmitNext("answer"))
                .then(() -> clock.advanceTimeBy(Duration.ofHours(1)))
                .expectNext("answer")
                .expectComplete()
                .verify(Duration.ofSeconds(2));
    }

    /** Control: with a healthy scheduler and real threads, sweeps running while entries are added lose nothing. */
    @Test
    void deadlines_addsRacingSweepsOnRealThreadsAllExpire() throws Exception {
        Deadlines d = new Deadlines(Schedulers.parallel(), Duration.ofMillis(1));
        int perThread = 20_000;
        CountDownLatch expired = new CountDownLatch(3 * perThread);
        List<Future<?>> adders = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            adders.add(pool.submit(() -> {
                for (int i = 0; i < perThread; i++) {
                    d.add(new Deadlines.Entry() {
                        @Override
                        void expire(boolean closed) {
                            expired.countDown();
                        }
                    });
                }
            }));
        }
        for (Future<?> f : adders) {
            f.get(30, TimeUnit.SECONDS);
        }
        assertThat(expired.await(30, TimeUnit.SECONDS)).as("left: %s", expired.getCount()).isTrue();
        assertThat(d.size()).isZero();
    }

    // ---------------------------------------------------------------- SharedMono

    private static int waitersKept(SharedMono<?> shared) {
        return shared.waiting();
    }

    @Test
    void sharedMono_cachedKeepsNoCancelledWaiter() {
        SharedMono<String> shared = SharedMono.cached(Mono.never());
        for (int i = 0; i < 10_000; i++) {
            shared.subscribe().dispose();
        }
        assertThat(waitersKept(shared)).as("cancelled waiters (and their subscribers) still referenced").isZero();
    }

    @Test
    void sharedMono_refCountedKeepsOnlyTheLiveWaiter() throws Exception {
        SharedMono<String> shared = SharedMono.refCounted(Mono.never());
        Disposable keeper = shared.subscribe();
        for (int i = 0; i < 10_000; i++) {
            shared.subscribe().dispose();
        }
        assertThat(waitersKept(shared)).as("only the one live waiter should be kept").isEqualTo(1);
        keeper.dispose();
    }

    /** Regression: a waiter cancelled in onSubscribe once started a source nobody would cancel. */
    @Test
    void sharedMono_refCountedStartsNothingForASubscriberThatCancelledInOnSubscribe() {
        AtomicInteger subscribed = new AtomicInteger();
        AtomicInteger cancelled = new AtomicInteger();
        SharedMono<String> shared = SharedMono.refCounted(Mono.<String>never()
                .doOnSubscribe(s -> subscribed.incrementAndGet())
                .doOnCancel(cancelled::incrementAndGet));

        shared.subscribe(new BaseSubscriber<String>() {
            @Override
            protected void hookOnSubscribe(Subscription s) {
                cancel();
            }
        });

        assertThat(subscribed.get()).as("a run nobody waits for must not keep running (subscribed=%s, cancelled=%s)",
                subscribed.get(), cancelled.get()).isEqualTo(cancelled.get());
    }

    @Test
    void sharedMono_refCountedRunIsCancelledWhenZipCancelsItsSecondSource() {
        // A realistic trigger: zip cancels the inner subscriber of a later source when an earlier one fails
        // synchronously, so that source sees a cancel in onSubscribe. share() does not leave work running.
        AtomicInteger subscribed = new AtomicInteger();
        AtomicInteger cancelled = new AtomicInteger();
        Mono<String> work = Mono.<String>never()
                .doOnSubscribe(s -> subscribed.incrementAndGet())
                .doOnCancel(cancelled::incrementAndGet);

        StepVerifier.create(Mono.zip(Mono.error(new IllegalStateException("first failed")), work.share()))
                .expectErrorMessage("first failed").verify(Duration.ofSeconds(5));
        assertThat(subscribed.get()).as("share(): no run left behind").isEqualTo(cancelled.get());

        subscribed.set(0);
        cancelled.set(0);
        StepVerifier.create(Mono.zip(Mono.error(new IllegalStateException("first failed")),
                        SharedMono.refCounted(work)))
                .expectErrorMessage("first failed").verify(Duration.ofSeconds(5));
        assertThat(subscribed.get()).as("SharedMono.refCounted: run left behind (subscribed=%s, cancelled=%s)",
                subscribed.get(), cancelled.get()).isEqualTo(cancelled.get());
    }

    /**
     * Real threads: a cancel racing the subscription must never leave the ref-counted source running. Failed on
     * bb69bb3 (cancel before join); since e418091 only the narrow window between join's isCancelled() check and
     * its write of w.round remains (a waiter counted in live that never leaves), which this rarely hits.
     */
    @Test
    void sharedMono_cancelRacingSubscribeOnRealThreadsCancelsTheSource() throws Exception {
        int leaked = 0;
        for (int i = 0; i < 500; i++) {
            AtomicInteger subscribed = new AtomicInteger();
            AtomicInteger cancelled = new AtomicInteger();
            SharedMono<String> shared = SharedMono.refCounted(Mono.<String>never()
                    .doOnSubscribe(s -> subscribed.incrementAndGet())
                    .doOnCancel(cancelled::incrementAndGet));
            AtomicReference<Subscription> handed = new AtomicReference<>();
            Future<?> sub = pool.submit(() -> shared.subscribe(new CoreSubscriber<String>() {
                @Override
                public void onSubscribe(Subscription s) {
                    handed.set(s);
                }

                @Override
                public void onNext(String s) { }

                @Override
                public void onError(Throwable t) { }

                @Override
                public void onComplete() { }
            }));
            Future<?> canceller = pool.submit(() -> {
                Subscription s;
                while ((s = handed.get()) == null) {
                    Thread.onSpinWait();
                }
                s.cancel();
            });
            sub.get(10, TimeUnit.SECONDS);
            canceller.get(10, TimeUnit.SECONDS);
            if (subscribed.get() != cancelled.get()) {
                leaked++;
            }
        }
        assertThat(leaked).as("iterations whose source kept running with no waiter").isZero();
    }

    // ---------------------------------------------------------------- races expected to hold (controls)

    /** Records every signal; flags overlapping or post-terminal signals. */
    static final class Recorder<T> implements CoreSubscriber<T> {
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger terminals = new AtomicInteger();
        final AtomicInteger values = new AtomicInteger();
        final AtomicInteger violations = new AtomicInteger();
        volatile Subscription s;

        private void enter() {
            if (inFlight.incrementAndGet() != 1) {
                violations.incrementAndGet();
            }
        }

        private void exit() {
            inFlight.decrementAndGet();
        }

        @Override
        public void onSubscribe(Subscription s) {
            this.s = s;
            s.request(1);
        }

        @Override
        public void onNext(T t) {
            enter();
            if (terminals.get() > 0 || values.incrementAndGet() > 1) {
                violations.incrementAndGet();
            }
            exit();
        }

        @Override
        public void onError(Throwable t) {
            enter();
            if (terminals.incrementAndGet() > 1) {
                violations.incrementAndGet();
            }
            exit();
        }

        @Override
        public void onComplete() {
            enter();
            if (terminals.incrementAndGet() > 1) {
                violations.incrementAndGet();
            }
            exit();
        }
    }

    private static void race(Runnable... tasks) throws Exception {
        AtomicInteger ready = new AtomicInteger();
        List<Future<?>> fs = new ArrayList<>();
        for (Runnable r : tasks) {
            fs.add(pool.submit(() -> {
                ready.incrementAndGet();
                while (ready.get() < tasks.length) {
                    Thread.onSpinWait();
                }
                r.run();
            }));
        }
        for (Future<?> f : fs) {
            f.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void guardedCall_resultVsCancelVsCloseGivesOneTerminalAndOneEnd() throws Exception {
        for (int i = 0; i < 500; i++) {
            Deadlines d = new Deadlines(Schedulers.parallel(), Duration.ofMinutes(1));
            Sinks.One<String> answer = Sinks.one();
            AtomicInteger ended = new AtomicInteger();
            AtomicInteger upstreamCancelled = new AtomicInteger();
            Recorder<String> rec = new Recorder<>();
            new GuardedCall<>(answer.asMono().doOnCancel(upstreamCancelled::incrementAndGet), d,
                    closed -> new IllegalStateException("closed"), ended::incrementAndGet).subscribe(rec);

            race(() -> answer.tryEmitValue("v"), () -> rec.s.cancel(), d::closeAll);

            assertThat(rec.violations).hasValue(0);
            assertThat(rec.terminals.get()).isLessThanOrEqualTo(1);
            assertThat(ended).hasValue(1);
            assertThat(d.size()).isZero();
            if (rec.values.get() == 1) {
                assertThat(upstreamCancelled).as("a finished call is never cancelled").hasValue(0);
            }
        }
    }

    @Test
    void firstOfStream_completeVsGraceVsCancelGivesOneOutcome() throws Exception {
        for (int i = 0; i < 500; i++) {
            Deadlines d = new Deadlines(Schedulers.parallel(), Duration.ofMinutes(1));
            Sinks.Many<String> stream = Sinks.many().unicast().onBackpressureBuffer();
            Recorder<String> rec = new Recorder<>();
            new FirstOfStream<>(stream.asFlux(), d).subscribe(rec);
            stream.tryEmitNext("first");

            race(stream::tryEmitComplete, () -> rec.s.cancel(), d::closeAll /* expires the grace */);

            assertThat(rec.violations).hasValue(0);
            assertThat(rec.terminals.get()).isLessThanOrEqualTo(1);
            assertThat(d.size()).isZero();
        }
    }

    @Test
    void sharedMono_joinVsFinishVsAbandonDeliversEveryLiveWaiterOnce() throws Exception {
        for (int i = 0; i < 500; i++) {
            Sinks.One<String> outcome = Sinks.one();
            SharedMono<String> shared = SharedMono.refCounted(outcome.asMono());
            Recorder<String> leaving = new Recorder<>();
            shared.subscribe(leaving);
            Recorder<String> late = new Recorder<>();

            race(() -> outcome.tryEmitValue("v"), () -> leaving.s.cancel(), () -> shared.subscribe(late));

            assertThat(late.violations).hasValue(0);
            assertThat(leaving.violations).hasValue(0);
            // the late waiter either got the value of this run or started a new one (which never ends here)
            if (late.terminals.get() == 1) {
                assertThat(late.values).hasValue(1);
            }
        }
    }

    @Test
    void guardedCall_passesTheCallersContextToTheSourceAndSharedMonoTheStartersContext() {
        Deadlines d = new Deadlines(VirtualTimeScheduler.create(), TEN_S);
        Mono<String> who = Mono.deferContextual(ctx -> Mono.just(ctx.getOrDefault("who", "none")));
        StepVerifier.create(new GuardedCall<>(SharedMono.refCounted(who), d, c -> new IllegalStateException(), null)
                        .contextWrite(c -> c.put("who", "caller")))
                .expectNext("caller")
                .verifyComplete();
        StepVerifier.create(new FirstOfStream<>(Flux.from(who), d).contextWrite(c -> c.put("who", "caller")))
                .expectNext("caller")
                .verifyComplete();
    }
}
