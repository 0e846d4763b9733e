package dev.reactivemcp.oauth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How the login flow adapts to one hosted identity provider that departs from the MCP authorization spec
 * (2025-11-25 and 2026-07-28 "Authorization"). A profile is chosen per authorization server, from the issuer URL the
 * MCP server's protected resource metadata names: profiles added with {@link McpOAuth.Builder#identityProviderProfile}
 * first, then the built-in ones ({@link #builtIn()}), else {@link #standard()}, which is the spec: exact
 * {@code issuer} (RFC 8414 section 3.3), PKCE S256 only when advertised, RFC 8707 {@code resource} sent,
 * {@code offline_access} only when the server lists it.
 *
 * <pre>{@code
 * McpOAuth oauth = McpOAuth.builder()
 *     .codeSource(AuthorizationCodeSource.loopback(browser))
 *     .preRegisteredClient(new ClientRegistration("", "my-client-id", null, "none", List.of()))
 *     .identityProviderProfile(IdentityProviderProfile.entraId().withScopePrefix("api://my-mcp-api/"))
 *     .build();
 * }</pre>
 *
 * <p>What a profile may change, each one named and off in {@link #standard()}: the issuer comparison
 * ({@link IssuerMatch}), PKCE S256 assumed where the provider enforces it without advertising it, the
 * {@code resource} parameter left out or an {@code audience} sent beside it, bare scopes qualified with a prefix,
 * {@code offline_access} always or never requested, extra authorization request parameters. Whatever the profile, a
 * refresh that fails is reported, never retried with a different parameter set, and a refresh response without a
 * {@code refresh_token} keeps the stored one (RFC 6749 section 6). Immutable and thread-safe.
 */
public final class IdentityProviderProfile {

    /** How the {@code issuer} of the metadata document is compared with the issuer it was looked up for. */
    public enum IssuerMatch {
        /** Byte for byte (RFC 8414 section 3.3): the default. */
        EXACT,
        /** Byte for byte except for one trailing {@code /} on either side (Auth0, Google). */
        IGNORE_TRAILING_SLASH,
        /**
         * Entra ID multi-tenant issuers: the document of {@code .../common/v2.0} (or {@code organizations},
         * {@code consumers}) publishes {@code .../{tenantid}/v2.0}; accepted, and every access token must then be a JWT
         * whose {@code iss} is that template with its own {@code tid} filled in, else the login fails with
         * {@code IssuerMismatch}.
         */
        TENANT_PLACEHOLDER
    }

    /** When {@code offline_access} is requested (it asks for a refresh token). */
    public enum OfflineAccess {
        /** Only when the authorization server lists it in {@code scopes_supported} (MCP, SEP-2207): the default. */
        WHEN_ADVERTISED,
        /** Always with other scopes (Entra ID, Auth0, Okta need it for a refresh token). */
        ALWAYS,
        /** Never (Google, Cognito answer {@code invalid_scope}). */
        NEVER
    }

    private final String name;
    private final List<Pattern> issuers;
    private final IssuerMatch issuerMatch;
    private final boolean pkceS256Assumed;
    private final boolean resourceParameter;
    private final String audience;
    private final String scopePrefix;
    private final OfflineAccess offlineAccess;
    private final Map<String, String> authorizationParameters;

    private IdentityProviderProfile(String name, List<Pattern> issuers, IssuerMatch issuerMatch,
                                    boolean pkceS256Assumed, boolean resourceParameter, String audience,
                                    String scopePrefix, OfflineAccess offlineAccess,
                                    Map<String, String> authorizationParameters) {
        this.name = name;
        this.issuers = List.copyOf(issuers);
        this.issuerMatch = issuerMatch;
        this.pkceS256Assumed = pkceS256Assumed;
        this.resourceParameter = resourceParameter;
        this.audience = audience;
        this.scopePrefix = scopePrefix;
        this.offlineAccess = offlineAccess;
        this.authorizationParameters = Collections.unmodifiableMap(new LinkedHashMap<>(authorizationParameters));
    }

    /**
     * The spec's behaviour, recognising no issuer: what every authorization server gets unless a profile matches.
     *
     * @return a new profile named {@code standard}: exact issuer, PKCE S256 only when advertised, {@code resource}
     *         sent, {@code offline_access} only when advertised, no audience, scope prefix or extra parameters
     */
    public static IdentityProviderProfile standard() {
        return named("standard");
    }

    /**
     * A profile with the spec's behaviour named {@code name}, recognising no issuer until {@link #forIssuer}.
     *
     * @param name the profile's name, for logs and messages
     * @return a new profile with the spec's behaviour that recognises no issuer
     * @throws IllegalArgumentException when {@code name} is {@code null} or blank
     */
    public static IdentityProviderProfile named(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("profile name must not be blank");
        }
        return new IdentityProviderProfile(name, List.of(), IssuerMatch.EXACT, false, true, null, null,
                OfflineAccess.WHEN_ADVERTISED, Map.of());
    }

    /**
     * Microsoft Entra ID ({@code https://login.microsoftonline.com/...}): the {@code {tenantid}} issuer template,
     * PKCE S256 assumed (enforced, never advertised), {@code offline_access} always, bare scopes qualified with
     * {@code <resource>/} (the App ID URI must then equal the MCP server's resource; else use
     * {@link #withScopePrefix} with {@code api://<app-id>/}).
     *
     * @return a new profile named {@code entra-id}, recognising {@code login.microsoftonline.com},
     *         {@code login.microsoftonline.us} and {@code login.partner.microsoftonline.cn} issuers
     */
    public static IdentityProviderProfile entraId() {
        return named("entra-id").recognising("https://login\\.(microsoftonline\\.(com|us)|partner\\.microsoftonline\\.cn)/.*")
                .withIssuerMatch(IssuerMatch.TENANT_PLACEHOLDER).withPkceS256Assumed(true)
                .withOfflineAccess(OfflineAccess.ALWAYS).withScopePrefix("{resource}/");
    }

    /**
     * Auth0 ({@code https://<tenant>.auth0.com/}): trailing-slash issuers, {@code audience} = the resource,
     * {@code offline_access}.
     *
     * @return a new profile named {@code auth0}, recognising {@code https://*.auth0.com} issuers
     */
    public static IdentityProviderProfile auth0() {
        return named("auth0").recognising("https://[^/]+\\.auth0\\.com(/.*)?")
                .withIssuerMatch(IssuerMatch.IGNORE_TRAILING_SLASH).withAudience("{resource}")
                .withOfflineAccess(OfflineAccess.ALWAYS);
    }

    /**
     * Okta custom authorization servers ({@code https://<org>.okta.com/oauth2/<id>}): {@code offline_access}.
     *
     * @return a new profile named {@code okta}, recognising {@code okta.com}, {@code oktapreview.com} and
     *         {@code okta-emea.com} issuers
     */
    public static IdentityProviderProfile okta() {
        return named("okta").recognising("https://[^/]+\\.(okta|oktapreview|okta-emea)\\.com(/.*)?")
                .withOfflineAccess(OfflineAccess.ALWAYS);
    }

    /**
     * Google ({@code https://accounts.google.com}): trailing-slash issuers, no {@code offline_access} (rejected),
     * {@code access_type=offline&prompt=consent} instead; needs a pre-registered client with its secret.
     *
     * @return a new profile named {@code google}, recognising {@code https://accounts.google.com} with or without a
     *         trailing slash
     */
    public static IdentityProviderProfile google() {
        return named("google").recognising("https://accounts\\.google\\.com/?")
                .withIssuerMatch(IssuerMatch.IGNORE_TRAILING_SLASH).withOfflineAccess(OfflineAccess.NEVER)
                .withAuthorizationParameter("access_type", "offline").withAuthorizationParameter("prompt", "consent");
    }

    /**
     * Amazon Cognito ({@code https://cognito-idp.<region>.amazonaws.com/<pool>}): PKCE S256 assumed, no
     * {@code resource} (unsupported), no {@code offline_access} (rejected); scopes are {@code <resource-server>/<scope>}:
     * set {@link #withScopePrefix}.
     *
     * @return a new profile named {@code cognito}, recognising {@code https://cognito-idp.<region>.amazonaws.com/...}
     *         issuers, with no scope prefix set
     */
    public static IdentityProviderProfile cognito() {
        return named("cognito").recognising("https://cognito-idp\\.[a-z0-9-]+\\.amazonaws\\.com/.*")
                .withPkceS256Assumed(true).withResourceParameter(false).withOfflineAccess(OfflineAccess.NEVER);
    }

    /**
     * GitHub ({@code https://github.com/login/oauth}): PKCE S256 assumed; needs a pre-registered client
     * with its secret.
     *
     * @return a new profile named {@code github}, recognising {@code https://github.com/login/oauth} with or without
     *         a trailing slash
     */
    public static IdentityProviderProfile github() {
        return named("github").recognising("https://github\\.com/login/oauth/?").withPkceS256Assumed(true);
    }

    /**
     * Keycloak ({@code .../realms/<realm>}): the spec's behaviour (Keycloak follows it); named for clarity.
     *
     * @return a new profile named {@code keycloak}, recognising issuers whose path ends in {@code /realms/<realm>}
     */
    public static IdentityProviderProfile keycloak() {
        return named("keycloak").recognising("https?://.+/realms/[^/]+/?");
    }

    /**
     * The built-in profiles, in the order they are tried.
     *
     * @return an unmodifiable list of new instances: {@link #entraId()}, {@link #auth0()}, {@link #okta()},
     *         {@link #google()}, {@link #cognito()}, {@link #github()}, {@link #keycloak()}
     */
    public static List<IdentityProviderProfile> builtIn() {
        return List.of(entraId(), auth0(), okta(), google(), cognito(), github(), keycloak());
    }

    /**
     * The first of {@code profiles} that recognises {@code issuer}, else the first built-in one, else
     * {@link #standard()}.
     *
     * @param issuer   the authorization server's issuer URL; {@code null} is recognised by no profile
     * @param profiles the configured profiles, tried first and in order; must not be {@code null} (may be empty)
     * @return the chosen profile, never {@code null}; {@link #standard()} when no profile recognises {@code issuer}
     * @throws NullPointerException when {@code profiles} is {@code null}
     */
    public static IdentityProviderProfile forIssuer(String issuer, List<IdentityProviderProfile> profiles) {
        for (IdentityProviderProfile p : profiles) {
            if (p.recognises(issuer)) {
                return p;
            }
        }
        for (IdentityProviderProfile p : builtIn()) {
            if (p.recognises(issuer)) {
                return p;
            }
        }
        return standard();
    }

    /**
     * A copy that also recognises the issuers starting with {@code issuerPrefix} (for example your tenant's URL).
     *
     * @param issuerPrefix the literal start of the issuer URLs to recognise (not a pattern)
     * @return the copy, recognising these issuers in addition to those this profile recognises
     * @throws IllegalArgumentException when {@code issuerPrefix} is {@code null} or empty
     */
    public IdentityProviderProfile forIssuer(String issuerPrefix) {
        if (issuerPrefix == null || issuerPrefix.isEmpty()) {
            throw new IllegalArgumentException("issuer prefix must not be empty");
        }
        return recognising(Pattern.quote(issuerPrefix) + ".*");
    }

    /**
     * A copy comparing issuers by {@code match}.
     *
     * @param match how the metadata {@code issuer} is compared with the issuer it was looked up for
     * @return the copy
     * @throws NullPointerException when {@code match} is {@code null}
     */
    public IdentityProviderProfile withIssuerMatch(IssuerMatch match) {
        return new IdentityProviderProfile(name, issuers, Objects.requireNonNull(match, "match"), pkceS256Assumed,
                resourceParameter, audience, scopePrefix, offlineAccess, authorizationParameters);
    }

    /**
     * A copy that uses PKCE S256 when the metadata lists no {@code code_challenge_methods_supported} at all.
     *
     * @param assumed {@code true} to use S256 although not advertised; {@code false} (the default) to require it to
     *                be advertised
     * @return the copy
     */
    public IdentityProviderProfile withPkceS256Assumed(boolean assumed) {
        return new IdentityProviderProfile(name, issuers, issuerMatch, assumed, resourceParameter, audience,
                scopePrefix, offlineAccess, authorizationParameters);
    }

    /**
     * A copy that sends (default) or leaves out the RFC 8707 {@code resource} in every request.
     *
     * @param send {@code true} to send {@code resource} (the default), {@code false} to leave it out
     * @return the copy
     */
    public IdentityProviderProfile withResourceParameter(boolean send) {
        return new IdentityProviderProfile(name, issuers, issuerMatch, pkceS256Assumed, send, audience,
                scopePrefix, offlineAccess, authorizationParameters);
    }

    /**
     * A copy that sends {@code audience} in the authorization request; {@code {resource}} in it stands for the MCP
     * server's resource. Null: none.
     *
     * @param audience the {@code audience} value or template; {@code null} or blank sends no {@code audience}
     * @return the copy
     */
    public IdentityProviderProfile withAudience(String audience) {
        return new IdentityProviderProfile(name, issuers, issuerMatch, pkceS256Assumed, resourceParameter,
                blankToNull(audience), scopePrefix, offlineAccess, authorizationParameters);
    }

    /**
     * A copy that prefixes bare scopes ({@code mcp.read}, not {@code openid}, {@code offline_access} or a URL) with
     * {@code prefix}; {@code {resource}} in it stands for the MCP server's resource without a trailing slash. Null: none.
     *
     * @param prefix the scope prefix or template; {@code null} or blank leaves scopes as they are
     * @return the copy
     */
    public IdentityProviderProfile withScopePrefix(String prefix) {
        return new IdentityProviderProfile(name, issuers, issuerMatch, pkceS256Assumed, resourceParameter, audience,
                blankToNull(prefix), offlineAccess, authorizationParameters);
    }

    /**
     * A copy requesting {@code offline_access} as {@code policy} says.
     *
     * @param policy when {@code offline_access} is requested
     * @return the copy
     * @throws NullPointerException when {@code policy} is {@code null}
     */
    public IdentityProviderProfile withOfflineAccess(OfflineAccess policy) {
        return new IdentityProviderProfile(name, issuers, issuerMatch, pkceS256Assumed, resourceParameter, audience,
                scopePrefix, Objects.requireNonNull(policy, "policy"), authorizationParameters);
    }

    /**
     * A copy adding {@code parameter=value} to every authorization request (never one the flow sets itself).
     * Adding a parameter again replaces its value.
     *
     * @param parameter the query parameter name
     * @param value     its value, may be empty
     * @return the copy
     * @throws IllegalArgumentException when {@code parameter} is {@code null} or blank, {@code value} is {@code null},
     *                                  or {@code parameter} is one the flow sets ({@code response_type},
     *                                  {@code client_id}, {@code redirect_uri}, {@code state}, {@code code_challenge},
     *                                  {@code code_challenge_method}, {@code resource}, {@code scope},
     *                                  {@code audience})
     */
    public IdentityProviderProfile withAuthorizationParameter(String parameter, String value) {
        if (parameter == null || parameter.isBlank() || value == null) {
            throw new IllegalArgumentException("parameter name and value are required");
        }
        if (Set.of("response_type", "client_id", "redirect_uri", "state", "code_challenge", "code_challenge_method",
                "resource", "scope", "audience").contains(parameter)) {
            throw new IllegalArgumentException(parameter + " is set by the flow");
        }
        Map<String, String> copy = new LinkedHashMap<>(authorizationParameters);
        copy.put(parameter, value);
        return new IdentityProviderProfile(name, issuers, issuerMatch, pkceS256Assumed, resourceParameter, audience,
                scopePrefix, offlineAccess, copy);
    }

    /**
     * Whether this profile is meant for {@code issuer}.
     *
     * @param issuer an authorization server's issuer URL, may be {@code null}
     * @return {@code true} when one of this profile's issuer patterns matches all of {@code issuer}; {@code false}
     *         for {@code null} or when it recognises no issuer
     */
    public boolean recognises(String issuer) {
        return issuer != null && issuers.stream().anyMatch(p -> p.matcher(issuer).matches());
    }

    /**
     * The name, for logs and messages.
     *
     * @return the name given to {@link #named}, never {@code null}
     */
    public String name() {
        return name;
    }

    /**
     * How the metadata {@code issuer} is compared.
     *
     * @return the issuer comparison, never {@code null}
     */
    public IssuerMatch issuerMatch() {
        return issuerMatch;
    }

    /**
     * Whether PKCE S256 is used although the metadata lists no method.
     *
     * @return {@code true} when S256 is used even if {@code code_challenge_methods_supported} is absent
     */
    public boolean pkceS256Assumed() {
        return pkceS256Assumed;
    }

    /**
     * Whether the RFC 8707 {@code resource} is sent.
     *
     * @return {@code true} when {@code resource} is sent
     */
    public boolean resourceParameter() {
        return resourceParameter;
    }

    /**
     * The {@code audience} template, or null.
     *
     * @return the {@code audience} value, {@code {resource}} standing for the MCP server's resource; {@code null}
     *         when none is sent
     */
    public String audience() {
        return audience;
    }

    /**
     * The scope prefix template, or null.
     *
     * @return the prefix for bare scopes, {@code {resource}} standing for the MCP server's resource without a
     *         trailing slash; {@code null} when scopes are not prefixed
     */
    public String scopePrefix() {
        return scopePrefix;
    }

    /**
     * When {@code offline_access} is requested.
     *
     * @return the {@code offline_access} policy, never {@code null}
     */
    public OfflineAccess offlineAccess() {
        return offlineAccess;
    }

    /**
     * Extra authorization request parameters, in order.
     *
     * @return an unmodifiable map of parameter names to values, in the order added; empty when none
     */
    public Map<String, String> authorizationParameters() {
        return authorizationParameters;
    }

    private IdentityProviderProfile recognising(String regex) {
        List<Pattern> more = new ArrayList<>(issuers);
        more.add(Pattern.compile(regex));
        return new IdentityProviderProfile(name, more, issuerMatch, pkceS256Assumed, resourceParameter, audience,
                scopePrefix, offlineAccess, authorizationParameters);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    @Override
    public String toString() {
        return "IdentityProviderProfile[" + name + ", issuer=" + issuerMatch + ", pkceS256Assumed=" + pkceS256Assumed
                + ", resource=" + resourceParameter + ", audience=" + audience + ", scopePrefix=" + scopePrefix
                + ", offlineAccess=" + offlineAccess + ", parameters=" + authorizationParameters.keySet() + "]";
    }
}
