package dev.reactivemcp.transport.internal.sse;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.Consumer;
import java.util.function.Function;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Reactor adapter for {@link SseDecoder}: turns a body of byte chunks into {@link SseEvent}s.
 * Decoding failures are signalled as {@link SseDecodingException}, after the events decoded before
 * them (including those from the same chunk), and cancel the body.
 *
 * <pre>{@code
 * SseDecoder decoder = new SseDecoder(maxEventBytes, maxLineBytes);
 * SseFlux.decode(body, decoder)
 *     .doFinally(signal -> maybeResume(decoder.lastEventId(), decoder.retryMillis()));
 * }</pre>
 *
 * <p>One operator per stream (no operator chain): the body is requested one chunk at a time, once the events of the
 * previous chunk have been emitted, so the body source keeps the queue; events are emitted as demanded.
 */
public final class SseFlux extends Flux<SseEvent> {

    private final Flux<byte[]> chunks;
    private final SseDecoder decoder;
    private final Function<? super SseDecodingException, ? extends Throwable> onDecodingError;
    private final Runnable onFinally;

    private SseFlux(Flux<byte[]> chunks, SseDecoder decoder,
                    Function<? super SseDecodingException, ? extends Throwable> onDecodingError, Runnable onFinally) {
        this.chunks = chunks;
        this.decoder = decoder;
        this.onDecodingError = onDecodingError;
        this.onFinally = onFinally;
    }

    /** Decodes {@code chunks} with a fresh decoder per subscription. */
    public static Flux<SseEvent> decode(Flux<byte[]> chunks, int maxEventBytes, int maxLineBytes) {
        Objects.requireNonNull(chunks, "chunks");
        new SseDecoder(maxEventBytes, maxLineBytes); // rejects bad limits at assembly time
        return Flux.defer(() -> decode(chunks, new SseDecoder(maxEventBytes, maxLineBytes)));
    }

    /**
     * Decodes {@code chunks} with a decoder the caller owns, so that it can read
     * {@link SseDecoder#lastEventId()} and {@link SseDecoder#retryMillis()} while or after streaming
     * (to resume with {@code Last-Event-ID}). The result may be subscribed to once: a decoder holds the
     * state of one stream, so a second subscription fails with {@link IllegalStateException}.
     */
    public static Flux<SseEvent> decode(Flux<byte[]> chunks, SseDecoder decoder) {
        return decode(chunks, decoder, e -> e, () -> { });
    }

    /**
     * As {@link #decode(Flux, SseDecoder)}, signalling {@code onDecodingError}'s answer instead of a
     * {@link SseDecodingException}, and running {@code onFinally} once after the stream completed, failed or was
     * cancelled (as {@code onErrorMap(SseDecodingException.class, ...).doFinally(...)} would, in one operator).
     */
    public static Flux<SseEvent> decode(Flux<byte[]> chunks, SseDecoder decoder,
                                        Function<? super SseDecodingException, ? extends Throwable> onDecodingError,
                                        Runnable onFinally) {
        return new SseFlux(Objects.requireNonNull(chunks, "chunks"), Objects.requireNonNull(decoder, "decoder"),
                Objects.requireNonNull(onDecodingError, "onDecodingError"), Objects.requireNonNull(onFinally, "onFinally"));
    }

    @Override
    public void subscribe(CoreSubscriber<? super SseEvent> actual) {
        try {
            decoder.attach();
        } catch (IllegalStateException e) {
            Operators.error(actual, e);
            return;
        }
        chunks.subscribe(new Events(actual, decoder, onDecodingError, onFinally));
    }

    /**
     * Feeds chunks to the decoder and emits the events. Every decoder and buffer access happens in the drain loop
     * (one thread at a time, serialised by {@code wip}); {@code onNext} only hands the chunk over.
     */
    static final class Events implements CoreSubscriber<byte[]>, Subscription, Consumer<SseEvent> {

        @SuppressWarnings("rawtypes")
        private static final AtomicIntegerFieldUpdater<Events> WIP =
                AtomicIntegerFieldUpdater.newUpdater(Events.class, "wip");
        @SuppressWarnings("rawtypes")
        private static final AtomicIntegerFieldUpdater<Events> FINALLY =
                AtomicIntegerFieldUpdater.newUpdater(Events.class, "finallyRun");
        @SuppressWarnings("rawtypes")
        private static final AtomicLongFieldUpdater<Events> REQUESTED =
                AtomicLongFieldUpdater.newUpdater(Events.class, "requested");

        private final CoreSubscriber<? super SseEvent> actual;
        private final SseDecoder decoder;
        private final Function<? super SseDecodingException, ? extends Throwable> onDecodingError;
        private final Runnable onFinally;
        private Subscription upstream;

