package dev.reactivemcp.transport.internal;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Function;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * One call bounded by a session's request timeout and ended by the session's close, in one operator: it replaces
 * {@code takeUntilOther(closed).switchIfEmpty(closedError).timeout(limit).onErrorMap(...).doFinally(...)}, which
 * cost a timer task, a subscription to the close signal (a copy-on-write array as long as the number of calls in
 * flight) and five operators per call.
 *
 * <p>When the deadline passes or the session closes, the upstream is cancelled first (so an era can tell the server,
 * e.g. with {@code notifications/cancelled}), then the subscriber receives the error built by {@code failure}.
 * The upstream is never cancelled after it has signalled a result or an error.
 */
final class GuardedCall<T> extends Mono<T> {

    /** The error for an expired ({@code false}) or closed ({@code true}) call. */
    interface Failure extends Function<Boolean, Throwable> { }

    private final Mono<T> source;
    private final Deadlines deadlines;
    private final Failure failure;
    private final Runnable onEnd;

    /** {@code onEnd} (nullable) runs once when the call ends in any way. */
    GuardedCall(Mono<T> source, Deadlines deadlines, Failure failure, Runnable onEnd) {
        this.source = source;
        this.deadlines = deadlines;
        this.failure = failure;
        this.onEnd = onEnd;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        source.subscribe(new Guard<>(actual, deadlines, failure, onEnd));
    }

    static final class Guard<T> extends Deadlines.Entry implements CoreSubscriber<T>, Subscription {

        private static final int ACTIVE = 0;
        private static final int DONE = 1;
        @SuppressWarnings("rawtypes")
        private static final AtomicIntegerFieldUpdater<Guard> STATE =
                AtomicIntegerFieldUpdater.newUpdater(Guard.class, "state");

        private final CoreSubscriber<? super T> actual;
        private final Deadlines deadlines;
        private final Failure failure;
        private final Runnable onEnd;
        private Subscription upstream;
        private volatile int state;

        Guard(CoreSubscriber<? super T> actual, Deadlines deadlines, Failure failure, Runnable onEnd) {
            this.actual = actual;
            this.deadlines = deadlines;
            this.failure = failure;
            this.onEnd = onEnd;
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (!Operators.validate(upstream, s)) {
                return;
            }
            upstream = s;
            actual.onSubscribe(this);
            if (state != ACTIVE) {
                return; // ended while the subscriber requested (a synchronous answer)
            }
            if (!deadlines.add(this)) {
                expire(true);
            } else if (state != ACTIVE) {
                deadlines.remove(this); // ended on another thread while being linked
            }
        }

        @Override
        public void onNext(T value) {
            if (end()) {
                actual.onNext(value);
                actual.onComplete();
            } else {
                Operators.onNextDropped(value, actual.currentContext());
            }
        }

        @Override
        public void onError(Throwable t) {
            if (end()) {
                actual.onError(t);
            } else {
                Operators.onErrorDropped(t, actual.currentContext());
            }
        }

        @Override
        public void onComplete() {
            if (end()) {
                actual.onComplete();
            }
        }

        @Override
        public void request(long n) {
            upstream.request(n);
        }

        @Override
        public void cancel() {
            if (end()) {
                upstream.cancel();
            }
        }

        @Override
        void expire(boolean closed) {
            if (STATE.compareAndSet(this, ACTIVE, DONE)) {
                runOnEnd();
                upstream.cancel();
                actual.onError(failure.apply(closed));
            }
        }

        private boolean end() {
            if (STATE.compareAndSet(this, ACTIVE, DONE)) {
                deadlines.remove(this);
                runOnEnd();
                return true;
            }
            return false;
        }

        private void runOnEnd() {
            if (onEnd != null) {
                onEnd.run();
            }
        }
    }
}
