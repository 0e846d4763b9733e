package dev.reactivemcp.oauth.internal.filter;

import dev.reactivemcp.errors.StoredCredentialState;
import dev.reactivemcp.oauth.AuthState;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.internal.AuthorizationContext;
import dev.reactivemcp.oauth.internal.filter.RefreshTransaction.Outcome;
import dev.reactivemcp.oauth.internal.filter.RefreshTransaction.Reason;
import dev.reactivemcp.transport.ExchangeFilterFunction;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The token machinery behind {@code McpOAuth}: one session per MCP endpoint, one refresh per credential and
 * seen token for all callers (single-flight, then the store's lock across stores and processes), one login
 * per endpoint at a time, and the auth states.
 */
public final class TokenEngine {

    private final EngineConfig config;
    private final RefreshTransaction transaction;
    private final SingleFlight<FlightKey, Outcome> refreshes = new SingleFlight<>();
    private final SingleFlight<String, Snapshot> loads = new SingleFlight<>();
    private final SingleFlight<String, StoredCredentials> logins = new SingleFlight<>();
    private final ConcurrentHashMap<String, EndpointSession> sessions = new ConcurrentHashMap<>();
    private final Disposable.Composite background = Disposables.composite();

    /** An engine over {@code config}. */
    public TokenEngine(EngineConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.transaction = new RefreshTransaction(config.store(), config.refresher(), config.clock(), config.policy());
    }

    /** The filter for MCP endpoint {@code endpoint} (the string the store files credentials under). */
    public ExchangeFilterFunction filterFor(String endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        if (config.staticAuthorization() != null) {
            return new StaticAuthorizationFilter(config.staticAuthorization());
        }
        return new TokenFilter(session(endpoint), this);
    }

    /** The auth state of {@code endpoint}: configuration, then storage, then discovery when nothing is stored. */
    public Mono<AuthState> authState(URI endpoint) {
        if (isStatic()) {
            return Mono.just(AuthState.BEARER_TOKEN);
        }
        return reload(endpoint.toString()).flatMap(snap -> snap.isNone()
                ? config.discovery().advertisesOAuth(endpoint).map(oauth -> oauth ? AuthState.LOGIN : AuthState.NOT_REQUIRED)
                : Mono.just(stateOf(snap)));
    }

    /**
     * The auth state from configuration and storage only (no network): nothing stored reads as
     * {@code LoggedOut(LOGIN)}, since storage cannot tell whether the server needs authentication.
     */
    public Mono<AuthState> storedAuthState(String endpoint) {
        if (isStatic()) {
            return Mono.just(AuthState.BEARER_TOKEN);
        }
        return reload(endpoint).map(snap -> snap.isNone() ? AuthState.LOGIN : stateOf(snap));
    }

    private AuthState stateOf(Snapshot snap) {
        return snap.usable(clock().instant()) ? AuthState.OAUTH : AuthState.REAUTHENTICATION;
    }

    /** The stored-credential state for startup failure reasons; a store that cannot be read is UNKNOWN. */
    public Mono<StoredCredentialState> storedCredentialState(String endpoint) {
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
        }).onErrorReturn(StoredCredentialState.UNKNOWN);
    }

    /** Stops background prefetches. */
    public void dispose() {
        background.dispose();
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
                .map(c -> Snapshot.of(c, config.policy()))
                .orElse(Snapshot.NONE);
    }

    Mono<Outcome> refresh(StoredCredentials seen, Reason reason) {
        FlightKey key = new FlightKey(seen.key(), seen.tokens().accessToken());
        return refreshes.run(key, () -> transaction.run(seen, reason));
    }

    Mono<StoredCredentials> login(String endpoint, AuthorizationContext context) {
        return logins.run(endpoint, () -> config.authorizer().authorize(context));
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
