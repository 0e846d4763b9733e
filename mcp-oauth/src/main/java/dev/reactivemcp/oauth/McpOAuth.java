package dev.reactivemcp.oauth;

import dev.reactivemcp.errors.KnownSecrets;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.errors.StartupFailureReason;
import dev.reactivemcp.errors.StoredCredentialState;
import dev.reactivemcp.oauth.internal.AuthorizationCodeProvider;
import dev.reactivemcp.oauth.internal.Authorizer;
import dev.reactivemcp.oauth.internal.FlowSettings;
import dev.reactivemcp.oauth.internal.RefreshTokenProvider;
import dev.reactivemcp.oauth.internal.TokenRefresher;
import dev.reactivemcp.oauth.internal.dpop.DpopAlgorithm;
import dev.reactivemcp.oauth.internal.dpop.DpopLayer;
import dev.reactivemcp.oauth.internal.filter.AuthDiscovery;
import dev.reactivemcp.oauth.internal.filter.EngineConfig;
import dev.reactivemcp.oauth.internal.filter.OwnerResolution;
import dev.reactivemcp.oauth.internal.filter.RefreshPolicy;
import dev.reactivemcp.oauth.internal.filter.TokenEngine;
import dev.reactivemcp.oauth.internal.filter.WellKnownProbe;
import dev.reactivemcp.oauth.internal.flow.ClientAssertionSigner;
import dev.reactivemcp.oauth.internal.flow.OAuthFlow;
import dev.reactivemcp.oauth.internal.flow.PendingLogins;
import dev.reactivemcp.transport.ExchangeFilterFunction;
import dev.reactivemcp.transport.TlsTrust;
import dev.reactivemcp.transport.spi.Tls;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * OAuth for MCP clients: the one entry point of this module. Gives a token {@link ExchangeFilterFunction} per MCP
 * endpoint, the {@link AuthState} of an endpoint, and the {@link StartupFailureReason} of a failed connect.
 *
 * <pre>{@code
 * McpOAuth oauth = McpOAuth.builder()
 *     .tokenStore(FileTokenStore.at(Path.of(home, ".myapp", "mcp-tokens.json")))
 *     .codeSource(loopbackBrowserLogin)          // omit: never log in from a request, fail with LOGIN_REQUIRED
 *     .clientName("My App")
 *     .build();
 * URI uri = URI.create("https://mcp.example.com/mcp");
 * McpClient client = McpClient.builder(uri).filter(oauth.filterFor(uri)).build();
 * client.connect()
 *     .onErrorResume(e -> oauth.startupFailureReason(uri, e).flatMap(reason -> Mono.error(new Failed(reason, e))));
 * }</pre>
 *
 * <p>The filter attaches the access token and refreshes it proactively, on a schedule scaled to the lifetime the
 * server granted: a background refresh from 60 s (the skew, jittered by up to 10 s) before expiry for tokens that
 * live 10 minutes or more, in the last 10-15 % of the lifetime for shorter ones (so a 30 s token is refreshed
 * about once per lifetime, never on every request); callers keep the valid token meanwhile and wait only from
 * shortly before expiry (10 s, at most 5 % of the lifetime), all on one refresh per credential in the JVM and,
 * through {@link TokenStore#update}, across processes. Expiry comes from {@code expires_in}, else the JWT
 * {@code exp} (unverified), else is unknown (the token is used until a 401). A 401 for the token just sent
 * triggers one refresh keyed on that token and one replay; a 403 {@code insufficient_scope} steps up with the
 * union of scopes (at most 3 authorizations, only with a code source); {@code invalid_grant} marks the stored
 * credentials rejected. Unrecoverable cases fail with {@code McpFailure.AuthenticationRequired}.
 *
 * <p>A refresh, once its token request is sent, runs to its end and persists what it got whatever happens to
 * the request that started it (cancelled, timed out, client closed). The session {@code DELETE} of
 * {@code McpClient.close()} uses the current token as it is and never starts a refresh. {@link #shutdown()}
 * (or the blocking {@link #dispose()}) waits, bounded, until refreshes in flight are persisted; a JVM exit
 * without it still waits up to 10 s for them in a shutdown hook.
 *
 * <p>Where tokens come from is a chain of {@link TokenProvider}s, one per grant, asked in this order: providers
 * added with {@link Builder#tokenProvider}, the refresh token, {@link Builder#clientCredentials client
 * credentials}, {@link Builder#workloadIdentity workload identity}, {@link Builder#enterpriseAuthorization enterprise-managed
 * authorization}, the authorization code login of the {@link Builder#codeSource code source}. The engine behind the
 * filter owns caching, the refresh schedule, single-flight and persistence for all of them. {@link Builder#dpop DPoP}
 * (RFC 9449) binds the tokens of any of them to a key of the client.
 *
 * <p>Many users in one service: credentials belong to an owner ({@link CredentialKey#owner()}), the user a call runs
 * for, named in the call's Reactor context ({@link McpOwner}, or {@link Builder#ownerResolver}). The filter uses only
 * that owner's tokens, refreshes and logins; one owner's refresh never makes another's call wait. See
 * {@link McpOwner} for the protocol eras (one client for all owners in 2026-07-28, one per owner in 2025-11-25).
 *
 * <p>Specifications: MCP authorization (2025-06-18, 2025-11-25, 2026-07-28), RFC 6749 sections 5 and 6
 * (tokens, refresh), RFC 6750 section 3 (challenges), RFC 9728 (protected resource metadata), RFC 8414, RFC 9449 (DPoP).
 * Immutable and thread-safe.
 */
public final class McpOAuth {

    /** How long {@link #shutdown()} and {@link #dispose()} wait for refreshes in flight: 10 s. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger LOG = Loggers.getLogger(McpOAuth.class);

    private final TokenStore store;
    private final TokenEngine engine;
    private final OAuthFlow serviceLogins;

    private McpOAuth(TokenStore store, TokenEngine engine, OAuthFlow serviceLogins) {
        this.store = store;
        this.engine = engine;
        this.serviceLogins = serviceLogins;
    }

    /**
     * A builder with every default: in-memory store, no code source, system UTC clock, 60 s skew.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The token filter for the MCP endpoint {@code mcpEndpoint}; credentials are filed under
     * {@code mcpEndpoint.toString()}. Plug it into {@code McpClient.builder(mcpEndpoint).filter(...)}.
     *
     * @param mcpEndpoint the MCP endpoint the filter is for, exactly as the client connects to it
     * @return the filter to plug into the client of that endpoint
     * @throws NullPointerException when {@code mcpEndpoint} is {@code null}
     */
    public ExchangeFilterFunction filterFor(URI mcpEndpoint) {
        return engine.filterFor(Objects.requireNonNull(mcpEndpoint, "mcpEndpoint").toString());
    }

    /**
     * The token filter for plain HTTP requests (not MCP) that are authorized with the credentials of
     * {@code mcpEndpoint}: for another HTTP client calling the same protected resource, such as the Spring
     * {@code WebClient} filter of {@code mcp-spring-webflux}. It shares everything with {@link #filterFor}'s filter
     * (the owner of each call, the cached token, the single refresh, logins, DPoP proofs for each request's method
     * and URI): a refresh started by one serves the other. A 401 for the token sent is renewed once and the request
     * replayed once (RFC 6750 section 3.1); what cannot be renewed fails with {@code McpException}
     * ({@code McpFailure.AuthenticationRequired}) or {@link AuthorizationRequiredException}, as the MCP filter does.
     * It applies no MCP session rule: a {@code DELETE} is an ordinary request, refreshed when needed.
     *
     * <pre>{@code
     * ExchangeFilterFunction filter = oauth.resourceFilterFor(URI.create("https://mcp.example.com/mcp"));
     * // adapt it to another HTTP client: each request becomes an McpHttpRequest, each answer an McpHttpResponse
     * }</pre>
     *
     * @param mcpEndpoint the MCP endpoint whose credentials authorize the requests (the key they are filed under)
     * @return the filter; requests that already carry an {@code Authorization} header pass through untouched
     * @throws NullPointerException when {@code mcpEndpoint} is {@code null}
     */
    public ExchangeFilterFunction resourceFilterFor(URI mcpEndpoint) {
        return engine.resourceFilterFor(Objects.requireNonNull(mcpEndpoint, "mcpEndpoint").toString());
    }

    /**
     * The auth state of {@code mcpEndpoint} for the owner of the context it is subscribed in (resolved as for calls:
     * {@link McpOwner}, or the {@link Builder#ownerResolver}; none: {@link CredentialKey#DEFAULT_OWNER}):
     * configuration, then that owner's stored credentials, then (nothing stored) discovery of protected resource or
     * authorization server metadata. Discovery failures (5xx, timeouts) are errors, never a state.
     *
     * <pre>{@code
     * oauth.authState(uri).contextWrite(McpOwner.of(user.id()))   // alice's state, not bob's
     *     .map(state -> state == AuthState.OAUTH ? "connected" : "log in");
     * }</pre>
     *
     * @param mcpEndpoint the MCP endpoint
     * @return the auth state, or an error when discovery fails, or {@code McpFailure.AuthenticationRequired} when
     *         the context names no owner and {@link Builder#ownerRequired} is set
     * @throws NullPointerException when {@code mcpEndpoint} is {@code null}
     */
    public Mono<AuthState> authState(URI mcpEndpoint) {
        Objects.requireNonNull(mcpEndpoint, "mcpEndpoint");
        return Mono.deferContextual(ctx -> engine.authState(mcpEndpoint, ctx));
    }

    /**
     * The auth state from configuration and stored credentials only, without network, for use at failure time, for
     * the owner of the context it is subscribed in (as {@link #authState(URI)}). Nothing stored reads as
     * {@code LoggedOut(LOGIN)}, also for a server that needs no authorization (only {@link #authState(URI)} can
     * tell {@code NotRequired}).
     *
     * @param mcpEndpoint the MCP endpoint
     * @return the auth state read from configuration and the token store, or
     *         {@code McpFailure.AuthenticationRequired} when the context names no owner and one is required
     * @throws NullPointerException when {@code mcpEndpoint} is {@code null}
     */
    public Mono<AuthState> storedAuthState(URI mcpEndpoint) {
        String endpoint = Objects.requireNonNull(mcpEndpoint, "mcpEndpoint").toString();
        return Mono.deferContextual(ctx -> engine.storedAuthState(endpoint, ctx));
    }

    /**
     * What is stored for {@code mcpEndpoint}, in the vocabulary of {@code mcp-errors}, no network, for the owner of
     * the context it is subscribed in (as {@link #authState(URI)}).
     *
     * @param mcpEndpoint the MCP endpoint
     * @return the state of the stored credentials, for example {@code REJECTED} after an {@code invalid_grant}; or
     *         {@code McpFailure.AuthenticationRequired} when the context names no owner and one is required
     * @throws NullPointerException when {@code mcpEndpoint} is {@code null}
     */
    public Mono<StoredCredentialState> storedCredentialState(URI mcpEndpoint) {
        String endpoint = Objects.requireNonNull(mcpEndpoint, "mcpEndpoint").toString();
        return Mono.deferContextual(ctx -> engine.storedCredentialState(endpoint, ctx));
    }

    /**
     * Why connecting to {@code mcpEndpoint} failed with {@code error}: the classified failure combined with the
     * stored state (read only when authentication is required, for the owner of the context it is subscribed in, as
     * {@link #authState(URI)}: subscribe it in the failed call's context), for example
     * {@code REAUTHENTICATION_REQUIRED} or {@code LOGIN_REQUIRED}; unrelated failures keep their own reason.
     *
     * <pre>{@code
     * client.callTool("search", args)
     *     .onErrorResume(e -> oauth.startupFailureReason(uri, e).flatMap(reason -> Mono.error(new Failed(reason, e))))
     *     .contextWrite(McpOwner.of(user.id()));   // both the call and the reason are alice's
     * }</pre>
     *
     * @param mcpEndpoint the MCP endpoint the failed connect was for
     * @param error       the error {@code connect()} failed with
     * @return the reason to show the user; {@code McpFailure.AuthenticationRequired} when the state must be read
     *         and the context names no owner although one is required
     * @throws NullPointerException when an argument is {@code null}
     */
    public Mono<StartupFailureReason> startupFailureReason(URI mcpEndpoint, Throwable error) {
        Objects.requireNonNull(error, "error");
        return StartupFailureReason.resolve(error, storedCredentialState(mcpEndpoint));
    }

    /**
     * Completes a login started by an {@link AuthorizationRequiredException} ({@link Builder#serviceLogin}): the
     * service's callback endpoint hands over the redirect its user's browser brought back, in the context of the
     * user's request (the owner is resolved as for calls: {@link McpOwner}, or the {@link Builder#ownerResolver}).
     * Checks, before anything is exchanged: the {@code state} names a waiting login (each is good once), started
     * for this same owner (a redirect completed by another owner is refused: login CSRF, code injection), not
     * expired; then RFC 9207 {@code iss} (required when the authorization server advertises it), and the
     * {@code error}; then exchanges the code with the kept PKCE verifier and stores the tokens under the owner,
     * whose next call uses them.
     *
     * <pre>{@code
     * // the web layer's GET /oauth/callback, for the signed-in user
     * oauth.completeLogin(request.uri()).contextWrite(McpOwner.of(user.id()))
     *     .then(Mono.fromRunnable(() -> redirectBackToTheChat()));
     * }</pre>
     *
     * @param redirect the full redirect URI as the callback received it (its query carries {@code code},
     *                 {@code state}, {@code iss}), or just {@code ?code=...&state=...}
     * @return completes once the tokens are stored; fails with {@link LoginCompletionException} (unknown, replayed,
     *         other owner's or expired {@code state}; nothing stored), {@code McpFailure.IssuerMismatch}, or the
     *         {@code McpFailure} of a refused authorization or token request
     * @throws NullPointerException  when {@code redirect} is {@code null}
     * @throws IllegalStateException when the builder did not configure {@link Builder#serviceLogin}
     */
    public Mono<Void> completeLogin(URI redirect) {
        Objects.requireNonNull(redirect, "redirect");
        if (serviceLogins == null) {
            throw new IllegalStateException("completeLogin needs McpOAuth.builder().serviceLogin(redirectUri)");
        }
        return Mono.deferContextual(engine::ownerOf).flatMap(owner -> {
            AuthorizationCodeSource.Redirect parameters;
            try {
                parameters = AuthorizationCodeSource.Redirect.fromQuery(redirect.getRawQuery());
            } catch (IllegalArgumentException e) {
                return Mono.error(new dev.reactivemcp.errors.McpException(
                        new dev.reactivemcp.errors.McpFailure.ProtocolError("malformed authorization response"),
                        "malformed authorization response: " + e.getMessage(), null));
            }
            return serviceLogins.completeLogin(parameters, owner);
        }).flatMap(credentials -> store.save(credentials).then(Mono.fromRunnable(() -> engine.adopt(credentials))));
    }

    /**
     * The token store this instance reads and writes, as given to {@link Builder#tokenStore(TokenStore)}.
     *
     * @return the token store
     */
    public TokenStore tokenStore() {
        return store;
    }

    /**
     * What the token engine does with credentials, from now on: refreshes (started, then succeeded or failed, with
     * why they ran: prefetch, stale, 401), logins required and completed, credentials the authorization server
     * rejected, token store failures; see {@link CredentialEvent}. Never a secret. A call sent with a valid token
     * emits nothing, and nothing is built while nobody subscribes.
     *
     * <pre>{@code
     * oauth.events()
     *     .filter(e -> e.kind() == CredentialEvent.Kind.REFRESH_FAILED)
     *     .subscribe(e -> log.warn("refresh for {} at {} failed: {}", e.owner(), e.endpoint(), e.failure()));
     * }</pre>
     *
     * <p>A hot {@code Flux}: each subscriber sees the events emitted after it subscribed, delivered on a worker of
     * Reactor's bounded elastic scheduler, never on the thread of the refresh. A subscriber that is slow or blocks
     * has up to 256 events waiting for it (plus as many in delivery); past that its oldest waiting event is
     * dropped; one that throws is cancelled. Neither ever delays, fails or cancels a refresh. Why a {@code Flux}
     * rather than a listener on the builder: it composes (filter, buffer, sample), several parties subscribe and
     * leave independently, and its end is a signal: it completes when {@link #shutdown(Duration)} ends.
     *
     * @return the events of this instance, hot; completes at shutdown
     */
    public Flux<CredentialEvent> events() {
        return engine.events().flux();
    }

    /**
     * Completes once no token refresh is in flight: those running when it is subscribed, and any started while it
     * waits, have persisted their result (or failed). For tests, health checks and orderly hand-overs; unlike
     * {@link #shutdown(Duration)} it stops nothing. A failed background refresh waiting for its retry is not in
     * flight.
     *
     * <pre>{@code
     * client.callTool("search", args).then(oauth.awaitIdle()).block();   // the refresh it started is stored now
     * }</pre>
     *
     * @return completes when no refresh transaction runs; never fails
     */
    public Mono<Void> awaitIdle() {
        return engine.awaitIdle();
    }

    /**
     * Shuts down and waits, at most {@link #DEFAULT_SHUTDOWN_TIMEOUT}, for token refreshes in flight to be
     * persisted; see {@link #shutdown(Duration)}.
     *
     * @return completes when refreshes in flight are persisted; fails with {@code McpFailure.Timeout} after 10 s
     */
    public Mono<Void> shutdown() {
        return shutdown(DEFAULT_SHUTDOWN_TIMEOUT);
    }

    /**
     * Shuts down without losing a token: no background refresh and no new token request starts any more (a
     * filter still sends a valid token as it is), and the returned {@code Mono} completes once every refresh
     * already sent to the authorization server has run to its end and its result (a rotated refresh token
     * included) is in the {@link TokenStore}; with DPoP, also once the background refill of its signing nonces
     * in progress (one batch at most) has ended. Fails with {@code McpFailure.Timeout}, naming what was still
     * running, when that takes longer than {@code timeout}. Call it after closing the clients that use this instance, before the process exits:
     *
     * <pre>{@code
     * client.close().then(oauth.shutdown(Duration.ofSeconds(10))).block();
     * }</pre>
     *
     * <p>Why it matters: an authorization server that rotates refresh tokens (OAuth 2.1 section 4.3.1, RFC 9700
     * section 4.14.2) invalidates the old one as it answers; a process that exits before saving the new one comes
     * back with the old one, and the server then revokes the whole grant (the user must log in again).
     *
     * @param timeout the longest to wait for refreshes in flight; positive
     * @return completes when refreshes in flight are persisted; fails with {@code McpFailure.Timeout} after
     *         {@code timeout}
     * @throws IllegalArgumentException when {@code timeout} is zero or negative
     */
    public Mono<Void> shutdown(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        return engine.shutdown(timeout);
    }

    /**
     * {@link #shutdown()}, blocking the calling thread until refreshes in flight are persisted (at most
     * {@link #DEFAULT_SHUTDOWN_TIMEOUT}; a timeout is logged, not thrown). On a non-blocking thread (an event
     * loop) it starts the shutdown without waiting and logs a warning: use {@link #shutdown()} there.
     */
    public void dispose() {
        Mono<Void> done = shutdown().onErrorResume(e -> {
            LOG.warn("McpOAuth shutdown: {}", e.getMessage());
            return Mono.empty();
        });
        if (Schedulers.isInNonBlockingThread()) {
            LOG.warn("McpOAuth.dispose() called on a non-blocking thread: not waiting for token refreshes in "
                    + "flight; use shutdown() there");
            done.subscribe();
            return;
        }
        done.block();
    }

    @Override
    public String toString() {
        return "McpOAuth[" + store + "]";
    }

    /** Builds {@link McpOAuth}; every setter validates and returns this builder. */
    public static final class Builder {
        private TokenStore store = new InMemoryTokenStore();
        private AuthorizationCodeSource codeSource;
        private ClientRegistration preRegistered;
        private String clientMetadataDocument;
        private String clientName = "reactive-mcp";
        private String applicationType = "native";
        private Set<String> defaultScopes = Set.of();
        private Clock clock = Clock.systemUTC();
        private HttpClient httpClient;
        private TlsTrust tlsTrust = TlsTrust.systemDefault();
        private Duration requestTimeout = Duration.ofSeconds(30);
        private RefreshPolicy policy = RefreshPolicy.DEFAULT;
        private String staticAuthorization;
        private Authorizer authorizer;
        private TokenRefresher refresher;
        private AuthDiscovery discovery;
        private Scheduler timer = Schedulers.parallel();
        private boolean loginWithoutCodeSource;
        private ClientCredentials clientCredentials;
        private WorkloadIdentity workloadIdentity;
        private EnterpriseAuthorization enterprise;
        private Dpop dpop;
        private java.util.function.Function<reactor.util.context.ContextView, Mono<String>> ownerResolver;
        private boolean ownerRequired;
        private String serviceRedirectUri;
        private Duration serviceLoginValidity = Duration.ofMinutes(10);
        private int maxPendingLogins = 10_000;
        private PendingLoginStore pendingLoginStore;
        private int maxOwnerSessions = OwnerResolution.DEFAULT.maxSessions();
        private final List<TokenProvider> providers = new ArrayList<>();
        private final List<IdentityProviderProfile> profiles = new ArrayList<>();

        private Builder() { }

        /**
         * Where tokens and registrations live (default: a new {@link InMemoryTokenStore}). Use a shared store
         * ({@link FileTokenStore} or your own {@link TokenStore}) when several processes use the same credentials.
         *
         * @param tokenStore the store; not {@code null}
         * @return this builder
         * @throws NullPointerException when {@code tokenStore} is {@code null}
         */
        public Builder tokenStore(TokenStore tokenStore) {
            this.store = Objects.requireNonNull(tokenStore, "tokenStore");
            return this;
        }

        /**
         * The user-agent step of login; without one, the filter never logs in and fails with
         * {@code McpFailure.AuthenticationRequired} instead (startup reason {@code LOGIN_REQUIRED}).
         *
         * @param source how the user agent is sent to the authorization URL, for example
         *               {@link AuthorizationCodeSource#loopback}
         * @return this builder
         * @throws NullPointerException when {@code source} is {@code null}
         */
        public Builder codeSource(AuthorizationCodeSource source) {
            this.codeSource = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * Login in a service: a call whose owner must log in (or step up) fails at once with an
         * {@link AuthorizationRequiredException} carrying the authorization URL for that owner; the service sends
         * its user there, and its callback endpoint (at {@code redirectUri}) hands the redirect to
         * {@link McpOAuth#completeLogin(URI)}. The PKCE verifier and {@code state} stay in this instance's memory,
         * bound to the owner, the MCP endpoint and the authorization server, for 10 minutes, at most 10,000 at a
         * time and 8 per owner and endpoint. Replaces {@link #codeSource}. With several replicas, either the completion
         * reaches the replica that issued the URL (sticky sessions on the login), or the replicas share a
         * {@link #pendingLoginStore}.
         * With {@link #dpop} (RFC 9449), each waiting login keeps its own proof key, named in the authorization request
         * ({@code dpop_jkt}, section 10); the completion proves the code exchange with it, and the owner's tokens are
         * stored with it.
         *
         * <pre>{@code
         * McpOAuth oauth = McpOAuth.builder()
         *     .tokenStore(sharedStore)
         *     .preRegisteredClient(new ClientRegistration(issuer, "my-service", null, "none",
         *             List.of("https://chat.example.com/oauth/callback")))
         *     .serviceLogin("https://chat.example.com/oauth/callback")
         *     .ownerRequired(true)
         *     .build();
         * }</pre>
         *
         * @param redirectUri the service's callback URL, registered for the client
         * @return this builder
         * @throws NullPointerException     when {@code redirectUri} is {@code null}
         * @throws IllegalArgumentException when {@code redirectUri} is not absolute or has a fragment
         */
        public Builder serviceLogin(String redirectUri) {
            return serviceLogin(redirectUri, Duration.ofMinutes(10), 10_000);
        }

        /**
         * {@link #serviceLogin(String)} keeping each waiting login for {@code validity}, at most {@code maxPending}
         * at a time (past it, the oldest is forgotten).
         *
         * @param redirectUri the service's callback URL, registered for the client
         * @param validity    how long a login may take from the failed call to its completion; positive
         * @param maxPending  how many logins may wait at a time; positive
         * @return this builder
         * @throws NullPointerException     when {@code redirectUri} or {@code validity} is {@code null}
         * @throws IllegalArgumentException when {@code redirectUri} is not absolute or has a fragment, or
         *                                  {@code validity} or {@code maxPending} is not positive
         */
        public Builder serviceLogin(String redirectUri, Duration validity, int maxPending) {
            URI uri = URI.create(Objects.requireNonNull(redirectUri, "redirectUri"));
            if (!uri.isAbsolute() || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("the redirect URI must be absolute, without fragment");
            }
            if (validity.isNegative() || validity.isZero() || maxPending < 1) {
                throw new IllegalArgumentException("validity and maxPending must be positive");
            }
            this.serviceRedirectUri = redirectUri;
            this.serviceLoginValidity = validity;
            this.maxPendingLogins = maxPending;
            return this;
        }

        /**
         * Where the logins of {@link #serviceLogin} wait for their redirect (default: this instance's memory, so the
         * redirect must reach the replica that issued the URL). With a store shared by the replicas, any replica
         * completes any login, each once; the checks of {@link McpOAuth#completeLogin} (owner, expiry, {@code iss})
         * stay. The store holds the PKCE verifier (RFC 7636) and, with {@link #dpop}, the login's private key: protect
         * it as the token store. {@code maxPending} of {@link #serviceLogin(String, Duration, int)} bounds the memory
         * default only; a store bounds its logins by their expiry and 8 per owner and endpoint.
         *
         * <pre>{@code
         * McpOAuth oauth = McpOAuth.builder()
         *     .tokenStore(RedisTokenStore.builder(redisUri).build())
         *     .serviceLogin("https://chat.example.com/oauth/callback")
         *     .pendingLoginStore(RedisPendingLoginStore.builder(redisUri).build())
         *     .build();
         * }</pre>
         *
         * @param store the store, shared by the replicas; not {@code null}
         * @return this builder
         * @throws NullPointerException when {@code store} is {@code null}
         */
        public Builder pendingLoginStore(PendingLoginStore store) {
            this.pendingLoginStore = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * A client registered in advance at its issuer (used instead of CIMD or dynamic registration).
         *
         * @param registration the client id (and secret) the issuer gave this client
         * @return this builder
         * @throws NullPointerException when {@code registration} is {@code null}
         */
        public Builder preRegisteredClient(ClientRegistration registration) {
            this.preRegistered = Objects.requireNonNull(registration, "registration");
            return this;
        }

        /**
         * A Client ID Metadata Document URL (https, with a path), used as client id where the authorization
         * server supports it (MCP authorization 2025-11-25, client ID metadata documents).
         *
         * @param url the https URL of the document, which the application publishes
         * @return this builder
         * @throws NullPointerException when {@code url} is {@code null}
         */
        public Builder clientMetadataDocument(String url) {
            this.clientMetadataDocument = Objects.requireNonNull(url, "url");
            return this;
        }

        /**
         * The client name for dynamic registration (RFC 7591 {@code client_name}); default {@code reactive-mcp}.
         * Authorization servers show it on the consent page.
         *
         * @param name the name users see
         * @return this builder
         * @throws NullPointerException when {@code name} is {@code null}
         */
        public Builder clientName(String name) {
            this.clientName = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * {@code native} (default) or {@code web}, for dynamic registration (OpenID Connect registration
         * {@code application_type}).
         *
         * @param type {@code "native"} or {@code "web"}
         * @return this builder
         * @throws IllegalArgumentException when {@code type} is anything else
         */
        public Builder applicationType(String type) {
            if (!"native".equals(type) && !"web".equals(type)) {
                throw new IllegalArgumentException("application type must be native or web");
            }
            this.applicationType = type;
            return this;
        }

        /**
         * Scopes to request when neither the challenge nor the metadata names any.
         *
         * @param scopes the scopes; copied
         * @return this builder
         * @throws NullPointerException when {@code scopes} or one of them is {@code null}
         */
        public Builder defaultScopes(Set<String> scopes) {
            this.defaultScopes = Set.copyOf(scopes);
            return this;
        }

        /**
         * The clock for expiries and refresh schedules (default: system UTC); inject a fixed or test clock to
         * control time.
         *
         * @param clock the clock
         * @return this builder
         * @throws NullPointerException when {@code clock} is {@code null}
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How long before expiry the background refresh starts for long-lived tokens (default 60 s); shorter
         * lifetimes use at most a tenth of the lifetime.
         *
         * @param skew the margin before expiry
         * @return this builder
         * @throws NullPointerException when {@code skew} is {@code null}
         */
        public Builder clockSkew(Duration skew) {
            this.policy = policy.withSkew(Objects.requireNonNull(skew, "skew"));
            return this;
        }

        /**
         * The HTTP client for discovery, registration and token requests (default: {@code HttpClient.create()}).
         *
         * @param client your configured Reactor Netty client (proxy, pool, metrics stay yours)
         * @return this builder
         * @throws NullPointerException when {@code client} is {@code null}
         */
        public Builder httpClient(HttpClient client) {
            this.httpClient = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * Which certificate authorities discovery, registration and token requests trust over HTTPS; default
         * {@link TlsTrust#systemDefault()}. Applied on top of {@link #httpClient(HttpClient)} when both are set
         * (or configure {@code HttpClient#secure} on your own client instead). A handshake failure (untrusted
         * certificate, wrong host name) fails the flow at once with {@code McpFailure.ConnectionFailure} of kind
         * {@code TLS}.
         *
         * <pre>{@code
         * TlsTrust trust = TlsTrust.pemFile(Path.of("internal-ca.pem"));
         * McpOAuth oauth = McpOAuth.builder().tlsTrust(trust).build();
         * McpClient client = McpClient.builder(uri).tlsTrust(trust).filter(oauth.filterFor(uri)).build();
         * }</pre>
         *
         * @param trust the certificate authorities to trust
         * @return this builder
         * @throws NullPointerException when {@code trust} is {@code null}
         */
        public Builder tlsTrust(TlsTrust trust) {
            this.tlsTrust = Objects.requireNonNull(trust, "trust");
            return this;
        }

        /**
         * The timeout of each discovery, registration or token request (default 30 s).
         *
         * @param timeout the longest one request may take; positive
         * @return this builder
         * @throws IllegalArgumentException when {@code timeout} is zero or negative
         */
        public Builder requestTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive");
            }
            this.requestTimeout = timeout;
            return this;
        }

        /**
         * A static bearer token sent as is, never refreshed: the auth state becomes {@code BEARER_TOKEN}. The token
         * is remembered as a secret, so it is masked wherever an error message would show it.
         *
         * @param token the access token, without the {@code Bearer } prefix
         * @return this builder
         * @throws IllegalArgumentException when {@code token} is {@code null} or blank
         */
        public Builder bearerToken(String token) {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("bearer token must not be blank");
            }
            KnownSecrets.remember(token);
            this.staticAuthorization = "Bearer " + token;
            return this;
        }

        /**
         * A static {@code Authorization} header value sent as is: the auth state becomes {@code BEARER_TOKEN}.
         *
         * @param value the whole header value, scheme included, for example {@code "Basic dXNlcjpwYXNz"}
         * @return this builder
         * @throws IllegalArgumentException when {@code value} is {@code null} or blank
         */
        public Builder authorizationHeader(String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("authorization header must not be blank");
            }
            this.staticAuthorization = value;
            return this;
        }

        /**
         * Obtain tokens with the client credentials grant (no user): the MCP server's authorization server is
         * discovered on the first 401, tokens are renewed in the background before they expire. Asked before a
         * {@link #codeSource} login.
         *
         * <pre>{@code
         * McpOAuth oauth = McpOAuth.builder()
         *     .clientCredentials(ClientCredentials.clientSecretBasic("my-service", secret))
         *     .build();
         * }</pre>
         *
         * @param credentials the client and how it authenticates (RFC 6749 section 4.4)
         * @return this builder
         * @throws NullPointerException when {@code credentials} is {@code null}
         */
        public Builder clientCredentials(ClientCredentials credentials) {
            this.clientCredentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /**
         * Obtain tokens with the JWT-bearer grant from a platform-issued JWT (workload identity, no user): asked
         * after client credentials, before a {@link #codeSource} login. A failed token request is reported, never
         * retried with the same assertion, never followed by another grant.
         *
         * <pre>{@code
         * McpOAuth oauth = McpOAuth.builder()
         *     .workloadIdentity(WorkloadIdentity.jwtBearer("my-workload", platformTokenMono))
         *     .build();
         * }</pre>
         *
         * @param identity the client and the source of its assertions (RFC 7523 section 2.1)
         * @return this builder
         * @throws NullPointerException when {@code identity} is {@code null}
         */
        public Builder workloadIdentity(WorkloadIdentity identity) {
            this.workloadIdentity = Objects.requireNonNull(identity, "identity");
            return this;
        }

        /**
         * Obtain tokens through the user's enterprise identity provider (ID-JAG, SEP-990; no browser): asked after
         * workload identity, before a {@link #codeSource} login. See {@link EnterpriseAuthorization}.
         *
         * @param authorization the identity provider, the user's ID tokens and the MCP client's credentials
         * @return this builder
         * @throws NullPointerException when {@code authorization} is {@code null}
         */
        public Builder enterpriseAuthorization(EnterpriseAuthorization authorization) {
            this.enterprise = Objects.requireNonNull(authorization, "authorization");
            return this;
        }

        /**
         * Sender-constrained tokens (DPoP, RFC 9449) for every grant: a key pair per credential, generated before
         * its first token request and stored with the tokens it binds (a refresh, also in another process, proves
         * with the same key); a fresh proof on every token request and every MCP request; tokens sent as
         * {@code Authorization: DPoP <token>}; server nonces answered with one retry. Without this setting DPoP is
         * still used, with ES256, with an MCP server that offers only {@code DPoP} challenges (it accepts nothing
         * else), and for stored credentials that carry a key.
         *
         * <pre>{@code
         * McpOAuth oauth = McpOAuth.builder()
         *     .clientCredentials(ClientCredentials.clientSecretBasic("my-service", secret))
         *     .dpop(Dpop.es256())
         *     .build();
         * }</pre>
         *
         * @param dpop the proof algorithm
         * @return this builder
         * @throws NullPointerException when {@code dpop} is {@code null}
         */
        public Builder dpop(Dpop dpop) {
            this.dpop = Objects.requireNonNull(dpop, "dpop");
            return this;
        }

        /**
         * Adds {@code provider} to the token providers, asked before the built-in ones (in the order added). The
         * engine persists, caches and renews what it returns; see {@link TokenProvider}.
         *
         * @param provider a provider for one grant
         * @return this builder
         * @throws NullPointerException when {@code provider} is {@code null}
         */
        public Builder tokenProvider(TokenProvider provider) {
            this.providers.add(Objects.requireNonNull(provider, "provider"));
            return this;
        }

        /**
         * Where the filter finds the owner of each call (the user whose credentials it uses, see {@link McpOwner}):
         * {@code resolver} gets the call's Reactor context and emits the owner id, or completes empty when the call
         * names none. The returned {@code Mono} is subscribed in the call's context, so it may read a reactive
         * security context. Default: {@link McpOwner#in} the context.
         *
         * <pre>{@code
         * McpOAuth.builder().ownerResolver(ctx -> Mono.justOrEmpty(ctx.getOrEmpty(TenantUser.class))
         *         .map(TenantUser.class::cast).map(TenantUser::id));
         * }</pre>
         *
         * @param resolver emits the owner id of a call from its context, or completes empty when it names none
         * @return this builder
         * @throws NullPointerException when {@code resolver} is {@code null}
         */
        public Builder ownerResolver(java.util.function.Function<reactor.util.context.ContextView, Mono<String>> resolver) {
            this.ownerResolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * With {@code true}, a call that names no owner fails with {@code McpFailure.AuthenticationRequired} before
         * anything is sent, instead of running for {@link CredentialKey#DEFAULT_OWNER} (default {@code false}): for
         * services in which every call runs for some user.
         *
         * @param required whether every call must name its owner
         * @return this builder
         */
        public Builder ownerRequired(boolean required) {
            this.ownerRequired = required;
            return this;
        }

        /** Tests: how many (endpoint, owner) sessions the engine keeps before evicting the least recently used. */
        Builder maxOwnerSessions(int max) {
            this.maxOwnerSessions = max;
            return this;
        }

        /**
         * Adds {@code profile} for the authorization servers it {@linkplain IdentityProviderProfile#recognises
         * recognises}, tried before the built-in ones (in the order added); see {@link IdentityProviderProfile}.
         *
         * <pre>{@code
         * McpOAuth oauth = McpOAuth.builder()
         *     .identityProviderProfile(IdentityProviderProfile.cognito().withScopePrefix("mcp-api/"))
         *     .build();
         * }</pre>
         *
         * @param profile a profile; it applies only to the issuers it recognises (a built-in one's, or those added
         *                with {@link IdentityProviderProfile#forIssuer(String)})
         * @return this builder
         * @throws NullPointerException when {@code profile} is {@code null}
         */
        public Builder identityProviderProfile(IdentityProviderProfile profile) {
            this.profiles.add(Objects.requireNonNull(profile, "profile"));
            return this;
        }

        Builder flow(Authorizer authorizer, TokenRefresher refresher) {
            this.authorizer = authorizer;
            this.refresher = refresher;
            return this;
        }

        Builder discovery(AuthDiscovery discovery) {
            this.discovery = discovery;
            return this;
        }

        Builder timer(Scheduler timer) {
            this.timer = timer;
            return this;
        }

        Builder refreshPolicy(RefreshPolicy refreshPolicy) {
            this.policy = refreshPolicy;
            return this;
        }

        /**
         * The immutable {@link McpOAuth}. Checks that TLS is available here rather than on an event loop later.
         *
         * @return a new instance; later changes to this builder do not affect it
         * @throws IllegalStateException when TLS is unavailable in this runtime, naming the cause
         */
        public McpOAuth build() {
            McpFailures.loadReaders();   // foreign payload readers, before the first error on an event loop
            Tls.requireAvailable(); // authorization servers speak https: fail here, not on an event loop
            HttpClient http = Tls.apply(httpClient != null ? httpClient : HttpClient.create(), tlsTrust);
            DpopLayer dpopLayer = new DpopLayer(dpop == null ? null
                    : DpopAlgorithm.named(dpop.algorithm()).orElseThrow(), clock);
            if (serviceRedirectUri != null && codeSource != null) {
                throw new IllegalStateException("serviceLogin replaces codeSource: configure one of them");
            }
            if (pendingLoginStore != null && serviceRedirectUri == null) {
                throw new IllegalStateException("pendingLoginStore needs serviceLogin(redirectUri)");
            }
            PendingLogins parked = serviceRedirectUri == null ? null : new PendingLogins(clock, serviceRedirectUri,
                    serviceLoginValidity, maxPendingLogins, 8, pendingLoginStore, profiles);
            OAuthFlow flow = new OAuthFlow(new FlowSettings(store, codeSource, preRegistered,
                    clientMetadataDocument, clientName, applicationType, defaultScopes, clock, http,
                    requestTimeout, 1024 * 1024, timer, profiles), dpopLayer.tokenEndpointFilter(), parked,
                    dpopLayer.loginBinding());
            TokenProvider chain = TokenProvider.none();
            for (TokenProvider p : providers) {
                chain = chain.orElse(p);
            }
            chain = chain.orElse(new RefreshTokenProvider(refresher != null ? refresher : flow));
            if (clientCredentials != null) {
                chain = chain.orElse(flow.clientCredentials(clientCredentials.clientId(),
                        clientCredentials.clientSecret(), signer(clientCredentials), clientCredentials.scopes()));
            }
            if (workloadIdentity != null) {
                chain = chain.orElse(flow.jwtBearer(workloadIdentity.clientId(), workloadIdentity.assertions(),
                        workloadIdentity.scopes()));
            }
            if (enterprise != null) {
                ClientCredentials c = enterprise.client();
                chain = chain.orElse(flow.idJag(enterprise.idpTokenEndpoint(), enterprise.idpClientId(),
                        enterprise.idTokens(), c.clientId(), c.clientSecret(), signer(c), c.scopes()));
            }
            boolean interactive = codeSource != null || loginWithoutCodeSource || parked != null;
            if (interactive) {
                chain = chain.orElse(new AuthorizationCodeProvider(authorizer != null ? authorizer : flow::obtain));
            }
            chain = dpopLayer.provider(chain);
            AuthDiscovery disco = discovery != null ? discovery : new WellKnownProbe(http, requestTimeout, timer);
            EngineConfig config = new EngineConfig(store, chain, disco, clock, timer, policy,
                    interactive || clientCredentials != null || workloadIdentity != null || enterprise != null
                            || !providers.isEmpty(),
                    staticAuthorization, dpopLayer);
            return new McpOAuth(store, new TokenEngine(config,
                    new OwnerResolution(ownerResolver, ownerRequired, maxOwnerSessions)), parked == null ? null : flow);
        }

        private ClientAssertionSigner signer(ClientCredentials credentials) {
            return credentials.key().map(k -> new ClientAssertionSigner(credentials.clientId(), k.privateKey(),
                    k.algorithm(), k.keyId().orElse(null), credentials.assertionLifetime(), clock)).orElse(null);
        }

        /** Tests: lets a fake authorizer log in although no code source is configured. */
        Builder allowLogin(boolean allowed) {
            this.loginWithoutCodeSource = allowed;
            return this;
        }
    }
}
