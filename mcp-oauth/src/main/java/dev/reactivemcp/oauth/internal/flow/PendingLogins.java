package dev.reactivemcp.oauth.internal.flow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.IdentityProviderProfile;
import dev.reactivemcp.oauth.PendingLogin;
import dev.reactivemcp.oauth.PendingLoginStore;
import dev.reactivemcp.transport.spi.JsonCodec;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * The logins of a service waiting for their redirect ({@code McpOAuth.Builder.serviceLogin}): each one's
 * {@link PendingAuthorization} (PKCE verifier, {@code state}, issuer, redirect URI, DPoP key if any) bound to the owner and MCP
 * endpoint it was started for, in memory, keyed by its {@code state}. Short-lived (forgotten at {@code validity}
 * on the injected clock), single use ({@link #take} removes), bounded: at most {@code perOwner} per owner and
 * endpoint (a new one drops that owner's oldest) and {@code max} in all (a new one drops the oldest overall), so a
 * flood of calls neither grows memory nor invalidates other owners' fresh logins before the global bound.
 *
 * <p>Why a parked authorization rather than an {@code AuthorizationCodeSource} that waits: a code source runs
 * inside the call and would hold it (and its single-flight slot) open until the user returns, minutes later,
 * possibly to another replica; here the call ends at once with the URL, and the completion is a separate request
 * of the service's web layer. A completion must reach the replica that issued the URL (sticky sessions), since
 * the verifier never leaves this process, unless a shared {@link PendingLoginStore} is configured: then each login
 * is written there (its secrets as one JSON text, {@link #encode}) and any replica may complete it.
 *
 * <p>Only short critical sections on an uncontended monitor: nothing blocks.
 */
public final class PendingLogins {

    /** One waiting login. */
    record Parked(PendingAuthorization authorization, String endpoint, String owner, Instant expiresAt,
                  LoginBinding.Key key) { }

    private record OwnerKey(String endpoint, String owner) { }

    private final Clock clock;
    private final String redirectUri;
    private final Duration validity;
    private final int max;
    private final int perOwner;
    private final LinkedHashMap<String, Parked> byState = new LinkedHashMap<>();
    private final Map<OwnerKey, ArrayDeque<String>> byOwner = new HashMap<>();
    private final PendingLoginStore shared;
    private final List<IdentityProviderProfile> profiles;

    /**
     * Logins redirected to {@code redirectUri}, kept for {@code validity}, at most {@code max} at a time and
     * {@code perOwner} per owner and endpoint.
     */
    public PendingLogins(Clock clock, String redirectUri, Duration validity, int max, int perOwner) {
        this(clock, redirectUri, validity, max, perOwner, null, List.of());
    }

    /**
     * {@link #PendingLogins(Clock, String, Duration, int, int)} keeping the logins in {@code shared} (null: in this
     * instance's memory); {@code profiles} are the identity provider profiles a login read back is adapted with.
     */
    public PendingLogins(Clock clock, String redirectUri, Duration validity, int max, int perOwner,
                         PendingLoginStore shared, List<IdentityProviderProfile> profiles) {
        this.shared = shared;
        this.profiles = List.copyOf(profiles);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.redirectUri = Objects.requireNonNull(redirectUri, "redirectUri");
        this.validity = Objects.requireNonNull(validity, "validity");
        if (validity.isNegative() || validity.isZero() || max < 1 || perOwner < 1) {
            throw new IllegalArgumentException("validity, max and perOwner must be positive");
        }
        this.max = max;
        this.perOwner = perOwner;
    }

    /** The redirect URI the service's callback endpoint listens on. */
    String redirectUri() {
        return redirectUri;
    }

    /** How many logins are waiting (tests and diagnostics). */
    public synchronized int size() {
        return byState.size();
    }

    /**
     * Keeps {@code authorization} for {@code owner} at {@code endpoint}, with the DPoP {@code dpopKey} that is to redeem
     * its code (null: none); returns the instant it is forgotten.
     */
    Instant park(PendingAuthorization authorization, String endpoint, String owner, LoginBinding.Key dpopKey) {
        Instant now = clock.instant();
        Instant expiresAt = now.plus(validity);
        synchronized (this) {
            purgeExpired(now);
            OwnerKey key = new OwnerKey(endpoint, owner);
            ArrayDeque<String> before = byOwner.get(key);
            while (before != null && before.size() >= perOwner) {
                byState.remove(before.pollFirst());
            }
            while (byState.size() >= max) {
                remove(byState.keySet().iterator().next());
            }
            ArrayDeque<String> mine = byOwner.computeIfAbsent(key, k -> new ArrayDeque<>());
            byState.put(authorization.state(), new Parked(authorization, endpoint, owner, expiresAt, dpopKey));
            mine.addLast(authorization.state());
        }
        return expiresAt;
    }

    /**
     * The newest login still waiting for {@code owner} at {@code endpoint} that asks {@code issuer} for exactly
     * {@code scopes}, or null: a call that needs the same login again (a concurrent call, a retry) gets that one's URL
     * rather than a new login, so one owner has one login to complete, whatever the timing of the calls.
     */
    synchronized Parked waiting(String endpoint, String owner, String issuer, java.util.List<String> scopes) {
        purgeExpired(clock.instant());
        ArrayDeque<String> mine = byOwner.get(new OwnerKey(endpoint, owner));
        if (mine == null) {
            return null;
        }
        java.util.Set<String> wanted = java.util.Set.copyOf(scopes);
        for (Iterator<String> it = mine.descendingIterator(); it.hasNext(); ) {
            Parked p = byState.get(it.next());
            if (p != null && p.authorization().server().issuer().equals(issuer)
                    && java.util.Set.copyOf(p.authorization().scopes()).equals(wanted)) {
                return p;
            }
        }
        return null;
    }

    /** {@link #park}, in the shared store when one is configured; emits the instant the login is forgotten. */
    Mono<Instant> parkAsync(PendingAuthorization authorization, String endpoint, String owner,
                            LoginBinding.Key dpopKey, String rulesIssuer) {
        if (shared == null) {
            return Mono.fromSupplier(() -> park(authorization, endpoint, owner, dpopKey));
        }
        return Mono.defer(() -> {
            Instant expiresAt = clock.instant().plus(validity);
            PendingLogin login = new PendingLogin(authorization.state(), owner, endpoint,
                    authorization.server().issuer(), authorization.scopes(), expiresAt,
                    encode(authorization, dpopKey, rulesIssuer));
            return shared.put(login, perOwner).thenReturn(expiresAt);
        });
    }

    /** {@link #waiting}, in the shared store when one is configured. */
    Mono<Parked> waitingAsync(String endpoint, String owner, String issuer, List<String> scopes) {
        if (shared == null) {
            return Mono.fromSupplier(() -> waiting(endpoint, owner, issuer, scopes));
        }
        java.util.Set<String> wanted = java.util.Set.copyOf(scopes);
        return Mono.defer(() -> {
            Instant now = clock.instant();
            return shared.waiting(owner, endpoint)
                    .filter(l -> l.expiresAt().isAfter(now) && l.issuer().equals(issuer)
                            && java.util.Set.copyOf(l.scopes()).equals(wanted)
                            && l.owner().equals(owner) && l.endpoint().equals(endpoint))
                    .next()
                    .map(this::decode);
        });
    }

    /** {@link #take}, from the shared store when one is configured; empty when none waits with {@code state}. */
    Mono<Parked> takeAsync(String state) {
        if (state == null || state.isEmpty()) {
            return Mono.empty();
        }
        if (shared == null) {
            return Mono.fromSupplier(() -> take(state));
        }
        return shared.take(state).filter(l -> l.state().equals(state)).map(this::decode);
    }

    /** The secrets of a login, as one JSON text (only ever handed to the shared store). */
    private static String encode(PendingAuthorization a, LoginBinding.Key key, String rulesIssuer) {
        AuthServerMetadata m = a.server();
        Map<String, Object> server = new LinkedHashMap<>();
        server.put("issuer", m.issuer());
        server.put("authorization_endpoint", m.authorizationEndpoint());
        server.put("token_endpoint", m.tokenEndpoint());
        server.put("registration_endpoint", m.registrationEndpoint());
        server.put("scopes_supported", m.scopesSupported());
        server.put("token_endpoint_auth_methods_supported", m.tokenEndpointAuthMethods());
        server.put("code_challenge_methods_supported", m.codeChallengeMethods());
        server.put("iss_supported", m.issParameterSupported());
        server.put("cimd_supported", m.clientIdMetadataDocumentSupported());
        server.put("synthetic", m.synthetic());
        server.put("grant_types_supported", m.grantTypesSupported());
        server.put("dpop_signing_alg_values_supported", m.dpopSigningAlgs());
        ClientRegistration r = a.registration();
        Map<String, Object> client = new LinkedHashMap<>();
        client.put("issuer", r.issuer());
        client.put("client_id", r.clientId());
        client.put("client_secret", r.clientSecret());
        client.put("auth_method", r.tokenEndpointAuthMethod());
        client.put("redirect_uris", r.redirectUris());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("v", 1);
        doc.put("server", server);
        doc.put("client", client);
        doc.put("resource", a.resource());
        doc.put("redirect_uri", a.redirectUri());
        doc.put("verifier", a.verifier());
        doc.put("rules_issuer", rulesIssuer);
        doc.put("dpop_jkt", a.dpopJkt());
        if (key != null) {
            doc.put("dpop_jwk", key.privateJwk());
            doc.put("dpop_thumbprint", key.thumbprint());
        }
        return JsonCodec.get().writeString(doc);
    }

    /** A login read back from the shared store; a login that is not this class's writing reads as none. */
    @SuppressWarnings("unchecked")
    private Parked decode(PendingLogin login) {
        Map<String, Object> doc;
        try {
            doc = (Map<String, Object>) JsonCodec.get().read(login.secrets(), "a waiting login");
        } catch (RuntimeException e) {
            throw FlowErrors.protocol("a waiting login in the shared store is unreadable");
        }
        Map<String, Object> m = (Map<String, Object>) doc.get("server");
        Map<String, Object> c = (Map<String, Object>) doc.get("client");
        AuthServerMetadata server = new AuthServerMetadata((String) m.get("issuer"),
                (String) m.get("authorization_endpoint"), (String) m.get("token_endpoint"),
                (String) m.get("registration_endpoint"), strings(m.get("scopes_supported")),
                stringsOrNull(m.get("token_endpoint_auth_methods_supported")),
                stringsOrNull(m.get("code_challenge_methods_supported")), Boolean.TRUE.equals(m.get("iss_supported")),
                Boolean.TRUE.equals(m.get("cimd_supported")), Boolean.TRUE.equals(m.get("synthetic")),
                stringsOrNull(m.get("grant_types_supported")),
                stringsOrNull(m.get("dpop_signing_alg_values_supported")));
        ClientRegistration registration = new ClientRegistration((String) c.get("issuer"), (String) c.get("client_id"),
                (String) c.get("client_secret"), (String) c.get("auth_method"), strings(c.get("redirect_uris")));
        ProviderRules rules = ProviderRules.forIssuer((String) doc.get("rules_issuer"), profiles);
        PendingAuthorization authorization = new PendingAuthorization(server, (String) doc.get("resource"),
                registration, (String) doc.get("redirect_uri"), login.scopes(), login.state(),
                (String) doc.get("verifier"), rules, (String) doc.get("dpop_jkt"));
        LoginBinding.Key key = doc.get("dpop_jwk") == null ? null
                : new LoginBinding.Key((String) doc.get("dpop_jwk"), (String) doc.get("dpop_thumbprint"));
        return new Parked(authorization, login.endpoint(), login.owner(), login.expiresAt(), key);
    }

    private static List<String> strings(Object value) {
        List<String> list = stringsOrNull(value);
        return list == null ? List.of() : list;
    }

    @SuppressWarnings("unchecked")
    private static List<String> stringsOrNull(Object value) {
        return value == null ? null : List.copyOf((List<String>) value);
    }

    /** Removes and returns the login waiting with {@code state}, or null (single use: a second take finds none). */
    synchronized Parked take(String state) {
        return state == null ? null : remove(state);
    }

    private Parked remove(String state) {
        Parked parked = byState.remove(state);
        if (parked != null) {
            OwnerKey key = new OwnerKey(parked.endpoint(), parked.owner());
            ArrayDeque<String> mine = byOwner.get(key);
            if (mine != null) {
                mine.remove(state);
                if (mine.isEmpty()) {
                    byOwner.remove(key);
                }
            }
        }
        return parked;
    }

    /** Drops the expired logins at the head (insertion order is expiry order on a clock that does not go back). */
    private void purgeExpired(Instant now) {
        Iterator<Map.Entry<String, Parked>> it = byState.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Parked> e = it.next();
            if (e.getValue().expiresAt().isAfter(now)) {
                return;
            }
            it.remove();
            OwnerKey key = new OwnerKey(e.getValue().endpoint(), e.getValue().owner());
            ArrayDeque<String> mine = byOwner.get(key);
            if (mine != null) {
                mine.remove(e.getKey());
                if (mine.isEmpty()) {
                    byOwner.remove(key);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "PendingLogins[redirectUri=" + redirectUri + ", validity=" + validity + "]";
    }
}
