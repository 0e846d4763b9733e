package dev.reactivemcp.transport.internal;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * The first element of a response stream, emitted once the stream ends (a server SHOULD end it right after the
 * response) or once the drain grace has passed since the first element arrived, whichever comes first; at the
 * grace the rest of the stream is cancelled. Reading the stream to its end lets the connection go back to the
 * pool; cancelling it mid-message would close it.
 *
 * <p>A failure after the first element (the server broke the connection after answering) still emits the first
 * element. The grace is watched by the channel's {@link Deadlines}: no timer task per stream.
 */
final class FirstOfStream<T> extends Mono<T> {

    private final Flux<T> source;
    private final Deadlines grace;

    FirstOfStream(Flux<T> source, Deadlines grace) {
        this.source = source;
        this.grace = grace;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        source.subscribe(new Drain<>(actual, grace));
    }

    static final class Drain<T> extends Deadlines.Entry implements CoreSubscriber<T>, Subscription {

        private static final int ACTIVE = 0;
        private static final int DONE = 1;
        @SuppressWarnings("rawtypes")
        private static final AtomicIntegerFieldUpdater<Drain> STATE =
                AtomicIntegerFieldUpdater.newUpdater(Drain.class, "state");

        private final CoreSubscriber<? super T> actual;
        private final Deadlines grace;
        private Subscription upstream;
        private volatile T first;
        private volatile int state;

        Drain(CoreSubscriber<? super T> actual, Deadlines grace) {
            this.actual = actual;
            this.grace = grace;
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.validate(upstream, s)) {
                upstream = s;
                actual.onSubscribe(this);
            }
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                upstream.request(Long.MAX_VALUE); // the whole stream is drained whatever the demand for one element
            }
        }

        @Override
        public void onNext(T value) {
            if (first != null || state != ACTIVE) {
                return; // later responses with the same id are duplicates; other messages were routed upstream
            }
            first = value;
            if (!grace.add(this)) {
                expire(false);
            } else if (state != ACTIVE) {
                grace.remove(this);
            }
        }

        @Override
        public void onError(Throwable t) {
            if (!end()) {
                Operators.onErrorDropped(t, actual.currentContext());
                return;
            }
            T found = first;
            if (found != null) {
                actual.onNext(found);
                actual.onComplete();
            } else {
                actual.onError(t);
            }
        }

        @Override
        public void onComplete() {
            if (end()) {
                emitFirst();
            }
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
                upstream.cancel();
                emitFirst();
            }
        }

        private void emitFirst() {
            T found = first;
            if (found != null) {
                actual.onNext(found);
            }
            actual.onComplete();
        }

        private boolean end() {
            if (STATE.compareAndSet(this, ACTIVE, DONE)) {
                grace.remove(this);
                return true;
            }
            return false;
        }
    }
}
