package dev.reactivemcp.transport.internal;

import java.util.concurrent.atomic.AtomicReference;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * One subscription to a {@code Mono} shared by every subscriber that arrives while it runs, each added in constant
 * time. Reactor's {@code cache()} and {@code share()} copy their array of subscribers on every arrival, which is
 * quadratic in the number of concurrent waiters: 10,000 callers waiting for one token refresh or one handshake
 * allocated hundreds of megabytes and resumed late.
 *
 * <p>Both flavours keep the outcome for every later subscriber. {@link #cached(Mono)} never cancels its source;
 * {@link #refCounted(Mono)} cancels it when every subscriber has cancelled before the outcome, and the next
 * subscriber then starts it again. The source runs with the context of the subscriber that started it.
 */
public final class SharedMono<T> extends Mono<T> {

    private final Mono<T> source;
    private final boolean refCount;
    private final AtomicReference<Round<T>> current = new AtomicReference<>();

    private SharedMono(Mono<T> source, boolean refCount) {
        this.source = source;
        this.refCount = refCount;
    }

    /** Runs {@code source} once, at the first subscription, and gives its outcome to every subscriber. */
    public static <T> SharedMono<T> cached(Mono<T> source) {
        return new SharedMono<>(source, false);
    }

    /** Shares one run of {@code source} while anyone waits for it; cancelled when nobody does any more. */
    public static <T> SharedMono<T> refCounted(Mono<T> source) {
        return new SharedMono<>(source, true);
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
        for (;;) {
            Round<T> round = current.get();
            if (round == null || round.abandoned()) {
                Round<T> fresh = new Round<>(this, actual.currentContext());
                if (!current.compareAndSet(round, fresh)) {
                    continue;
                }
                round = fresh;
            }
            if (round.join(waiter)) {
                if (!waiter.isCancelled()) {
                    round.startOnce(source); // nobody waits for a subscriber that cancelled in onSubscribe
                }
                return;
            }
        }
    }

    /** One run of the source and the subscribers waiting for it (an intrusive list: join and leave are O(1)). */
    static final class Round<T> implements CoreSubscriber<T> {
        private final SharedMono<T> owner;
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

        Round(SharedMono<T> owner, Context context) {
            this.owner = owner;
            this.context = context;
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
            Waiter<T> w;
            synchronized (this) {
                if (done || abandoned) {
                    return;
                }
                value = v;
                error = e;
                done = true;
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
                w.deliver(v, e);
                w = next;
            }
        }
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
