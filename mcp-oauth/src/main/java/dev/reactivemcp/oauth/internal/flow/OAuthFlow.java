package dev.reactivemcp.oauth.internal.flow;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.WwwAuthenticate;
import dev.reactivemcp.oauth.AuthorizationCodeSource.Redirect;
import dev.reactivemcp.oauth.AuthorizationRequiredException;
import dev.reactivemcp.oauth.LoginCompletionException;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.internal.AuthorizationContext;
import dev.reactivemcp.oauth.internal.Authorizer;
import dev.reactivemcp.oauth.internal.FlowSettings;
import dev.reactivemcp.oauth.internal.TokenRefresher;
import dev.reactivemcp.transport.ExchangeFilterFunction;
import dev.reactivemcp.transport.ExchangeFunction;
import dev.reactivemcp.transport.spi.ReactorNettyExchange;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;

/**
 * The MCP authorization client flow (MCP 2025-11-25 and 2026-07-28 "Authorization"; 2025-03-26 fallbacks):
 * protected resource discovery, authorization server discovery, client identity, authorization code with PKCE
 * S256 through the configured {@code AuthorizationCodeSource}, response validation, token request; and the
 * refresh-token grant. Each step lives in its own class of this package; this one only sequences them.
 */
public final class OAuthFlow implements Authorizer, TokenRefresher {

    /** Authorization attempts allowed for one request, in total (conformance {@code auth/scope-retry-limit}). */
    public static final int MAX_ATTEMPTS = 3;

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    static final int DEFAULT_MAX_BODY = 1 << 20;

    private final FlowSettings settings;
    private final Clock clock;
    private final ResourceDiscovery resources;
    private final AuthServerDiscovery servers;
    private final ClientRegistrar registrar;
    private final TokenClient tokens;
    private final Secrets secrets = new Secrets();
    private final PendingLogins parked;
    private final LoginBinding binding;

    /** A flow with these settings. */
    public OAuthFlow(FlowSettings settings) {
        this(settings, null);
    }

    /**
     * A flow whose HTTP goes through {@code filter} (null: none), e.g. the DPoP layer's token endpoint filter,
     * which proves the token requests.
     */
    public OAuthFlow(FlowSettings settings, ExchangeFilterFunction filter) {
        this(settings, filter, null);
    }

    /**
     * A flow whose logins are parked in {@code parked} (null: run through the code source): a login ends the call
     * with an {@code AuthorizationRequiredException} carrying the URL, and {@link #completeLogin} finishes it.
     */
    public OAuthFlow(FlowSettings settings, ExchangeFilterFunction filter, PendingLogins parked) {
        this(settings, filter, parked, LoginBinding.NONE);
    }

    /**
     * {@link #OAuthFlow(FlowSettings, ExchangeFilterFunction, PendingLogins)} whose parked logins keep the DPoP key
     * {@code binding} chooses, and prove their code exchange with it.
     */
    public OAuthFlow(FlowSettings settings, ExchangeFilterFunction filter, PendingLogins parked,
                     LoginBinding binding) {
        this.parked = parked;
        this.binding = Objects.requireNonNull(binding, "binding");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = settings.clock() == null ? Clock.systemUTC() : settings.clock();
        ExchangeFunction exchange = new ReactorNettyExchange(settings.httpClient());
        FlowHttp http = new FlowHttp(filter == null ? exchange : filter.apply(exchange),
                settings.requestTimeout() == null ? DEFAULT_TIMEOUT : settings.requestTimeout(),
                settings.maxBodyBytes() > 0 ? settings.maxBodyBytes() : DEFAULT_MAX_BODY,
                settings.timer() == null ? reactor.core.scheduler.Schedulers.parallel() : settings.timer());
        this.resources = new ResourceDiscovery(http);
        this.servers = new AuthServerDiscovery(http);
        this.registrar = new ClientRegistrar(settings, http);
        this.tokens = new TokenClient(http, clock);
    }

    @Override
    public Mono<StoredCredentials> authorize(AuthorizationContext context) {
        return obtain(context).flatMap(credentials -> settings.store().save(credentials).thenReturn(credentials));
    }

