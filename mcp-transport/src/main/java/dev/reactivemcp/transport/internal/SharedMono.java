package dev.reactivemcp.transport.internal;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * One subscription to a {@code Mono} shared by every subscriber that arrives while it runs, each added in constant
 * time. Reactor's {@code cache()} and {@code share()} copy their array of subscribers on every arrival, which is
 * quadratic in the number of concurrent waiters: 10,000 callers waiting for one token refresh or one handshake
 * allocated hundreds of megabytes and resumed late.
 *
 * <p>Both flavours keep the outcome for every later subscriber. {@link #cached(Mono)} never cancels its source;
 * {@link #refCounted(Mono)} cancels it when every subscriber has cancelled before the outcome, and the next
 * subscriber then starts it again. The source runs with the context of the subscriber that started it.
 *
 * <p>A ref-counted one may also be given a test for failures that belong to the caller
 * ({@link #refCounted(Mono, Predicate)}): such a failure depends on the context the source ran with (the caller's
 * credentials), so it reaches only the subscribers whose context has the same entries as the one it ran with (the
 * source would run for them exactly as it did); the others, in the order they arrived, run the source again in the
 * context of the first of them (and share that run). Every run ends at least its starter's wait, so a waiter sees at
 * most as many runs as there were distinct contexts ahead of it; a success or any other failure is shared as always.
 */
public final class SharedMono<T> extends Mono<T> {

    private final Mono<T> source;
    private final boolean refCount;
    private final Predicate<? super Throwable> callersOwn;
    private final AtomicReference<Round<T>> current = new AtomicReference<>();

    private SharedMono(Mono<T> source, boolean refCount, Predicate<? super Throwable> callersOwn) {
        this.source = source;
        this.refCount = refCount;
        this.callersOwn = callersOwn;
    }

    /** Runs {@code source} once, at the first subscription, and gives its outcome to every subscriber. */
    public static <T> SharedMono<T> cached(Mono<T> source) {
        return new SharedMono<>(source, false, e -> false);
    }

    /** Shares one run of {@code source} while anyone waits for it; cancelled when nobody does any more. */
    public static <T> SharedMono<T> refCounted(Mono<T> source) {
        return new SharedMono<>(source, true, e -> false);
    }

    /**
     * As {@link #refCounted(Mono)}, except that a failure {@code callersOwn} accepts is given only to the subscriber
     * whose context the run had; the other waiters run the source again (see the class comment).
     */
    public static <T> SharedMono<T> refCounted(Mono<T> source, Predicate<? super Throwable> callersOwn) {
        return new SharedMono<>(source, true, callersOwn);
    }

    /** How many subscribers wait for the current run (for tests and diagnostics). */
    int waiting() {
        Round<T> r = current.get();
        return r == null ? 0 : r.waiting();
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        Waiter<T> waiter = new Waiter<>(actual);
        actual.onSubscribe(waiter);
        enter(waiter);
    }

    /** Joins the current run, or starts one in the context of {@code waiter}'s subscriber. */
    private void enter(Waiter<T> waiter) {
        Round<T> round = join(waiter);
        if (!waiter.isCancelled()) {
            round.startOnce(source); // nobody waits for a subscriber that cancelled in onSubscribe
        }
    }

    /** Joins the current run, or makes one in the context of {@code waiter}'s subscriber; does not start it. */
    private Round<T> join(Waiter<T> waiter) {
        for (;;) {
            Round<T> round = current.get();
            if (round == null || round.abandoned()) {
                Round<T> fresh = new Round<>(this, waiter);
                if (!current.compareAndSet(round, fresh)) {
                    continue;
                }
                round = fresh;
            }
            if (round.join(waiter)) {
                return round;
            }
        }
    }

    /** Runs handed over to waiters of a failed run, started by {@link #drainStarts()} (a trampoline, no recursion). */
    private final java.util.Queue<Round<T>> toStart = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger starting = new java.util.concurrent.atomic.AtomicInteger();

    private void startLater(Round<T> round) {
        if (round != null) {
            toStart.offer(round);
        }
    }

    /**
     * Starts the queued runs. A run that fails at once hands its other waiters over from inside this loop: their run
     * is queued and started by the loop already running, so a chain of such runs does not deepen the stack.
     */
    private void drainStarts() {
        if (starting.getAndIncrement() != 0) {
            return;
        }
        do {
            Round<T> r;
            while ((r = toStart.poll()) != null) {
                r.startOnce(source);
            }
        } while (starting.decrementAndGet() != 0);
    }

    /** One run of the source and the subscribers waiting for it (an intrusive list: join and leave are O(1)). */
    static final class Round<T> implements CoreSubscriber<T> {
        private final SharedMono<T> owner;
        private final Waiter<T> starter;
        private final Context context;
        private Waiter<T> head; // guarded by this
        private Waiter<T> tail; // guarded by this
        private int live; // guarded by this
        private boolean started; // guarded by this
        private boolean abandoned; // guarded by this
        private boolean done; // guarded by this
        private T value; // written before done
        private Throwable error; // written before done
        private Subscription upstream; // guarded by this

        Round(SharedMono<T> owner, Waiter<T> starter) {
            this.owner = owner;
            this.starter = starter;
            this.context = starter.actual().currentContext();
        }

        synchronized int waiting() {
            int n = 0;
            for (Waiter<T> w = head; w != null; w = w.next) {
                n++;
            }
            return n;
        }

        synchronized boolean abandoned() {
            return abandoned;
        }

        /** Adds {@code w}; false when this round was abandoned (the caller starts a new one). */
        boolean join(Waiter<T> w) {
            w.round = this; // before the cancelled check: a concurrent cancel then finds the round and leaves it
            synchronized (this) {
                if (abandoned) {
                    return false;
                }
                if (w.isCancelled()) {
                    return true; // cancelled already: never counted
                }
                if (!done) {
                    w.prev = tail;
                    if (tail == null) {
                        head = w;
                    } else {
                        tail.next = w;
                    }
                    tail = w;
                    w.counted = true;
                    live++;
                    return true;
                }
            }
            w.deliver(value, error); // finished: hand over the kept outcome
            return true;
        }

        void startOnce(Mono<T> source) {
            synchronized (this) {
                if (started || abandoned || done) {
                    return;
                }
                started = true;
            }
            source.subscribe(this);
        }

        /** {@code w} cancelled: unlinked at once; the last one of a ref-counted round cancels the source. */
        void leave(Waiter<T> w) {
            Subscription toCancel = null;
            synchronized (this) {
                if (!w.counted) {
                    return; // never counted, already left, or already delivered
                }
                unlink(w);
                live--;
                if (owner.refCount && live == 0 && !done) {
                    abandoned = true;
                    toCancel = upstream;
                }
            }
            if (toCancel != null) {
                toCancel.cancel();
            }
        }

        private void unlink(Waiter<T> w) {
            if (w.prev == null) {
                head = w.next;
            } else {
                w.prev.next = w.next;
            }
            if (w.next == null) {
                tail = w.prev;
            } else {
                w.next.prev = w.prev;
            }
            w.prev = null;
            w.next = null;
            w.counted = false;
        }

        @Override
        public Context currentContext() {
            return context;
        }

        @Override
        public void onSubscribe(Subscription s) {
            boolean cancel;
            synchronized (this) {
                upstream = s;
                cancel = abandoned;
            }
            if (cancel) {
                s.cancel();
            } else {
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(T t) {
            finish(t, null);
        }

        @Override
        public void onError(Throwable t) {
            finish(null, t);
        }

        @Override
        public void onComplete() {
            finish(null, null);
        }

        private void finish(T v, Throwable e) {
            boolean callers = e != null && owner.callersOwn.test(e);
            Waiter<T> w;
            synchronized (this) {
                if (done || abandoned) {
                    return;
                }
                value = v;
                error = e;
                done = true;
                abandoned = callers; // kept for nobody: a later subscriber starts a run of its own
                w = head;
                head = null;
                tail = null;
                for (Waiter<T> x = w; x != null; x = x.next) {
                    x.counted = false; // delivered: a later cancel has nothing to leave
                }
            }
            while (w != null) {
                Waiter<T> next = w.next;
                w.prev = null;
                w.next = null;
                if (!callers || w == starter || sameEntries(w.currentContext(), context)) {
                    w.deliver(v, e);
                } else if (!w.isCancelled()) {
                    // in arrival order: the first makes the next run, in its own context; all join before it starts,
                    // so that a run failing at once still reaches every waiter with that same context
                    Round<T> run = owner.join(w);
                    if (!w.isCancelled()) {
                        owner.startLater(run);
                    }
                }
                w = next;
            }
            if (callers) {
                owner.drainStarts();
            }
        }
    }

    /** Whether {@code a} and {@code b} hold equal values under the same keys (contexts compare by identity). */
    static boolean sameEntries(ContextView a, ContextView b) {
        if (a == b) {
            return true;
        }
        if (a.size() != b.size()) {
            return false;
        }
        return a.stream().allMatch(e -> b.hasKey(e.getKey()) && Objects.equals(b.get(e.getKey()), e.getValue()));
    }

    /** One subscriber; receives the outcome when it has requested it. */
    static final class Waiter<T> extends Operators.MonoSubscriber<T, T> {
        private volatile Round<T> round;
        private Waiter<T> prev; // guarded by the round
        private Waiter<T> next; // guarded by the round
        private boolean counted; // guarded by the round

        Waiter(CoreSubscriber<? super T> actual) {
            super(actual);
        }

        void deliver(T value, Throwable error) {
            if (isCancelled()) {
                return;
            }
            if (error != null) {
                actual.onError(error);
            } else if (value != null) {
                complete(value);
            } else {
                actual.onComplete();
            }
        }

        @Override
        public void cancel() {
            super.cancel();
            Round<T> r = round;
            if (r != null) {
                r.leave(this);
            }
        }
    }
}
