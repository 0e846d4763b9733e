package dev.reactivemcp.demo.server;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerAutoConfiguration;
import org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerJwtAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationGrantAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * Spring Authorization Server (7.0, on Spring Boot 4.0 and Tomcat) in this JVM, on {@code 127.0.0.1} and a free
 * port, configured like a production server for MCP: JWT access tokens of {@link #ACCESS_TOKEN_LIFETIME} whose
 * {@code aud} is the RFC 8707 {@code resource}, rotating refresh tokens, open dynamic client registration
 * (RFC 7591), PKCE required, {@code iss} in the authorization response (RFC 9207).
 *
 * <p>One demo shortcut: the user {@value #USER} is already signed in (as with a single sign-on session) and no
 * consent screen is configured, so the authorization endpoint approves at once with a redirect: no person is
 * needed. {@link #revokeAllGrants()} is what an administrator (or the user, on an account page) does to take the
 * app's access away: every grant ends, refresh tokens included.
 *
 * <p>Counts what it did, from its own side: registrations, approved authorizations (logins) and token requests by
 * grant type and status, and tells {@code events} about each as it happens.
 */
public final class DemoAuthorizationServer implements AutoCloseable {

    /** The signed-in demo user. */
    public static final String USER = "alice";
    /** The scope an MCP server of this demo requires. */
    public static final String SCOPE = "mcp:tools";
    /** Access token lifetime. */
    public static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofSeconds(20);
    /** JWT claim naming the grant (authorization) a token belongs to, so a resource server can see it revoked. */
    public static final String GRANT_CLAIM = "grant_id";

    /** One request the server answered, as it counts it. */
    public record Event(Instant start, Instant end, String kind, int status) {
        /** How long the server took. */
        public Duration took() {
            return Duration.between(start, end);
        }
    }

    private final ConfigurableApplicationContext context;
    private final URI issuer;
    private final JWKSet publicKeys;
    private final Grants grants;
    private final List<Event> events;

    private DemoAuthorizationServer(ConfigurableApplicationContext context, JWKSet publicKeys, Grants grants,
                                    List<Event> events) {
        this.context = context;
        this.issuer = URI.create("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"));
        this.publicKeys = publicKeys;
        this.grants = grants;
        this.events = events;
    }

    /**
     * Starts the server (blocking, a few seconds); {@code narrator} hears one line per registration, approval and
     * token request, on a server thread.
     */
    public static DemoAuthorizationServer start(Consumer<String> narrator) {
        RSAKey key = rsaKey();
        JWKSet keys = new JWKSet(key);
        Grants grants = new Grants();
        List<Event> events = new CopyOnWriteArrayList<>();
        Recorder recorder = new Recorder(events, narrator);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(Config.class)
                .properties(Map.of(
                        "server.address", "127.0.0.1",
                        "server.port", "0",
                        "server.servlet.session.tracking-modes", "cookie",
                        "spring.main.banner-mode", "off",
                        "spring.main.log-startup-info", "false",
                        "spring.main.register-shutdown-hook", "false",
                        "logging.level.root", "WARN"))
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("demoShared",
                        new Shared(keys, grants, recorder)))
                .run();
        return new DemoAuthorizationServer(context, keys.toPublicJWKSet(), grants, events);
    }

    /** The issuer, {@code http://127.0.0.1:<port>}. */
    public URI issuer() {
        return issuer;
    }

    /** The public signing keys (what {@code /oauth2/jwks} serves). */
    public JWKSet publicKeys() {
        return publicKeys;
    }

    /** Whether the grant {@code grantId} (from {@link #GRANT_CLAIM}) still exists. Non-blocking (a map lookup). */
    public boolean grantActive(String grantId) {
        return grantId != null && grants.findById(grantId) != null;
    }

    /** Ends every grant: their refresh and access tokens stop working. Returns how many there were. */
    public int revokeAllGrants() {
        return grants.removeAll();
    }

    /** Every request counted so far, in order. */
    public List<Event> events() {
        return List.copyOf(events);
    }

    /** How many counted requests were of {@code kind} and answered {@code status}. */
    public long count(String kind, int status) {
        return events.stream().filter(e -> e.kind().equals(kind) && e.status() == status).count();
    }

    /** Successful dynamic client registrations. */
    public long registrations() {
        return count("registration", 201);
    }

    /** Authorizations approved (a code sent to the client's redirect URI): logins. */
    public long logins() {
        return count("authorization", 302);
    }

    /** Successful refresh token grants. */
    public long refreshes() {
        return count("refresh_token", 200);
    }

    @Override
    public void close() {
        context.close();
    }

    private static RSAKey rsaKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            return new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey((RSAPrivateKey) pair.getPrivate())
                    .keyID(UUID.randomUUID().toString()).build();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The authorizations (grants), in memory, with the ids kept so that all can be revoked. */
    static final class Grants implements OAuth2AuthorizationService {
        private final InMemoryOAuth2AuthorizationService delegate = new InMemoryOAuth2AuthorizationService();
        private final Set<String> ids = ConcurrentHashMap.newKeySet();

        @Override
        public void save(OAuth2Authorization authorization) {
            delegate.save(authorization);
            ids.add(authorization.getId());
        }

        @Override
        public void remove(OAuth2Authorization authorization) {
            delegate.remove(authorization);
            ids.remove(authorization.getId());
        }

        @Override
        public OAuth2Authorization findById(String id) {
            return delegate.findById(id);
        }

        @Override
        public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
            return delegate.findByToken(token, tokenType);
        }

        int removeAll() {
            int n = 0;
            for (String id : Set.copyOf(ids)) {
                boolean hadRefreshToken = false;
                // the in-memory service keeps the code-only first version of a grant apart from the complete one
                OAuth2Authorization a;
                for (int i = 0; i < 4 && (a = delegate.findById(id)) != null; i++) {
                    hadRefreshToken |= a.getRefreshToken() != null;
                    delegate.remove(a);
                }
                ids.remove(id);
                n += hadRefreshToken ? 1 : 0;
            }
            return n;
        }
    }

    /** Counts and narrates registrations, approvals and token requests. */
    static final class Recorder {
        private final List<Event> events;
        private final Consumer<String> narrator;

        Recorder(List<Event> events, Consumer<String> narrator) {
            this.events = events;
            this.narrator = narrator;
        }

        void record(Instant start, String kind, int status, String detail) {
            events.add(new Event(start, Instant.now(), kind, status));
            narrator.accept("[auth server] " + detail);
        }
    }

    /**
     * What {@link #start} hands to the Spring context, in a type of its own: registered as a {@code JWKSource} or an
     * {@code OAuth2AuthorizationService} next to the beans below, two beans of one type would make Spring
     * Authorization Server fall back to its own.
     */
    record Shared(JWKSet keys, Grants grants, Recorder recorder) { }

    /** The Spring configuration; the keys, grants and recorder come from {@link Shared}. */
    @SpringBootConfiguration
    @ImportAutoConfiguration({TomcatServletWebServerAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
            SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class,
            SecurityFilterAutoConfiguration.class, OAuth2AuthorizationServerAutoConfiguration.class,
            OAuth2AuthorizationServerJwtAutoConfiguration.class}) // only what this server uses: starts faster than all
    static class Config {

        @Bean
        @Order(1)
        SecurityFilterChain authorizationServerChain(HttpSecurity http) throws Exception {
            http.oauth2AuthorizationServer(as -> {
                http.securityMatcher(as.getEndpointsMatcher());
                as.authorizationServerMetadataEndpoint(m -> m.authorizationServerMetadataCustomizer(
                                b -> b.claim("authorization_response_iss_parameter_supported", true)))
                        .clientRegistrationEndpoint(r -> r.openRegistrationAllowed(true))
                        .authorizationEndpoint(e -> e.authorizationResponseHandler(codeWithIssuer()));
            });
            http.authorizeHttpRequests(r -> r.requestMatchers("/oauth2/register").permitAll()
                            .anyRequest().authenticated())
                    .csrf(c -> c.ignoringRequestMatchers("/oauth2/register"))
                    .addFilterAfter(signedInUser(), SecurityContextHolderFilter.class);
            return http.build();
        }

        @Bean
        @Order(2)
        SecurityFilterChain everythingElse(HttpSecurity http) throws Exception {
            http.authorizeHttpRequests(r -> r.anyRequest().denyAll());
            return http.build();
        }

        /** The demo's single sign-on session: the authorization endpoint sees {@value #USER} signed in. */
        private static OncePerRequestFilter signedInUser() {
            return new OncePerRequestFilter() {
                @Override
                protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                                                FilterChain chain) throws ServletException, IOException {
                    if ("/oauth2/authorize".equals(request.getRequestURI())) {
                        var context = SecurityContextHolder.createEmptyContext();
                        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(USER, null,
                                AuthorityUtils.createAuthorityList("ROLE_USER")));
                        SecurityContextHolder.setContext(context);
                    }
                    chain.doFilter(request, response);
                }
            };
        }

        /** RFC 9207: {@code code}, {@code state} and {@code iss} to the redirect URI. */
        private static AuthenticationSuccessHandler codeWithIssuer() {
            return (request, response, authentication) -> {
                var token = (OAuth2AuthorizationCodeRequestAuthenticationToken) authentication;
                UriComponentsBuilder uri = UriComponentsBuilder.fromUriString(token.getRedirectUri())
                        .queryParam("code", token.getAuthorizationCode().getTokenValue());
                if (token.getState() != null && !token.getState().isEmpty()) {
                    uri.queryParam("state", UriUtils.encode(token.getState(), StandardCharsets.UTF_8));
                }
                uri.queryParam("iss", UriUtils.encode(AuthorizationServerContextHolder.getContext().getIssuer(),
                        StandardCharsets.UTF_8));
                response.sendRedirect(uri.build(true).toUriString());
            };
        }

        @Bean
        UserDetailsService users() {
            return new InMemoryUserDetailsManager(User.withUsername(USER)
                    .password("{noop}" + UUID.randomUUID()).roles("USER").build());
        }

        /** Registered clients get the production settings whatever they asked for. */
        @Bean
        RegisteredClientRepository clients() {
            InMemoryRegisteredClientRepository store = new InMemoryRegisteredClientRepository(RegisteredClient
                    .withId(UUID.randomUUID().toString()).clientId("unused").clientSecret("{noop}" + UUID.randomUUID())
                    .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS).build());
            return new RegisteredClientRepository() {
                @Override
                public void save(RegisteredClient client) {
                    store.save(RegisteredClient.from(client)
                            .scopes(s -> s.add(SCOPE))
                            .clientSettings(ClientSettings.withSettings(client.getClientSettings().getSettings())
                                    .requireProofKey(true).requireAuthorizationConsent(false).build())
                            .tokenSettings(TokenSettings.withSettings(client.getTokenSettings().getSettings())
                                    .accessTokenTimeToLive(ACCESS_TOKEN_LIFETIME).reuseRefreshTokens(false).build())
                            .build());
                }

                @Override
                public RegisteredClient findById(String id) {
                    return store.findById(id);
                }

                @Override
                public RegisteredClient findByClientId(String clientId) {
                    return store.findByClientId(clientId);
                }
            };
        }

        /** RFC 8707 audience = the resource of the authorization request; the grant's id for revocation checks. */
        @Bean
        OAuth2TokenCustomizer<JwtEncodingContext> audienceAndGrant() {
            return context -> {
                if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType()) || context.getAuthorization() == null) {
                    return;
                }
                context.getClaims().claim(GRANT_CLAIM, context.getAuthorization().getId());
                OAuth2AuthorizationRequest request = context.getAuthorization()
                        .getAttribute(OAuth2AuthorizationRequest.class.getName());
                Object resource = request == null ? null : request.getAdditionalParameters().get("resource");
                if (resource == null) {
                    return;
                }
                Object asked = context.getAuthorizationGrant() instanceof OAuth2AuthorizationGrantAuthenticationToken g
                        ? g.getAdditionalParameters().get("resource") : null;
                if (asked != null && !asked.equals(resource)) {
                    throw new OAuth2AuthenticationException(new OAuth2Error("invalid_target"));
                }
                context.getClaims().audience(List.of(resource.toString()));
            };
        }

        @Bean
        JWKSource<SecurityContext> jwkSource(Shared demoShared) {
            return new ImmutableJWKSet<>(demoShared.keys());
        }

        @Bean
        OAuth2AuthorizationService authorizationService(Shared demoShared) {
            return demoShared.grants();
        }

        /** Counts registrations, approvals and token requests, in front of the security filters. */
        @Bean
        FilterRegistrationBean<OncePerRequestFilter> counter(Shared demoShared) {
            Recorder demoRecorder = demoShared.recorder();
            OncePerRequestFilter filter = new OncePerRequestFilter() {
                @Override
                protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                                                FilterChain chain) throws ServletException, IOException {
                    Instant start = Instant.now();
                    String path = request.getRequestURI();
                    String grant = "/oauth2/token".equals(path) ? request.getParameter("grant_type") : null;
                    chain.doFilter(request, response);
                    int status = response.getStatus();
                    switch (path) {
                        case "/oauth2/register" -> demoRecorder.record(start, "registration", status, status == 201
                                ? "registered a new client (dynamic client registration, RFC 7591)"
                                : "refused a client registration: HTTP " + status);
                        case "/oauth2/authorize" -> {
                            String location = response.getHeader("Location");
                            boolean approved = status == 302 && location != null && location.contains("code=");
                            demoRecorder.record(start, "authorization", approved ? 302 : status, approved
                                    ? "approved the authorization for " + USER + " (signed in, no consent screen)"
                                            + " and redirected to the app with a code"
                                    : "did not approve the authorization: HTTP " + status);
                        }
                        case "/oauth2/token" -> demoRecorder.record(start, String.valueOf(grant), status,
                                describeToken(grant, status, Duration.between(start, Instant.now())));
                        case "/.well-known/oauth-authorization-server", "/.well-known/openid-configuration" ->
                                demoRecorder.record(start, "metadata", status,
                                        "served its metadata (RFC 8414): endpoints, PKCE S256, registration");
                        default -> { }
                    }
                }
            };
            FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(filter);
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
            return registration;
        }

        private static String describeToken(String grant, int status, Duration took) {
            String ms = " (" + took.toMillis() + " ms)";
            if ("authorization_code".equals(grant)) {
                return status == 200 ? "exchanged the code (PKCE verified) for an access token of "
                        + ACCESS_TOKEN_LIFETIME.toSeconds() + " s and a refresh token" + ms
                        : "refused the code: HTTP " + status + ms;
            }
            if ("refresh_token".equals(grant)) {
                return status == 200 ? "refresh: new access token, and a new refresh token (the old one is now"
                        + " spent)" + ms : "refused the refresh token: HTTP " + status + " (invalid_grant)" + ms;
            }
            return "token request " + grant + ": HTTP " + status + ms;
        }
    }
}
