package dev.reactivemcp.oauth.internal.filter;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenProvider;
import dev.reactivemcp.oauth.internal.dpop.DpopLayer;
import dev.reactivemcp.oauth.internal.filter.RefreshTransaction.Outcome;
import dev.reactivemcp.oauth.internal.filter.RefreshTransaction.Reason;
import dev.reactivemcp.transport.ExchangeFunction;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.McpHttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * What every endpoint session asks for, shared by all of them: loading from the store (one read per endpoint and
 * owner at a time), the one refresh transaction per credential (owner included) and seen token (single-flight,
 * guarded at JVM exit), the one acquisition per endpoint and owner, sending through the DPoP layer, background work
 * it owns and waits for, and shutdown. Every single-flight key holds the owner: one owner's load, refresh or login
 * never makes another owner's call wait, and is never joined by it.
 * It knows no session and no grant: outcomes go to {@link #latest()}, which sessions read; tokens come from the
 * {@link TokenProvider} chain.
 */
final class TokenCore {

    private final EngineConfig config;
    private final RefreshTransaction transaction;
    private final SingleFlight<FlightKey, Outcome> refreshes = new SingleFlight<>(true);
    private final SingleFlight<Scope, Snapshot> loads = new SingleFlight<>();
    private final SingleFlight<Scope, StoredCredentials> logins = new SingleFlight<>();
    private final LatestCredentials latest = new LatestCredentials();
    private final Disposable.Composite background = Disposables.composite();
    private final AtomicBoolean shuttingDown = new AtomicBoolean();
    private final CredentialEvents events;

    TokenCore(EngineConfig config) {
        this.config = config;
        this.events = new CredentialEvents(config.clock());
        this.transaction = new RefreshTransaction(config.store(), config.providers(), config.clock(), config.timer(),
                config.policy());
    }

    /** The outcomes of refresh transactions, per credential, as they are persisted. */
    LatestCredentials latest() {
        return latest;
    }

    /** The credential events of this engine (refreshes, logins, rejections, store failures). */
    CredentialEvents events() {
        return events;
    }

    /** Completes once no refresh transaction runs (those started meanwhile included). */
    Mono<Void> awaitIdle() {
        return refreshes.idle();
    }

    /** The best stored snapshot of {@code owner}'s credentials for {@code endpoint}, read once for all concurrent callers. */
    Mono<Snapshot> load(String endpoint, String owner) {
        return loads.run(new Scope(endpoint, owner), () -> reload(endpoint, owner));
    }

    /**
     * The best stored snapshot of {@code owner}'s credentials for {@code endpoint}: usable before rejected, then the
     * most recently updated; never another owner's (checked here too, whatever the store returns).
     */
    Mono<Snapshot> reload(String endpoint, String owner) {
        return config.store().findByEndpoint(endpoint, owner).filter(c -> c.key().owner().equals(owner))
                .collectList().map(this::best)
                .doOnError(e -> events.storeFailed(endpoint, owner, null, e));
    }

    private Snapshot best(List<StoredCredentials> entries) {
        return entries.stream()
                .max(Comparator.comparing((StoredCredentials c) -> !c.rejected())
                        .thenComparing(c -> c.updatedAt() == null ? Instant.MIN : c.updatedAt()))
                .map(this::snapshot)
                .orElse(Snapshot.NONE);
    }

    /**
     * The one refresh for {@code seen}: joined when running, else started, unless shutting down (then only
     * joined, else a {@code Cancelled} failure). Its outcome is published to {@link #latest()} from inside the
     * transaction, so it lands even when every caller has left.
     */
    Mono<Outcome> refresh(StoredCredentials seen, Reason reason) {
        FlightKey key = new FlightKey(seen.key(), seen.tokens().accessToken());
        if (shuttingDown.get()) {
            return refreshes.join(key).switchIfEmpty(Mono.error(() -> new McpException(new McpFailure.Cancelled(),
                    "the OAuth token engine is shut down: no new token refresh starts", null)));
        }
        return refreshes.run(key, () -> {
            long id = events.nextRefreshId();
            events.refreshStarted(id, seen, reason);
            return transaction.run(seen, reason)
                    .map(outcome -> {
                        Snapshot published = snapshot(outcome.credentials());
                        latest.publish(published);
                        if (outcome.rejected()) {
                            events.refreshFailed(id, seen, reason, outcome.rejection(), outcome.rejection() != null);
                        } else {
                            events.refreshSucceeded(id, seen, reason);
                        }
                        return outcome.withSnapshot(published);
                    })
                    .doOnError(e -> events.refreshFailed(id, seen, reason, e, false));
        });
    }

    /** The snapshot of {@code credentials}: the policy's instants, renewable as the providers say. */
    Snapshot snapshot(StoredCredentials credentials) {
        return Snapshot.of(credentials, config.policy(), config.providers().renews(credentials));
    }

    /**
     * New credentials for {@code context}'s endpoint and owner from the first provider that applies, persisted
     * before they are emitted; one acquisition per endpoint and owner at a time, joined by that owner's concurrent
     * callers. Credentials a provider returned for another owner are refused (never stored, never sent).
     */
    Mono<StoredCredentials> login(TokenProvider.Context context) {
        return logins.run(new Scope(context.endpoint(), context.owner()), () -> config.providers().provide(context)
                .switchIfEmpty(Mono.error(() -> AuthFailures.authenticationRequired(context.challenges(),
                        context.current() != null, "no token provider can obtain credentials for this server", null)))
                .flatMap(credentials -> credentials.key().owner().equals(context.owner())
                        ? config.store().save(credentials)
                                .doOnError(e -> events.storeFailed(context.endpoint(), context.owner(),
                                        credentials.key().issuer(), e))
                                .thenReturn(credentials).doOnNext(events::loginCompleted)
                        : Mono.error(new McpException(new McpFailure.ProtocolError(
                                "a token provider returned credentials of another owner than the call's; a provider "
                                        + "must key what it acquires with TokenProvider.Context.owner()"),
                                "a token provider returned credentials of another owner than the call's", null))));
    }

    /**
     * Sends {@code request} to the MCP server with {@code snapshot}'s token ({@code authorization}, its header
     * value): through the DPoP layer, which proves DPoP-bound tokens, else with the header as is.
     */
    Mono<McpHttpResponse> send(McpHttpRequest request, Snapshot snapshot, String authorization, ExchangeFunction next) {
        DpopLayer dpop = config.dpop();
        if (dpop == null || snapshot.isNone()) {
            return next.exchange(authorization == null ? request : request.withHeader("Authorization", authorization));
        }
        return dpop.resource(request, snapshot.credentials().tokens(), authorization, next);
    }

    /** Whether background work (a prefetch) may start: not after {@link #shutdown}. */
    boolean backgroundAllowed() {
        return !shuttingDown.get();
    }

    /** Runs {@code work} in the background, owned here: {@link #shutdown} stops it. */
    void track(Mono<?> work) {
        Disposable.Swap slot = Disposables.swap();
        background.add(slot);
        slot.update(work.doFinally(signal -> background.remove(slot)).subscribe(value -> { }, error -> { }));
    }

    /** Whether a 401 or 403 may start an acquisition. */
    boolean loginAllowed() {
        return config.loginAllowed();
    }

    Clock clock() {
        return config.clock();
    }

    Scheduler timer() {
        return config.timer();
    }

    RefreshPolicy policy() {
        return config.policy();
    }

    /** See {@link TokenEngine#shutdown}. */
    Mono<Void> shutdown(Duration timeout) {
        return Mono.defer(() -> {
            shuttingDown.set(true);
            background.dispose(); // the loops only wait for transactions; the transactions themselves go on
            // it waits for the refreshes in flight and for the DPoP nonce pool's refill in progress (one batch)
            java.util.concurrent.atomic.AtomicBoolean refillEnded = new java.util.concurrent.atomic.AtomicBoolean(
                    config.dpop() == null);
            Mono<Void> refills = config.dpop() == null ? Mono.empty()
                    : config.dpop().shutdown().doOnTerminate(() -> refillEnded.set(true));
            return Mono.when(refreshes.idle(), refills).timeout(timeout, Mono.defer(() -> Mono.<Void>error(new McpException(
                    new McpFailure.Timeout(timeout), "shutdown gave up after " + timeout + " with "
                            + refreshes.size() + " token refresh(es) still in flight"
                            + (refillEnded.get() ? "" : " and the DPoP nonce refill (one batch) not yet ended"),
                    null))), config.timer())
                    .doFinally(signal -> events.complete());
        });
    }

    boolean isShutDown() {
        return shuttingDown.get();
    }

    int refreshesInFlight() {
        return refreshes.size();
    }

    /** Loads and logins are shared by the callers of one owner at one endpoint. */
    private record Scope(String endpoint, String owner) { }

    /** A refresh is shared by callers that saw the same access token of the same credentials (owner included). */
    private record FlightKey(CredentialKey key, String accessToken) {
        @Override
        public String toString() {
            return "FlightKey[" + key + "]";
        }
    }
}
