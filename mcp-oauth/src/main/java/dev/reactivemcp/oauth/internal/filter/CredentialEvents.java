package dev.reactivemcp.oauth.internal.filter;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.oauth.CredentialEvent;
import dev.reactivemcp.oauth.CredentialEvent.Kind;
import dev.reactivemcp.oauth.CredentialEvent.RefreshReason;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenStoreException;
import dev.reactivemcp.oauth.internal.filter.RefreshTransaction.Reason;
import java.time.Clock;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.Exceptions;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The engine's {@link CredentialEvent}s: a hot multicast that costs one volatile read per emission point while
 * nobody listens. Each subscriber gets its own serialized sink, a bounded buffer that drops its oldest event when
 * full ({@link #BUFFER} waiting, plus up to as many in delivery), and is delivered on its own worker of
 * {@code delivery}: a slow, blocking or throwing subscriber never delays or fails the refresh that emitted.
 * {@link #complete()} (at shutdown) completes every subscriber and every later one.
 */
public final class CredentialEvents {

    /** How many events wait for a slow subscriber before the oldest is dropped. */
    public static final int BUFFER = 256;

    private static final Logger LOG = Loggers.getLogger(CredentialEvents.class);

    private final Clock clock;
    private final Scheduler delivery;
    private final CopyOnWriteArrayList<FluxSink<CredentialEvent>> sinks = new CopyOnWriteArrayList<>();
    private final AtomicLong refreshIds = new AtomicLong();
    private volatile boolean completed;

    CredentialEvents(Clock clock) {
        this(clock, Schedulers.boundedElastic());
    }

    CredentialEvents(Clock clock, Scheduler delivery) {
        this.clock = clock;
        this.delivery = delivery;
    }

    /** The events from now on, for one subscriber (see the class comment for buffering and delivery). */
    public Flux<CredentialEvent> flux() {
        return Flux.<CredentialEvent>create(sink -> {
                    sinks.add(sink);
                    sink.onDispose(() -> sinks.remove(sink));
                    if (completed) {
                        sink.complete();
                    }
                }, FluxSink.OverflowStrategy.BUFFER)
                .onBackpressureBuffer(BUFFER, dropped -> { }, BufferOverflowStrategy.DROP_OLDEST)
                .publishOn(delivery, BUFFER);
    }

    /** Completes every subscriber, present and future. Idempotent. */
    void complete() {
        completed = true;
        sinks.forEach(FluxSink::complete);
    }

    /** Whether someone listens (emission points check this before building anything). */
    boolean active() {
        return !sinks.isEmpty();
    }

    /** A new refresh id, reported with {@link #refreshStarted} and the refresh's end. */
    long nextRefreshId() {
        return refreshIds.incrementAndGet();
    }

    void refreshStarted(long id, StoredCredentials seen, Reason reason) {
        if (active()) {
            emit(refresh(Kind.REFRESH_STARTED, id, seen, reason, null));
        }
    }

    void refreshSucceeded(long id, StoredCredentials seen, Reason reason) {
        if (active()) {
            emit(refresh(Kind.REFRESH_SUCCEEDED, id, seen, reason, null));
        }
    }

    /** A refresh that ended with an error ({@code error}), or with the credentials rejected ({@code rejection}). */
    void refreshFailed(long id, StoredCredentials seen, Reason reason, Throwable error, boolean rejected) {
        if (!active()) {
            return;
        }
        McpFailure failure = error == null ? null : McpFailures.classify(error);
        emit(refresh(Kind.REFRESH_FAILED, id, seen, reason, failure));
        if (rejected) {
            emit(new CredentialEvent(Kind.CREDENTIALS_REJECTED, 0, seen.endpoint(), seen.key().owner(),
                    seen.key().issuer(), null, failure, clock.instant()));
        }
        if (isStoreFailure(error)) {
            storeFailed(seen.endpoint(), seen.key().owner(), seen.key().issuer(), error);
        }
    }

    void loginRequired(String endpoint, String owner, String issuer, Throwable error) {
        if (active()) {
            emit(new CredentialEvent(Kind.LOGIN_REQUIRED, 0, endpoint, owner, issuer, null,
                    McpFailures.classify(error), clock.instant()));
        }
    }

    void loginCompleted(StoredCredentials credentials) {
        if (active()) {
            emit(new CredentialEvent(Kind.LOGIN_COMPLETED, 0, credentials.endpoint(), credentials.key().owner(),
                    credentials.key().issuer(), null, null, clock.instant()));
        }
    }

    void storeFailed(String endpoint, String owner, String issuer, Throwable error) {
        if (active()) {
            emit(new CredentialEvent(Kind.STORE_FAILED, 0, endpoint, owner, issuer, null,
                    McpFailures.classify(error), clock.instant()));
        }
    }

    /** Whether {@code error} is the token store's (a {@link TokenStoreException}, possibly wrapped by Reactor). */
    static boolean isStoreFailure(Throwable error) {
        Throwable t = error == null ? null : Exceptions.unwrap(error);
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) { // depth-guarded: cause cycles
            if (t instanceof TokenStoreException) {
                return true;
            }
        }
        return false;
    }

    private CredentialEvent refresh(Kind kind, long id, StoredCredentials seen, Reason reason, McpFailure failure) {
        return new CredentialEvent(kind, id, seen.endpoint(), seen.key().owner(), seen.key().issuer(),
                publicReason(reason), failure, clock.instant());
    }

    private static RefreshReason publicReason(Reason reason) {
        return switch (reason) {
            case PREFETCH -> RefreshReason.PREFETCH;
            case EXPIRY -> RefreshReason.STALE;
            case UNAUTHORIZED -> RefreshReason.UNAUTHORIZED;
        };
    }

    private void emit(CredentialEvent event) {
        for (FluxSink<CredentialEvent> sink : sinks) {
            try {
                sink.next(event);
            } catch (RuntimeException e) { // never the emitter's problem: the refresh goes on
                LOG.debug("a credential event subscriber failed: {}", e.toString());
            }
        }
    }
}