    /** {@link #authorize} without saving: the token engine persists what a provider returns. */
    public Mono<StoredCredentials> obtain(AuthorizationContext context) {
        return Mono.defer(() -> {
            if (context.attempt() >= MAX_ATTEMPTS) {
                return Mono.error(attemptsExhausted(context));
            }
            WwwAuthenticate.Challenge challenge = WwwAuthenticate.oauthChallenge(context.challenges()).orElse(null);
            return resources.discover(context.endpoint(), challenge).flatMap(resource -> {
                ProviderRules rules = rules(resource.issuer());
                return servers.discover(resource, rules)
                        .flatMap(server -> authorizeAt(context, challenge, resource, server, rules));
            });
        });
    }

    private Mono<StoredCredentials> authorizeAt(AuthorizationContext context, WwwAuthenticate.Challenge challenge,
                                                ProtectedResource resource, AuthServerMetadata server,
                                                ProviderRules rules) {
        if (!rules.usesS256(server)) {
            return Mono.error(FlowErrors.protocol("authorization server " + server.issuer()
                    + " does not advertise PKCE with S256; refusing to proceed"
                    + (server.codeChallengeMethods() == null ? " (a provider known to enforce it unadvertised needs an"
                    + " IdentityProviderProfile with PKCE S256 assumed)" : "")));
        }
        server.requireGrant("authorization_code");   // before the user is sent to log in
        List<String> scopes = new ArrayList<>(rules.scopes(Scopes.select(context.previouslyRequestedScopes(),
                challenge, resource, server, settings.defaultScopes()), resource.resource(), server));
        if (parked != null) {
            Mono<StoredCredentials> fresh = registrar.identify(server, parked.redirectUri(), rules).flatMap(registration -> Mono
                    .deferContextual(binding::keyFor).map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty())
                    .flatMap(key -> {
                        PendingAuthorization p = new PendingAuthorization(server, resource.resource(), registration,
                                parked.redirectUri(), scopes, secrets.next(), secrets.next(), rules,
                                key.map(LoginBinding.Key::thumbprint).orElse(null));
                        return parked.parkAsync(p, context.endpoint(), context.owner(), key.orElse(null),
                                resource.issuer()).flatMap(expiresAt -> Mono.error(
                                        new AuthorizationRequiredException(p.authorizationUrl(), context.owner(),
                                        context.endpoint(), server.issuer(), p.scopes(), expiresAt,
                                        context.challenges())));
                    }));
            // the same login again: one URL per owner until it is completed or expires
            return parked.waitingAsync(context.endpoint(), context.owner(), server.issuer(), scopes)
                    .flatMap(waiting -> Mono.<StoredCredentials>error(new AuthorizationRequiredException(
                            waiting.authorization().authorizationUrl(), context.owner(), context.endpoint(),
                            server.issuer(), waiting.authorization().scopes(), waiting.expiresAt(),
                            context.challenges())))
                    .switchIfEmpty(fresh);
        }
        AtomicReference<PendingAuthorization> pending = new AtomicReference<>();
        return settings.codeSource()
                .authorize(redirectUri -> registrar.identify(server, redirectUri, rules).map(registration -> {
                    PendingAuthorization p = new PendingAuthorization(server, resource.resource(), registration,
                            redirectUri, scopes, secrets.next(), secrets.next(), rules);
                    pending.set(p);
                    return p.authorizationUrl();
                }))
                .switchIfEmpty(Mono.error(() -> FlowErrors.protocol("the authorization code source completed empty")))
                .flatMap(redirect -> redeem(context, redirect, pending.get()));
    }

    private Mono<StoredCredentials> redeem(AuthorizationContext context, Redirect redirect,
                                           PendingAuthorization pending) {
        if (pending == null) {
            return Mono.error(FlowErrors.protocol("the authorization code source never requested an authorization URL"));
        }
        String code = RedirectCheck.code(redirect, pending);
        return tokens.exchangeCode(pending, code).map(issued -> {
            pending.rules().checkTenant(pending.server().issuer(), issued.accessToken());
            return issued;
        }).map(issued -> new StoredCredentials(context.endpoint(),
                new CredentialKey(pending.resource(), pending.server().issuer(), pending.registration().clientId(),
                        context.owner()),
                pending.registration(), issued, pending.server().tokenEndpoint(), false, clock.instant()));
    }

    /**
     * Completes a parked login with the redirect its user agent brought back, for {@code owner} (the owner of the
     * completing request): the {@code state} must name a waiting login (taken: single use), started for
     * {@code owner}, not expired; then the redirect is checked ({@code iss}, {@code state}, {@code error}) and the
     * code exchanged (proved with the login's DPoP key, if it parked one). Emits the credentials, not yet stored.
     */
    public Mono<StoredCredentials> completeLogin(Redirect redirect, String owner) {
        return Mono.defer(() -> {
            if (parked == null) {
                return Mono.error(new IllegalStateException("completeLogin needs McpOAuth.Builder.serviceLogin"));
            }
            return parked.takeAsync(redirect.state().orElse(null))
                    .switchIfEmpty(Mono.error(() -> new LoginCompletionException(
                            LoginCompletionException.Reason.UNKNOWN_STATE)))
                    .flatMap(login -> complete(login, redirect, owner));
        });
    }

    private Mono<StoredCredentials> complete(PendingLogins.Parked login, Redirect redirect, String owner) {
        return Mono.defer(() -> {
            if (!login.owner().equals(owner)) {
                return Mono.error(new LoginCompletionException(LoginCompletionException.Reason.OTHER_OWNER));
            }
            if (!clock.instant().isBefore(login.expiresAt())) {
                return Mono.error(new LoginCompletionException(LoginCompletionException.Reason.EXPIRED));
            }
            Mono<StoredCredentials> exchange = redeem(new AuthorizationContext(login.endpoint(), List.of(),
                    java.util.Set.of(), 0, owner), redirect, login.authorization());
            return login.key() == null ? exchange : binding.redeemWith(login.key(), exchange);
        });
    }

    @Override
    public Mono<OAuthTokens> refresh(StoredCredentials current) {
        return Mono.defer(() -> tokens.refresh(current, rules(current.key().issuer()).sendsResource()));
    }

    private ProviderRules rules(String issuer) {
        return ProviderRules.forIssuer(issuer, settings.profiles());
    }

    /**
     * The client credentials grant over this flow's discovery and token endpoint client: {@code client_secret_basic}
     * with {@code clientSecret}, or {@code private_key_jwt} with {@code signer}.
     */
    public dev.reactivemcp.oauth.TokenProvider clientCredentials(String clientId, String clientSecret,
                                                                 ClientAssertionSigner signer,
                                                                 java.util.Set<String> defaultScopes) {
        return new ClientCredentialsGrant(clientId, clientSecret, signer, defaultScopes, grantFlow());
    }

    /** The JWT-bearer grant (workload identity) with assertions from {@code assertions}. */
    public dev.reactivemcp.oauth.TokenProvider jwtBearer(String clientId, Mono<String> assertions,
                                                         java.util.Set<String> defaultScopes) {
        return new JwtBearerGrant(clientId, assertions, defaultScopes, grantFlow());
    }

    /**
     * Enterprise-managed authorization: ID tokens exchanged at {@code idpTokenEndpoint} for an ID-JAG, redeemed with
     * the JWT-bearer grant as {@code clientId} ({@code client_secret_basic} with {@code clientSecret}, or
     * {@code private_key_jwt} with {@code signer}).
     */
    public dev.reactivemcp.oauth.TokenProvider idJag(String idpTokenEndpoint, String idpClientId,
                                                     Mono<String> idTokens, String clientId, String clientSecret,
                                                     ClientAssertionSigner signer, java.util.Set<String> defaultScopes) {
        return new IdJagGrant(idpTokenEndpoint, idpClientId, idTokens, clientId, clientSecret, signer, defaultScopes,
                grantFlow());
    }

    private ServiceGrant.Flow grantFlow() {
        return new ServiceGrant.Flow(resources, servers, tokens, clock, this::rules);
    }

    private static McpException attemptsExhausted(AuthorizationContext context) {
        WwwAuthenticate.Challenge challenge = WwwAuthenticate.oauthChallenge(context.challenges()).orElse(null);
        McpFailure failure = challenge != null && challenge.error().filter("insufficient_scope"::equals).isPresent()
                ? new McpFailure.InsufficientScope(challenge.scopes(), context.challenges())
                : new McpFailure.AuthenticationRequired(context.challenges(), true);
        return new McpException(failure, "gave up after " + MAX_ATTEMPTS + " authorization attempts: "
                + failure.describe(), null);
    }

    FlowSettings settings() {
        return settings;
    }
}
