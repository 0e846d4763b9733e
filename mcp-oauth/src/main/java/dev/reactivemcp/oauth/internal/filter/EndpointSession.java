package dev.reactivemcp.oauth.internal.filter;

import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenProvider;
import dev.reactivemcp.oauth.internal.filter.RefreshTransaction.Outcome;
import dev.reactivemcp.oauth.internal.filter.RefreshTransaction.Reason;
import dev.reactivemcp.transport.ExchangeFunction;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.McpHttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;
import reactor.util.retry.Retry;

/**
 * The credentials of one owner at one MCP endpoint as the filter sees them: a snapshot loaded once from the store, replaced by
 * refreshes and logins, and the refresh policy applied to it on every request. It asks the {@link TokenCore} for
 * loads, refreshes and acquisitions; refreshes that other sessions ran reach it through the core's
 * {@link LatestCredentials}, which it reads before using its snapshot (the core never calls a session).
 */
final class EndpointSession {

    private static final Logger LOG = Loggers.getLogger(EndpointSession.class);

    private final String endpoint;
    private final String owner;
    private final TokenCore core;
    private final LatestCredentials.Slot latest;
    private final AtomicReference<Snapshot> current = new AtomicReference<>();
    private final AtomicBoolean prefetching = new AtomicBoolean();

    /** The {@link LatestCredentials.Slot#version()} this session last looked at. */
    private volatile long seenVersion = -1;

    /** The filter's fast-path answer for the current fresh snapshot (a {@code TokenFilter.Ready}), reused. */
    volatile Object freshReady;

    /** When this session was last handed to a request, in milliseconds of the core's clock (eviction). */
    volatile long lastUsedMillis;

    EndpointSession(String endpoint, String owner, TokenCore core) {
        this.endpoint = endpoint;
        this.owner = owner;
        this.core = core;
        this.latest = core.latest().slot(owner);
        this.lastUsedMillis = core.clock().millis();
    }

    String endpoint() {
        return endpoint;
    }

    /** The owner whose credentials this session holds (never another's). */
    String owner() {
        return owner;
    }

    /** The current snapshot, loading it from the store (once for all concurrent callers) the first time. */
    Mono<Snapshot> current() {
        Snapshot s = synced();
        if (s != null) {
            return Mono.just(s);
        }
        return core.load(endpoint, owner).map(loaded -> {
            current.compareAndSet(null, loaded);
            return current.get();
        });
    }

    /**
     * The current snapshot when it can be sent as is with no refresh work (loaded, holding a token, not rejected,
     * before its prefetch instant), else null: the filter's synchronous fast path. {@link #forRequest()} decides
     * every other case.
     */
    Snapshot freshNow() {
        Snapshot s = synced();
        if (s == null || s.isNone() || s.credentials().rejected()) {
            return null;
        }
        return s.phase(core.clock().instant()) == Snapshot.Phase.FRESH ? s : null;
    }

    /**
     * The snapshot to send now: fresh as is; in the prefetch window as is, with one background refresh started;
     * stale: after the shared refresh. Fails with authentication-required when the credentials are unusable.
     */
    Mono<Snapshot> forRequest() {
        return current().flatMap(snap -> {
            if (snap.isNone()) {
                return Mono.just(snap);
            }
            Instant now = core.clock().instant();
            if (snap.credentials().rejected()) {
                return Mono.error(unusable("the authorization server rejected the stored refresh token", true));
            }
            switch (snap.phase(now)) {
                case FRESH:
                    return Mono.just(snap);
                case PREFETCH:
                    if (snap.refreshable()) {
                        startPrefetch(snap);
                    }
                    return Mono.just(snap);
                default:
                    return stale(snap, now);
            }
        });
    }

    private Mono<Snapshot> stale(Snapshot snap, Instant now) {
        if (!snap.refreshable()) {
            return snap.isExpired(now)
                    ? Mono.error(unusable("the access token expired and no refresh token is stored", false))
                    : Mono.just(snap);
        }
        return refreshed(snap, Reason.EXPIRY)
                .onErrorResume(e -> !AuthFailures.isAuthenticationRequired(e)
                        && !snap.isExpired(core.clock().instant()), e -> Mono.just(snap));
    }

    /**
     * After a 401 for {@code sent}: the token that replaced it if there is one already (no refresh), else the
     * result of one refresh keyed on exactly {@code sent}. With nothing sent, the store is reread. Emits
     * {@link Snapshot#NONE} when nothing is stored; fails when nothing new can be had.
     */
    Mono<Snapshot> afterRejection(Snapshot sent) {
        Snapshot now = synced();
        if (now != null && !now.isNone() && !now.sameToken(sent) && !now.credentials().rejected()) {
            return forRequest();
        }
        if (sent.isNone()) {
            return core.reload(endpoint, owner).flatMap(loaded -> {
                publish(loaded);
                return loaded.isNone() ? Mono.just(loaded) : forRequest();
            });
        }
        return refreshed(sent, Reason.UNAUTHORIZED).flatMap(fresh -> fresh.sameToken(sent)
                ? Mono.error(unusable("the access token was rejected and the refresh returned the same token", true))
                : Mono.just(fresh));
    }

