package dev.reactivemcp.oauth.internal.filter;

import dev.reactivemcp.errors.StoredCredentialState;
import dev.reactivemcp.oauth.AuthState;
import dev.reactivemcp.oauth.TokenProvider;
import dev.reactivemcp.transport.ExchangeFilterFunction;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * The token machinery behind {@code McpOAuth}: one session per MCP endpoint over one shared {@link TokenCore} (one
 * renewal per credential and seen token for all callers, single-flight, then the store's lock across stores and
 * processes; one acquisition per endpoint at a time; persisted before use), and the auth states. Dependencies run
 * one way: engine to sessions to core; the core publishes refresh outcomes without knowing who reads them. It knows
 * no grant: tokens come from the {@link TokenProvider} chain of its {@link EngineConfig}.
 */
public final class TokenEngine {

    private final EngineConfig config;
    private final TokenCore core;
    private final ConcurrentHashMap<String, EndpointSession> sessions = new ConcurrentHashMap<>();

    /** An engine over {@code config}. */
    public TokenEngine(EngineConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.core = new TokenCore(config);
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
        if (config.staticAuthorization() != null) {
            return Mono.just(StoredCredentialState.STATIC_TOKEN);
        }
        return core.reload(endpoint).map(snap -> {
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
     * refresh transaction in flight has persisted its result. Fails with a {@code McpFailure.Timeout} naming how
     * many were still running when the time is up. Idempotent.
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

    EndpointSession session(String endpoint) {
        return sessions.computeIfAbsent(endpoint, e -> new EndpointSession(e, core));
    }
}
