package dev.reactivemcp.oauth.internal.filter;

import dev.reactivemcp.errors.StoredCredentialState;
import dev.reactivemcp.oauth.AuthState;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenProvider;
import dev.reactivemcp.oauth.internal.filter.RefreshTransaction.Outcome;
import dev.reactivemcp.oauth.internal.filter.RefreshTransaction.Reason;
import dev.reactivemcp.oauth.internal.dpop.DpopLayer;
import dev.reactivemcp.transport.ExchangeFilterFunction;
import dev.reactivemcp.transport.ExchangeFunction;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.McpHttpResponse;
import java.net.URI;
import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The token machinery behind {@code McpOAuth}: one session per MCP endpoint, one renewal per credential and
 * seen token for all callers (single-flight, then the store's lock across stores and processes), one acquisition
 * per endpoint at a time, persisted before use, and the auth states. It knows no grant: tokens come from the
 * {@link TokenProvider} chain of its {@link EngineConfig}.
 */
public final class TokenEngine {

    private final EngineConfig config;
    private final RefreshTransaction transaction;
    private final SingleFlight<FlightKey, Outcome> refreshes = new SingleFlight<>(true);
    private final SingleFlight<String, Snapshot> loads = new SingleFlight<>();
    private final SingleFlight<String, StoredCredentials> logins = new SingleFlight<>();
    private final ConcurrentHashMap<String, EndpointSession> sessions = new ConcurrentHashMap<>();
    private final Disposable.Composite background = Disposables.composite();
    private final AtomicBoolean shuttingDown = new AtomicBoolean();

    /** An engine over {@code config}. */
    public TokenEngine(EngineConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.transaction = new RefreshTransaction(config.store(), config.providers(), config.clock(), config.timer(),
                config.policy());
    }

    /** The filter for MCP endpoint {@code endpoint} (the string the store files credentials under). */
    public ExchangeFilterFunction filterFor(String endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        if (config.staticAuthorization() != null) {
            return new StaticAuthorizationFilter(config.staticAuthorization());
        }
        return new TokenFilter(session(endpoint));
    }

    /** The auth state of {@code endpoint}: configuration, then storage, then discovery when nothing is stored. */
    public Mono<AuthState> authState(URI endpoint) {
        return stored(endpoint.toString()).flatMap(state -> state == StoredCredentialState.NONE
                ? config.discovery().advertisesOAuth(endpoint).map(oauth -> oauth ? AuthState.LOGIN : AuthState.NOT_REQUIRED)
                : Mono.just(authStateOf(state)));
    }

    /**
     * The auth state from configuration and storage only (no network): nothing stored reads as
     * {@code LoggedOut(LOGIN)}, since storage cannot tell whether the server needs authentication.
     */
    public Mono<AuthState> storedAuthState(String endpoint) {
        return stored(endpoint).map(state -> state == StoredCredentialState.NONE ? AuthState.LOGIN : authStateOf(state));
    }

    /** The stored-credential state for startup failure reasons; a store that cannot be read is UNKNOWN. */
    public Mono<StoredCredentialState> storedCredentialState(String endpoint) {
        return stored(endpoint).onErrorReturn(StoredCredentialState.UNKNOWN);
    }

    /** The one reading of configuration and storage every state above derives from. */
    private Mono<StoredCredentialState> stored(String endpoint) {
        if (isStatic()) {
            return Mono.just(StoredCredentialState.STATIC_TOKEN);
        }
        return reload(endpoint).map(snap -> {
            if (snap.isNone()) {
                return StoredCredentialState.NONE;
            }
            if (snap.credentials().rejected()) {
                return StoredCredentialState.REJECTED;
            }
            return snap.usable(clock().instant()) ? StoredCredentialState.USABLE : StoredCredentialState.UNUSABLE;
        });
    }

    private static AuthState authStateOf(StoredCredentialState state) {
        return switch (state) {
            case STATIC_TOKEN -> AuthState.BEARER_TOKEN;
            case USABLE -> AuthState.OAUTH;
            default -> AuthState.REAUTHENTICATION;
        };
    }

    /**
     * Shuts down: no prefetch and no new refresh transaction starts any more (a caller whose token is still
     * valid sends it as is); background prefetch loops stop; then waits, at most {@code timeout}, until every
     * refresh transaction in flight has persisted its result. Fails with a {@code McpFailure.Timeout} naming how
     * many were still running when the time is up. Idempotent.
     */
    public Mono<Void> shutdown(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return Mono.defer(() -> {
            shuttingDown.set(true);
            background.dispose(); // the loops only wait for transactions; the transactions themselves go on
            return refreshes.idle().timeout(timeout, Mono.defer(() -> Mono.<Void>error(new McpException(
                    new McpFailure.Timeout(timeout), "shutdown gave up after " + timeout + " with "
                            + refreshes.size() + " token refresh(es) still in flight", null))), config.timer());
        });
    }

    /** Whether {@link #shutdown} was called. */
    public boolean isShutDown() {
        return shuttingDown.get();
    }

    /** How many refresh transactions are running (tests and diagnostics). */
    public int refreshesInFlight() {
        return refreshes.size();
    }

    EndpointSession session(String endpoint) {
        return sessions.computeIfAbsent(endpoint, e -> new EndpointSession(e, this));
    }

    Mono<Snapshot> load(String endpoint) {
        return loads.run(endpoint, () -> reload(endpoint));
    }

    Mono<Snapshot> reload(String endpoint) {
        return config.store().findByEndpoint(endpoint).collectList().map(this::best);
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
     * joined, else a {@code Cancelled} failure). Its outcome is published to every session on the same
     * credentials from inside the transaction, so it lands even when every caller has left.
     */
    Mono<Outcome> refresh(StoredCredentials seen, Reason reason) {
        FlightKey key = new FlightKey(seen.key(), seen.tokens().accessToken());
        if (shuttingDown.get()) {
            return refreshes.join(key).switchIfEmpty(Mono.error(() -> new McpException(new McpFailure.Cancelled(),
                    "the OAuth token engine is shut down: no new token refresh starts", null)));
        }
        return refreshes.run(key, () -> transaction.run(seen, reason).doOnNext(this::publishToSessions));
    }

    private void publishToSessions(Outcome outcome) {
        for (EndpointSession session : sessions.values()) {
            session.offer(outcome.credentials());
        }
    }

    /** The snapshot of {@code credentials}: the policy's instants, renewable as the providers say. */
    Snapshot snapshot(StoredCredentials credentials) {
        return Snapshot.of(credentials, config.policy(), config.providers().renews(credentials));
    }

    /**
     * New credentials for {@code context}'s endpoint from the first provider that applies, persisted before they
     * are emitted; one acquisition per endpoint at a time, joined by concurrent callers.
     */
    Mono<StoredCredentials> login(TokenProvider.Context context) {
        return logins.run(context.endpoint(), () -> config.providers().provide(context)
                .switchIfEmpty(Mono.error(() -> AuthFailures.authenticationRequired(context.challenges(),
                        context.current() != null, "no token provider can obtain credentials for this server", null)))
                .flatMap(credentials -> config.store().save(credentials).thenReturn(credentials)));
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

    void track(Mono<?> work) {
        Disposable.Swap slot = Disposables.swap();
        background.add(slot);
        slot.update(work.doFinally(signal -> background.remove(slot)).subscribe(value -> { }, error -> { }));
    }

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

    private boolean isStatic() {
        return config.staticAuthorization() != null;
    }

    /** A refresh is shared by callers that saw the same access token of the same credentials. */
    private record FlightKey(CredentialKey key, String accessToken) {
        @Override
        public String toString() {
            return "FlightKey[" + key + "]";
        }
    }
}