    /**
     * The snapshot as it is, for a request that must never start or wait for a refresh (the DELETE that ends a
     * session, a cancellation notice): loaded from the store the first time, otherwise untouched.
     */
    Mono<Snapshot> asIs() {
        return current();
    }

    /**
     * The current snapshot (or {@code null} before the first load), first replaced by what a refresh transaction
     * published for the same credentials since this session last looked, when that is newer. One volatile read
     * while nothing was published.
     */
    private Snapshot synced() {
        Snapshot s = current.get();
        long version = latest.version();
        if (version == seenVersion || s == null || s.isNone()) {
            return s;
        }
        Snapshot published = latest.latest(s.credentials().key());
        seenVersion = version;
        return published == null || published == s ? s : publish(published);
    }

    /** Makes {@code credentials} (from a login) current. */
    Snapshot adopt(StoredCredentials credentials) {
        return publish(core.snapshot(credentials));
    }

    private Mono<Snapshot> refreshed(Snapshot seen, Reason reason) {
        return core.refresh(seen.credentials(), reason).flatMap(this::publish);
    }

    private Mono<Snapshot> publish(Outcome outcome) {
        Snapshot published = publish(outcome.snapshot() != null ? outcome.snapshot() : core.snapshot(outcome.credentials()));
        if (outcome.rejected()) {
            return Mono.error(AuthFailures.authenticationRequired(List.of(), true,
                    "the authorization server rejected the refresh token", outcome.rejection()));
        }
        return Mono.just(published);
    }

    private Snapshot publish(Snapshot fresh) {
        if (!fresh.isNone() && !fresh.credentials().key().owner().equals(owner)) {
            throw new IllegalStateException("credentials of another owner reached this owner's session");
        }
        return current.accumulateAndGet(fresh, EndpointSession::newer);
    }

    private static Snapshot newer(Snapshot old, Snapshot fresh) {
        if (old == null || old.isNone() || fresh.isNone()) {
            return fresh.isNone() && old != null && !old.isNone() ? old : fresh;
        }
        Instant a = old.credentials().updatedAt();
        Instant b = fresh.credentials().updatedAt();
        return a != null && b != null && b.isBefore(a) && old.credentials().key().equals(fresh.credentials().key())
                ? old : fresh;
    }

    private void startPrefetch(Snapshot snap) {
        if (!core.backgroundAllowed() || !prefetching.compareAndSet(false, true)) {
            return;
        }
        Duration untilStale = Duration.between(core.clock().instant(), snap.staleAt());
        RefreshPolicy policy = core.policy();
        // Background work no caller waits for: tracked by the core, bounded by the stale instant.
        core.track(refreshed(snap, Reason.PREFETCH)
                .retryWhen(Retry.backoff(Long.MAX_VALUE, policy.minBackoff()).maxBackoff(policy.maxBackoff())
                        .filter(e -> !AuthFailures.isAuthenticationRequired(e)).scheduler(core.timer()))
                .take(untilStale.isNegative() ? Duration.ZERO : untilStale, core.timer())
                .doOnError(e -> LOG.debug("prefetch refresh for {} failed: {}", endpoint, e.toString()))
                .doFinally(signal -> prefetching.set(false)));
    }

    private RuntimeException unusable(String why, boolean rejected) {
        return AuthFailures.authenticationRequired(List.of(), rejected, why, null);
    }

    /** New credentials from the core's providers (one acquisition per endpoint at a time), persisted. */
    Mono<StoredCredentials> acquire(TokenProvider.Context context) {
        return core.login(context);
    }

    /** Sends {@code request} with {@code snapshot}'s token (DPoP-proved when bound): see {@link TokenCore#send}. */
    Mono<McpHttpResponse> send(McpHttpRequest request, Snapshot snapshot, String authorization, ExchangeFunction next) {
        return core.send(request, snapshot, authorization, next);
    }

    /** Whether a 401 or 403 may start an acquisition. */
    boolean acquisitionAllowed() {
        return core.loginAllowed();
    }

    /** Now, on the core's clock. */
    Instant now() {
        return core.clock().instant();
    }

    /**
     * Reports a call of this session's owner that failed with {@code error}, when someone listens and it means a
     * login is required (nothing is classified while nobody listens).
     */
    void loginRequired(Throwable error) {
        CredentialEvents events = core.events();
        if (events.active() && AuthFailures.isAuthenticationRequired(error)) {
            Snapshot s = current.get();
            events.loginRequired(endpoint, owner, s == null || s.isNone() ? null : s.credentials().key().issuer(), error);
        }
    }

    /** Whether a background prefetch is running (tests). */
    boolean isPrefetching() {
        return prefetching.get();
    }
}
