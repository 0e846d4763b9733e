package dev.reactivemcp.interop.sas;

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
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
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
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * Spring Authorization Server configured like production for the interop tests: 30 s JWT access tokens with
 * {@code aud} = the RFC 8707 {@code resource} of the authorization request, rotating refresh tokens (for the clients
 * it gives them to: not public ones), open dynamic client registration (RFC 7591), PKCE required, {@code iss} in the
 * authorization response (RFC 9207), form login (user {@code alice}, password {@code password}).
 *
 * <p>Listens on 127.0.0.1, port 0 (Boot logs the port). {@code GET /admin/stats} answers the token requests it saw,
 * by grant type and HTTP status, counted by a servlet filter in front of everything.
 */
@SpringBootApplication
public class AuthorizationServer {

    static final String SCOPE = "mcp:tools";

    public static void main(String[] args) {
        SpringApplication.run(AuthorizationServer.class, args);
    }

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
        http.authorizeHttpRequests(r -> r.requestMatchers("/oauth2/register").permitAll().anyRequest().authenticated())
                .csrf(c -> c.ignoringRequestMatchers("/oauth2/register"))
                .exceptionHandling(e -> e.defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint("/login"),
                        new MediaTypeRequestMatcher(MediaType.TEXT_HTML)));
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain loginChain(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(r -> r.anyRequest().authenticated()).formLogin(Customizer.withDefaults());
        return http.build();
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
        return new InMemoryUserDetailsManager(User.withUsername("alice").password("{noop}password").roles("USER").build());
    }

    /** Registered clients get the production settings whatever they asked for. */
    @Bean
    RegisteredClientRepository clients() {
        InMemoryRegisteredClientRepository store = new InMemoryRegisteredClientRepository(RegisteredClient
                .withId(UUID.randomUUID().toString()).clientId("unused").clientSecret("{noop}unused")
                .authorizationGrantType(org.springframework.security.oauth2.core.AuthorizationGrantType.CLIENT_CREDENTIALS)
                .build());
        return new RegisteredClientRepository() {
            @Override
            public void save(RegisteredClient client) {
                store.save(RegisteredClient.from(client)
                        .scopes(s -> s.add(SCOPE))
                        .clientSettings(ClientSettings.withSettings(client.getClientSettings().getSettings())
                                .requireProofKey(true).requireAuthorizationConsent(false).build())
                        .tokenSettings(TokenSettings.withSettings(client.getTokenSettings().getSettings())
                                .accessTokenTimeToLive(Duration.ofSeconds(30)).reuseRefreshTokens(false).build())
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

    /** RFC 8707: the access token's audience is the resource of the authorization request. */
    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> audienceIsTheResource() {
        return context -> {
            if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType()) || context.getAuthorization() == null) {
                return;
            }
            OAuth2AuthorizationRequest request = context.getAuthorization()
                    .getAttribute(OAuth2AuthorizationRequest.class.getName());
            Object resource = request == null ? null : request.getAdditionalParameters().get("resource");
            if (resource == null) {
                return;
            }
            Object asked = context.getAuthorizationGrant() instanceof OAuth2AuthorizationGrantAuthenticationToken grant
                    ? grant.getAdditionalParameters().get("resource") : null;
            if (asked != null && !asked.equals(resource)) {
                throw new OAuth2AuthenticationException(new OAuth2Error("invalid_target"));
            }
            context.getClaims().audience(List.of(resource.toString()));
        };
    }

    @Bean
    JWKSource<SecurityContext> jwkSource() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        RSAKey key = new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey((RSAPrivateKey) pair.getPrivate())
                .keyID(UUID.randomUUID().toString()).build();
        return new ImmutableJWKSet<>(new JWKSet(key));
    }

    /** Counts token requests by grant type and status, in front of the security filters; serves /admin/stats. */
    @Bean
    FilterRegistrationBean<OncePerRequestFilter> tokenRequestCounter() {
        Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
        OncePerRequestFilter filter = new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                if ("/admin/stats".equals(request.getRequestURI())) {
                    StringBuilder json = new StringBuilder("{");
                    new TreeMap<>(counts).forEach((k, v) -> json.append(json.length() > 1 ? "," : "")
                            .append('"').append(k).append("\":").append(v.get()));
                    response.setContentType("application/json");
                    response.getWriter().write(json.append('}').toString());
                    return;
                }
                if (!"/oauth2/token".equals(request.getRequestURI())) {
                    chain.doFilter(request, response);
                    return;
                }
                String grant = request.getParameter("grant_type");
                chain.doFilter(request, response);
                counts.computeIfAbsent(grant + " " + response.getStatus(), k -> new AtomicLong()).incrementAndGet();
            }
        };
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(filter);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
