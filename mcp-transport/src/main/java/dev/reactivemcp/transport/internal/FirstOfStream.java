package dev.reactivemcp.transport.internal;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Consumer;
import java.util.function.Function;
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
 *
 * <p>With a {@code route}, each event of the stream is mapped to a {@code Mono} of elements, one event at a time, as
 * {@code concatMap(route)} would (a scalar {@code Mono.just}/{@code Mono.empty} is read without a subscription);
 * with an {@code orElse}, a stream that ends without an element (its failure, or {@code null} when it completed) may
 * be continued by the {@code Mono} that function answers (null: no continuation), as {@code onErrorResume} plus
 * {@code switchIfEmpty} would. One operator per call instead of that chain.
 */
final class FirstOfStream<E, T> extends Mono<T> {

    private final Flux<E> source;
    private final Function<? super E, ? extends Mono<? extends T>> route;
    private final Deadlines grace;
    private final Consumer<Context> onStreamEnd;
    private final Function<Throwable, Mono<T>> orElse;

    /** The first element of {@code source} itself. */
    @SuppressWarnings("unchecked")
    FirstOfStream(Flux<T> source, Deadlines grace) {
        this((Flux<E>) source, null, grace, null, null);
    }

    /**
     * @param route       maps each event to its elements (empty for none), or null: the events are the elements
     * @param onStreamEnd told (with the subscriber's context) when the stream completed or failed; may be null
     * @param orElse      the continuation of a stream that ended without an element; may be null
     */
    FirstOfStream(Flux<E> source, Function<? super E, ? extends Mono<? extends T>> route, Deadlines grace,
                  Consumer<Context> onStreamEnd, Function<Throwable, Mono<T>> orElse) {
        this.source = source;
        this.route = route;
        this.grace = grace;
        this.onStreamEnd = onStreamEnd;
        this.orElse = orElse;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        source.subscribe(new Drain<>(actual, this));
    }

    static final class Drain<E, T> extends Deadlines.Entry implements CoreSubscriber<E>, Subscription {

        private static final int ACTIVE = 0;
        private static final int DONE = 1;
        @SuppressWarnings("rawtypes")
        private static final AtomicIntegerFieldUpdater<Drain> STATE =
                AtomicIntegerFieldUpdater.newUpdater(Drain.class, "state");

        private final CoreSubscriber<? super T> actual;
        private final FirstOfStream<E, T> parent;
        private Subscription upstream;
        private volatile T first;
        private volatile int state;
        private boolean requested;
        /** An event's elements being read (a routed Mono that was not scalar); the stream waits for it. */
        private volatile Subscription inner;
        private volatile boolean innerActive;
        private volatile boolean streamDone;
        /** The continuation after a stream without an element. */
        private volatile Subscription continuation;
        private volatile boolean cancelled;

        Drain(CoreSubscriber<? super T> actual, FirstOfStream<E, T> parent) {
            this.actual = actual;
            this.parent = parent;
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
            if (Operators.validate(n) && !requested) {
                requested = true;
                // the whole stream is drained whatever the demand for one element; routed: one event at a time
                upstream.request(parent.route == null ? Long.MAX_VALUE : 1);
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public void onNext(E event) {
            if (state != ACTIVE) {
                return;
            }
            Function<? super E, ? extends Mono<? extends T>> route = parent.route;
            if (route == null) {
                onValue((T) event);
                return;
            }
            Mono<? extends T> elements;
            T value;
            try {
                elements = route.apply(event);
                if (!(elements instanceof Callable<?> scalar)) {
                    innerActive = true;
                    elements.subscribe(new Inner());
                    return;
                }
                value = (T) scalar.call();
            } catch (Throwable t) {
                upstream.cancel();
                streamFailed(Operators.onOperatorError(t, actual.currentContext()));
                return;
            }
            if (value != null) {
                onValue(value);
            }
            upstream.request(1);
        }

        private void onValue(T value) {
            if (first != null || state != ACTIVE) {
                return; // later responses with the same id are duplicates
            }
            first = value;
            if (!parent.grace.add(this)) {
                expire(false);
            } else if (state != ACTIVE) {
                parent.grace.remove(this);
            }
        }

        @Override
        public void onError(Throwable t) {
            if (innerActive) {
                cancelInner();
            }
            streamFailed(t);
        }

        @Override
        public void onComplete() {
            streamDone = true;
            if (!innerActive) {
                streamCompleted();
            }
        }

        private void streamFailed(Throwable t) {
            if (!end()) {
                Operators.onErrorDropped(t, actual.currentContext());
                return;
            }
            streamEnded();
            T found = first;
            if (found != null) {
                actual.onNext(found);
                actual.onComplete();
            } else if (!continueWith(t)) {
                actual.onError(t);
            }
        }

        private void streamCompleted() {
            if (end()) {
                streamEnded();
                if (first != null || !continueWith(null)) {
                    emitFirst();
                }
            }
        }

        private void streamEnded() {
            Consumer<Context> hook = parent.onStreamEnd;
            if (hook != null) {
                hook.accept(actual.currentContext());
            }
        }

        /** Subscribes the continuation for a stream without an element; false when there is none. */
        private boolean continueWith(Throwable failure) {
            Function<Throwable, Mono<T>> orElse = parent.orElse;
            if (orElse == null) {
                return false;
            }
            Mono<T> next;
            try {
                next = orElse.apply(failure);
            } catch (Throwable t) {
                actual.onError(Operators.onOperatorError(t, actual.currentContext()));
                return true;
            }
            if (next == null) {
                return false;
            }
            next.subscribe(new Continuation());
            return true;
        }

        @Override
        public void cancel() {
            cancelled = true;
            if (end()) {
                upstream.cancel();
                cancelInner();
                return;
            }
            Subscription c = continuation;
            if (c != null) {
                c.cancel();
            }
        }

        private void cancelInner() {
            Subscription s = inner;
            if (s != null) {
                s.cancel();
            }
        }

        @Override
        void expire(boolean closed) {
            if (STATE.compareAndSet(this, ACTIVE, DONE)) {
                upstream.cancel();
                cancelInner();
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
                parent.grace.remove(this);
                return true;
            }
            return false;
        }

        /** Reads the elements of one routed event; the stream's next event is requested once it completes. */
        private final class Inner implements CoreSubscriber<T> {
            @Override
            public Context currentContext() {
                return actual.currentContext();
            }

            @Override
            public void onSubscribe(Subscription s) {
                inner = s;
                if (state != ACTIVE) {
                    s.cancel();
                } else {
                    s.request(Long.MAX_VALUE);
                }
            }

            @Override
            public void onNext(T value) {
                onValue(value);
            }

            @Override
            public void onError(Throwable t) {
                innerActive = false;
                upstream.cancel();
                streamFailed(t);
            }

            @Override
            public void onComplete() {
                innerActive = false;
                if (streamDone) {
                    streamCompleted();
                } else if (state == ACTIVE) {
                    upstream.request(1);
                }
            }
        }

        /** Forwards the continuation's outcome to the subscriber. */
        private final class Continuation implements CoreSubscriber<T> {
            @Override
            public Context currentContext() {
                return actual.currentContext();
            }

            @Override
            public void onSubscribe(Subscription s) {
                continuation = s;
                if (cancelled) {
                    s.cancel();
                } else {
                    s.request(Long.MAX_VALUE);
                }
            }

            @Override
            public void onNext(T value) {
                actual.onNext(value);
            }

            @Override
            public void onError(Throwable t) {
                actual.onError(t);
            }

            @Override
            public void onComplete() {
                actual.onComplete();
            }
        }
    }
}