        /** The chunk handed over by {@code onNext}, fed in the drain loop. */
        private volatile byte[] chunk;
        private volatile Throwable upstreamError;
        private volatile boolean upstreamDone;
        private volatile boolean cancelled;
        private volatile long requested;
        private volatile int wip;
        private volatile int finallyRun;

        // drain loop only
        private SseEvent first;
        private ArrayDeque<SseEvent> more;
        private Throwable decodingError;
        private boolean chunkRequested;
        private boolean terminated;

        Events(CoreSubscriber<? super SseEvent> actual, SseDecoder decoder,
               Function<? super SseDecodingException, ? extends Throwable> onDecodingError, Runnable onFinally) {
            this.actual = actual;
            this.decoder = decoder;
            this.onDecodingError = onDecodingError;
            this.onFinally = onFinally;
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
        public void onNext(byte[] bytes) {
            if (upstreamDone) {
                Operators.onNextDropped(bytes, actual.currentContext());
                return;
            }
            chunk = bytes;
            drain();
        }

        @Override
        public void onError(Throwable t) {
            if (upstreamDone) {
                Operators.onErrorDropped(t, actual.currentContext());
                return;
            }
            upstreamError = t;
            upstreamDone = true;
            drain();
        }

        @Override
        public void onComplete() {
            if (upstreamDone) {
                return;
            }
            upstreamDone = true;
            drain();
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                Operators.addCap(REQUESTED, this, n);
                drain();
            }
        }

        @Override
        public void cancel() {
            if (cancelled) {
                return;
            }
            cancelled = true;
            upstream.cancel();
            drain(); // clears what is buffered
            runFinally();
        }

        /** The decoder's sink: buffers the events of the chunk being fed. */
        @Override
        public void accept(SseEvent event) {
            if (first == null && (more == null || more.isEmpty())) {
                first = event;
                return;
            }
            if (more == null) {
                more = new ArrayDeque<>();
            }
            more.add(event);
        }

        private SseEvent poll() {
            SseEvent e = first;
            if (e != null) {
                first = null;
                return e;
            }
            return more == null ? null : more.poll();
        }

        private boolean hasBuffered() {
            return first != null || (more != null && !more.isEmpty());
        }

        private void clearBuffer() {
            first = null;
            more = null;
            chunk = null;
        }

        private void drain() {
            if (WIP.getAndIncrement(this) != 0) {
                return;
            }
            int missed = 1;
            for (;;) {
                if (cancelled || terminated) {
                    clearBuffer();
                } else {
                    drainOnce();
                }
                missed = WIP.addAndGet(this, -missed);
                if (missed == 0) {
                    return;
                }
            }
        }

        private void drainOnce() {
            byte[] c = chunk;
            if (c != null) {
                chunk = null;
                chunkRequested = false;
                feed(c);
            }
            Throwable failed = upstreamError;
            if (failed != null && decodingError == null) {
                terminate(failed); // as concatMap does: the body's failure is signalled at once
                return;
            }
            long r = requested;
            long emitted = 0;
            while (emitted != r && !cancelled) {
                SseEvent e = poll();
                if (e == null) {
                    break;
                }
                actual.onNext(e);
                emitted++;
            }
            if (emitted != 0 && r != Long.MAX_VALUE) {
                REQUESTED.addAndGet(this, -emitted);
            }
            if (cancelled || hasBuffered()) {
                return;
            }
            if (decodingError != null) {
                terminate(decodingError);
            } else if (upstreamDone) {
                complete();
            } else if (!chunkRequested && requested != 0) {
                chunkRequested = true;
                upstream.request(1);
            }
        }

        private void feed(byte[] c) {
            try {
                decoder.feed(c, this);
            } catch (SseDecodingException e) {
                upstream.cancel();
                decodingError = onDecodingError.apply(e);
            } catch (RuntimeException e) {
                upstream.cancel();
                decodingError = Operators.onOperatorError(e, actual.currentContext());
            }
        }

        private void complete() {
            terminated = true;
            try {
                decoder.finish(); // never emits: records how the stream ended
            } catch (RuntimeException e) {
                actual.onError(Operators.onOperatorError(e, actual.currentContext()));
                runFinally();
                return;
            }
            actual.onComplete();
            runFinally();
        }

        private void terminate(Throwable t) {
            terminated = true;
            clearBuffer();
            actual.onError(t);
            runFinally();
        }

        private void runFinally() {
            if (FINALLY.compareAndSet(this, 0, 1)) {
                try {
                    onFinally.run();
                } catch (RuntimeException e) {
                    Operators.onErrorDropped(e, actual.currentContext());
                }
            }
        }
    }
}
