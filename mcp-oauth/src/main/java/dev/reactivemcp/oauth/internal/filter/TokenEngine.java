package dev.reactivemcp.oauth.internal.filter;

import dev.reactivemcp.errors.StoredCredentialState;
import dev.reactivemcp.oauth.AuthState;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.TokenProvider;
import dev.reactivemcp.transport.ExchangeFilterFunction;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * The token machinery behind {@code McpOAuth}: one session per MCP endpoint and owner over one shared
 * {@link TokenCore} (one renewal per credential, owner included, and seen token for all callers, single-flight, then
 * the store's lock across stores and processes; one acquisition per endpoint and owner at a time; persisted before
 * use), and the auth states (of the owner a query's context names). Sessions are bounded ({@link OwnerResolution#maxSessions()}):
 * past the bound, the least recently used half that is not refreshing in the background is evicted with what was
 * published for their owners, and reloads from the store on its owner's next call. Dependencies run
 * one way: engine to sessions to core; the core publishes refresh outcomes without knowing who reads them. It knows
 * no grant: tokens come from the {@link TokenProvider} chain of its {@link EngineConfig}.
 */
public final class TokenEngine {

    private final EngineConfig config;
    private final OwnerResolution owners;
    private final TokenCore core;
    private final ConcurrentHashMap<SessionKey, EndpointSession> sessions = new ConcurrentHashMap<>();
    private final AtomicBoolean evicting = new AtomicBoolean();

    /** An engine over {@code config}: owners from {@code McpOwner} in each call's context, else the default owner. */
    public TokenEngine(EngineConfig config) {
        this(config, OwnerResolution.DEFAULT);
    }

    /** An engine over {@code config} that finds the owner of each call as {@code owners} says. */
    public TokenEngine(EngineConfig config, OwnerResolution owners) {
        this.config = Objects.requireNonNull(config, "config");
        this.owners = Objects.requireNonNull(owners, "owners");
        this.core = new TokenCore(config);
    }

    /** The filter for MCP endpoint {@code endpoint} (the string the store files credentials under). */
    public ExchangeFilterFunction filterFor(String endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        if (config.staticAuthorization() != null) {
            return new StaticAuthorizationFilter(config.staticAuthorization());
        }
        return new TokenFilter(endpoint, owner -> session(endpoint, owner), owners);
    }

    /**
     * The filter for plain HTTP requests (not MCP) authorized with the credentials of MCP endpoint {@code endpoint}:
     * the same sessions as {@link #filterFor}'s (one refresh for both), without the MCP session rules.
     */
    public ExchangeFilterFunction resourceFilterFor(String endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        if (config.staticAuthorization() != null) {
            return new StaticAuthorizationFilter(config.staticAuthorization());
        }
        return new TokenFilter(endpoint, owner -> session(endpoint, owner), owners, false);
    }

    /** The auth state of {@code endpoint} for the owner of an empty context; see {@link #authState(URI, ContextView)}. */
    public Mono<AuthState> authState(URI endpoint) {
        return authState(endpoint, Context.empty());
    }

    /**
     * The auth state of {@code endpoint} for the owner {@code context} names (resolved as for calls):
     * configuration, then storage, then discovery when nothing is stored.
     */
    public Mono<AuthState> authState(URI endpoint, ContextView context) {
        return stored(endpoint.toString(), context).flatMap(state -> state == StoredCredentialState.NONE
                ? config.discovery().advertisesOAuth(endpoint).map(oauth -> oauth ? AuthState.LOGIN : AuthState.NOT_REQUIRED)
                : Mono.just(authStateOf(state)));
    }

    /** {@link #storedAuthState(String, ContextView)} for the owner of an empty context. */
    public Mono<AuthState> storedAuthState(String endpoint) {
        return storedAuthState(endpoint, Context.empty());
    }

    /**
     * The auth state from configuration and storage only (no network), for the owner {@code context} names: nothing
     * stored reads as {@code LoggedOut(LOGIN)}, since storage cannot tell whether the server needs authentication.
     */
    public Mono<AuthState> storedAuthState(String endpoint, ContextView context) {
        return stored(endpoint, context).map(state -> state == StoredCredentialState.NONE ? AuthState.LOGIN
                : authStateOf(state));
    }

    /** {@link #storedCredentialState(String, ContextView)} for the owner of an empty context. */
    public Mono<StoredCredentialState> storedCredentialState(String endpoint) {
        return storedCredentialState(endpoint, Context.empty());
    }

    /**
     * The stored-credential state for startup failure reasons, for the owner {@code context} names; a store that
     * cannot be read is UNKNOWN, a context that names no owner when one is required fails as calls do.
     */
    public Mono<StoredCredentialState> storedCredentialState(String endpoint, ContextView context) {
        return ownerFor(context).flatMap(owner -> stored(endpoint, owner).onErrorReturn(StoredCredentialState.UNKNOWN));
    }

    private Mono<StoredCredentialState> stored(String endpoint, ContextView context) {
        return ownerFor(context).flatMap(owner -> stored(endpoint, owner));
    }

    /** The owner for state queries: as for calls; a static authorization has no owners (the default one). */
    private Mono<String> ownerFor(ContextView context) {
        return config.staticAuthorization() != null ? Mono.just(CredentialKey.DEFAULT_OWNER) : owners.resolve(context);
    }

    /** The one reading of configuration and storage every state above derives from. */
    private Mono<StoredCredentialState> stored(String endpoint, String owner) {
        if (config.staticAuthorization() != null) {
            return Mono.just(StoredCredentialState.STATIC_TOKEN);
        }
        return core.reload(endpoint, owner).map(snap -> {
            if (snap.isNone()) {
                return StoredCredentialState.NONE;
            }
            if (snap.credentials().rejected()) {
                return StoredCredentialState.REJECTED;
            }
            return snap.usable(config.clock().instant()) ? StoredCredentialState.USABLE : StoredCredentialState.UNUSABLE;
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
     * refresh transaction in flight has persisted its result and the DPoP nonce pool's refill in progress (one batch
     * at most) has ended. Fails with a {@code McpFailure.Timeout} naming how many refreshes were still running, and
     * whether the refill was, when the time is up. Idempotent.
     */
    public Mono<Void> shutdown(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return core.shutdown(timeout);
    }

    /** Whether {@link #shutdown} was called. */
    public boolean isShutDown() {
        return core.isShutDown();
    }

    /** How many refresh transactions are running (tests and diagnostics). */
    public int refreshesInFlight() {
        return core.refreshesInFlight();
    }

    /** The owner of a request whose context is {@code context}, as the filter resolves it for calls. */
    public Mono<String> ownerOf(reactor.util.context.ContextView context) {
        return owners.resolve(context);
    }

    /** Makes stored {@code credentials} (from a completed service login) current for their endpoint and owner. */
    public void adopt(dev.reactivemcp.oauth.StoredCredentials credentials) {
        session(credentials.endpoint(), credentials.key().owner()).adopt(credentials);
        core.events().loginCompleted(credentials);
    }

    /** The credential events of this engine; completed by {@link #shutdown}. */
    public CredentialEvents events() {
        return core.events();
    }

    /** Completes once no refresh transaction is in flight (those started while waiting included). */
    public Mono<Void> awaitIdle() {
        return core.awaitIdle();
    }

    /** How many (endpoint, owner) sessions are kept (tests and diagnostics). */
    public int sessions() {
        return sessions.size();
    }

    EndpointSession session(String endpoint) {
        return session(endpoint, CredentialKey.DEFAULT_OWNER);
    }

    /** The session of {@code owner} at {@code endpoint}, created on first use; evicts past the bound. */
    EndpointSession session(String endpoint, String owner) {
        EndpointSession session = sessions.get(new SessionKey(endpoint, owner));
        if (session == null) {
            session = sessions.computeIfAbsent(new SessionKey(endpoint, owner), k -> new EndpointSession(endpoint,
                    owner, core));
            if (sessions.size() > owners.maxSessions()) {
                evict();
            }
        }
        session.lastUsedMillis = config.clock().millis();
        return session;
    }

    /** Drops the least recently used half of the sessions (never one prefetching), and their owners' publications. */
    private void evict() {
        if (!evicting.compareAndSet(false, true)) {
            return;
        }
        try {
            List<Map.Entry<SessionKey, EndpointSession>> idle = sessions.entrySet().stream()
                    .filter(e -> !e.getValue().isPrefetching())
                    .sorted(Comparator.comparingLong(e -> e.getValue().lastUsedMillis))
                    .limit(Math.max(1, sessions.size() / 2)).toList();
            Set<String> dropped = new HashSet<>();
            idle.forEach(e -> {
                if (sessions.remove(e.getKey(), e.getValue())) {
                    dropped.add(e.getKey().owner());
                }
            });
            sessions.keySet().forEach(k -> dropped.remove(k.owner()));
            dropped.forEach(core.latest()::forget);
        } finally {
            evicting.set(false);
        }
    }

    /** One owner at one endpoint. */
    private record SessionKey(String endpoint, String owner) { }
}
