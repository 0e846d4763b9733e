package dev.reactivemcp.transport.internal;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.transport.ListeningState;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The listening stream of one client for its whole life (issue 10, item 2): the era supplies one attempt (open the
 * GET stream, or one {@code subscriptions/listen} call) and this loop repeats it. After a graceful end it re-opens
 * after the server's SSE {@code retry} (or the reconnect delay); after a failure with exponential backoff from that
 * delay, jittered, capped, and without a limit on attempts. It stops only on {@link #stop()} or a definitive
 * {@link Outcome#NOT_SUPPORTED}; {@link Outcome#SESSION_LOST} waits for {@link #reopenAfterNewSession()} (and
 * retries at the cap meanwhile). Every delay runs on the client's scheduler. Its state is published to a sink the
 * session owns; a WARN is logged once when it stays down longer than the configured threshold, an INFO when it is
 * back after that.
 */
final class ListeningStream {

    private static final Logger log = Loggers.getLogger(ListeningStream.class);

    /** How one attempt ended (a failure is an error signal). */
    enum Outcome {
        /** The stream was open and the server ended it. */
        ENDED,
        /** The server has no listening stream (405, or the method is rejected): stop for good. */
        NOT_SUPPORTED,
        /** The server forgot the session (404 to a GET carrying the session id). */
        SESSION_LOST
    }

    /** One attempt of the era: calls {@code events.opened()} when the stream is open, then ends with its outcome. */
    interface Attempt {
        Mono<Outcome> open(Events events);
    }

    /** What an attempt reports while it runs. */
    interface Events {
        /** The server accepted the stream; notifications flow. */
        void opened();

        /** The server's SSE {@code retry} field, in milliseconds. */
        void retryHint(long millis);
    }

    private final String what;
    private final Attempt attempt;
    private final Scheduler scheduler;
    private final Duration baseDelay;
    private final Duration maxDelay;
    private final Duration warnAfter;
    private final Consumer<ListeningState> publish;
    private final Sinks.Empty<Void> terminated = Sinks.empty();
    // plain volatile fields with handles, not AtomicReference boxes (issue 16, heap per idle client)
    private static final VarHandle WAKE = LazyInit.handle(MethodHandles.lookup(), "wake", Runnable.class);
    private static final VarHandle WARNING = LazyInit.handle(MethodHandles.lookup(), "warning", Disposable.class);
    /** Ends the wait in progress (backoff or session loss) early; see {@link #reopenAfterNewSession()}. */
    private volatile Runnable wake;
    private volatile Disposable warning;
    private final Events events = new Events() {
        @Override
        public void opened() {
            ListeningStream.this.opened();
        }

        @Override
        public void retryHint(long millis) {
            hintMillis = millis;
        }
    };

    private volatile Disposable running;
    private volatile Runnable onEnded;
    private volatile boolean stopped;
    private volatile long hintMillis = -1;
    private volatile int attempts;
    private volatile long downSinceMillis = -1;
    private volatile boolean warned;
    private volatile boolean everOpen;
    private volatile ListeningState.Kind current;
    private volatile String lastReason;
    private volatile long waitStartedMillis;

    ListeningStream(String what, Attempt attempt, Scheduler scheduler, Duration baseDelay, Duration maxDelay,
                    Duration warnAfter, Consumer<ListeningState> publish) {
        this.what = what;
        this.attempt = attempt;
        this.scheduler = scheduler;
        this.baseDelay = baseDelay;
        this.maxDelay = maxDelay.compareTo(baseDelay) < 0 ? baseDelay : maxDelay;
        this.warnAfter = warnAfter;
        this.publish = publish;
    }

    /** Runs {@code r} when the loop has ended, stopped or by itself (set before {@link #start()}). */
    ListeningStream onEnded(Runnable r) {
        onEnded = r;
        return this;
    }

    /** Starts the loop (once). */
    ListeningStream start() {
        state(ListeningState.Kind.CONNECTING, null);
        running = Mono.just(Next.NOW)
                .expand(this::cycle)
                .then()
                .doFinally(s -> {
                    cancelWarning();
                    terminated.tryEmitEmpty();
                    Runnable r = onEnded;
                    if (r != null) {
                        r.run();
                    }
                })
                .subscribe(null, e -> log.warn("{} loop failed unexpectedly: {}", what, e.toString()));
        return this;
    }

    /**
     * The client has a new session: a stream waiting for one (or backing off) is re-opened now. Harmless in any
     * other state.
     */
    void reopenAfterNewSession() {
        Runnable w = wake;
        if (w != null) {
            log.debug("{}: new session, re-opening now", what);
            w.run();
        }
    }

    /**
     * A call to the same endpoint just succeeded: while the stream is backing off after failures, that is proof the
     * server is reachable again, so the stream is re-opened now instead of after the rest of its (possibly long)
     * backoff. At most once per reconnect delay, so a server that answers calls but fails the stream is not
     * hammered.
     */
    void serverReachable() {
        Runnable w = wake;
        if (w == null || current != ListeningState.Kind.RECONNECTING || attempts == 0
                || nowMillis() - waitStartedMillis < baseDelay.toMillis()) {
            return;
        }
        log.debug("{}: a call succeeded, re-opening now", what);
        w.run();
    }

    /** Stops the stream for good and completes once its loop has ended (its connection released). */
    Mono<Void> stop() {
        return Mono.defer(() -> {
            stopped = true;
            Disposable r = running;
            if (r != null) {
                r.dispose();
            }
            cancelWarning();
            if (current != ListeningState.Kind.STOPPED) {
                state(ListeningState.Kind.STOPPED, "the client closed");
            }
            return r == null ? Mono.<Void>empty() : terminated.asMono();
        });
    }

    /**
     * What to do next: announce {@code kind} (with {@code reason}) once the timer is set, wait {@code delay} (or less
     * when a new session arrives), then attempt again.
     */
    private record Next(Duration delay, ListeningState.Kind kind, String reason) {
        static final Next NOW = new Next(Duration.ZERO, null, null);
    }

    private Mono<Next> cycle(Next next) {
        return waitFor(next)
                .then(Mono.defer(() -> attempt.open(events)))
                .switchIfEmpty(Mono.just(Outcome.ENDED))
                .map(this::after)
                .onErrorResume(e -> !stopped, e -> Mono.just(failed(e)))
                .filter(n -> n != STOP);
    }

    private static final Next STOP = new Next(Duration.ZERO, null, null);

    /** The timer is set before the state is announced, so an observer of the state can advance time past it. */
    private Mono<Void> waitFor(Next next) {
        if (next.kind() == null) {
            return Mono.empty();
        }
        return Mono.create(sink -> {
            Runnable fire = sink::success; // the first of timer and wake-up wins; a MonoSink ignores the second
            waitStartedMillis = nowMillis();
            wake = fire;
            Disposable timer = scheduler.schedule(fire, next.delay().toMillis(), TimeUnit.MILLISECONDS);
            sink.onDispose(() -> {
                timer.dispose();
                WAKE.compareAndSet(this, fire, (Runnable) null);
            });
            state(next.kind(), next.reason());
        });
    }

    private Next after(Outcome outcome) {
        switch (outcome) {
            case NOT_SUPPORTED:
                log.info("{}: the server has none; not re-opened", what);
                stopped = true;
                cancelWarning();
                state(ListeningState.Kind.STOPPED, "the server has no listening stream");
                return STOP;
            case SESSION_LOST:
                attempts++;
                wentDown();
                log.info("{}: the server no longer knows the session; re-opened with the next session", what);
                return new Next(maxDelay, ListeningState.Kind.SESSION_LOST, "the server no longer knows the session");
            default:
                // graceful end of an open stream: re-open after the server's retry (or the reconnect delay)
                attempts = 0;
                wentDown();
                log.debug("{} ended by the server; re-opening", what);
                return new Next(hintOr(baseDelay), ListeningState.Kind.RECONNECTING, "ended by the server");
        }
    }

    private Next failed(Throwable e) {
        if (e instanceof McpException m && m.failure() instanceof McpFailure.SessionExpired) {
            return after(Outcome.SESSION_LOST);
        }
        int n = ++attempts;
        wentDown();
        String reason = McpFailures.classify(e).describe();
        Duration delay = backoff(n);
        log.debug("{} failed (attempt {}): {}; re-opening in {} ms", what, n, reason, delay.toMillis());
        return new Next(delay, ListeningState.Kind.RECONNECTING, reason);
    }

    /** {@code base * 2^(n-1)}, jittered up by as much as a quarter, capped; never below the server's retry. */
    Duration backoff(int n) {
        long base = hintOr(baseDelay).toMillis();
        long cap = Math.max(maxDelay.toMillis(), base);
        long d = base << Math.min(n - 1, 20);
        if (d <= 0 || d > cap) {
            d = cap;
        }
        long jitter = d / 4 > 0 ? ThreadLocalRandom.current().nextLong(d / 4 + 1) : 0;
        return Duration.ofMillis(Math.max(base, Math.min(cap, d + jitter)));
    }

    private Duration hintOr(Duration fallback) {
        long h = hintMillis;
        return h >= 0 ? Duration.ofMillis(h) : fallback;
    }

    private void opened() {
        long since = downSinceMillis;
        attempts = 0;
        downSinceMillis = -1;
        cancelWarning();
        if (warned) {
            warned = false;
            log.info("{} is open again after {} ms down", what, nowMillis() - since);
        } else if (everOpen) {
            log.debug("{} is open again", what);
        }
        everOpen = true;
        state(ListeningState.Kind.OPEN, null);
    }

    private void wentDown() {
        if (downSinceMillis >= 0 || stopped) {
            return;
        }
        downSinceMillis = nowMillis();
        Disposable timer = scheduler.schedule(this::downTooLong, warnAfter.toMillis(), TimeUnit.MILLISECONDS);
        Disposable previous = (Disposable) WARNING.getAndSet(this, timer);
        if (previous != null) {
            previous.dispose();
        }
    }

    private void downTooLong() {
        if (downSinceMillis < 0 || stopped || warned) {
            return;
        }
        warned = true;
        log.warn("{} has been down for {} ms ({} failed attempts; last: {}); server notifications are not arriving. "
                + "Still re-opening it.", what, nowMillis() - downSinceMillis, attempts, lastReason());
    }

    private String lastReason() {
        String r = lastReason;
        return r == null ? "none" : r;
    }

    private void cancelWarning() {
        Disposable d = (Disposable) WARNING.getAndSet(this, (Disposable) null);
        if (d != null) {
            d.dispose();
        }
    }

    private void state(ListeningState.Kind kind, String reason) {
        current = kind;
        if (reason != null) {
            lastReason = reason;
        }
        long since = kind == ListeningState.Kind.RECONNECTING || kind == ListeningState.Kind.SESSION_LOST
                ? downSinceMillis : nowMillis();
        publish.accept(new ListeningState(kind, Instant.ofEpochMilli(since < 0 ? nowMillis() : since), attempts,
                reason));
    }

    private long nowMillis() {
        return scheduler.now(TimeUnit.MILLISECONDS);
    }
}
