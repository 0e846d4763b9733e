package dev.reactivemcp.spring.webflux;

import java.util.Objects;
import java.util.function.Function;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * Owner resolvers for {@code McpOAuth.Builder.ownerResolver}: the owner of each MCP or {@code WebClient} call is the
 * user of Spring Security's reactive security context ({@link ReactiveSecurityContextHolder}), so every user's calls
 * carry that user's own tokens. A call with no authenticated user (none, or anonymous) names no owner: it runs for
 * the default owner, or fails when {@code ownerRequired(true)}. Needs {@code spring-security-core} on the class
 * path; nothing else in this module loads it. See {@code McpOwner} for what an owner is.
 *
 * <pre>{@code
 * McpOAuth oauth = McpOAuth.builder()
 *     .tokenStore(store)
 *     .ownerResolver(SpringSecurityOwners.principalName())
 *     .ownerRequired(true)
 *     .build();
 * }</pre>
 */
public final class SpringSecurityOwners {

    private SpringSecurityOwners() {
    }

    /**
     * The owner is the authenticated user's name ({@link Authentication#getName()}).
     *
     * @return a resolver for {@code McpOAuth.Builder.ownerResolver}
     */
    public static Function<ContextView, Mono<String>> principalName() {
        return of(Authentication::getName);
    }

    /**
     * The owner is what {@code id} reads from the authenticated user (a stable subject or tenant-qualified id, say).
     *
     * <pre>{@code
     * SpringSecurityOwners.of(auth -> ((Jwt) auth.getPrincipal()).getSubject())
     * }</pre>
     *
     * @param id the owner id of an authenticated, non-anonymous user; an empty or null answer names no owner
     * @return a resolver for {@code McpOAuth.Builder.ownerResolver}
     * @throws NullPointerException when {@code id} is {@code null}
     */
    public static Function<ContextView, Mono<String>> of(Function<? super Authentication, String> id) {
        Objects.requireNonNull(id, "id");
        return context -> ReactiveSecurityContextHolder.getContext()
                .flatMap(security -> Mono.justOrEmpty(authenticated(security)))
                .flatMap(user -> Mono.justOrEmpty(id.apply(user)))
                .filter(owner -> !owner.isEmpty());
    }

    private static Authentication authenticated(SecurityContext security) {
        Authentication user = security.getAuthentication();
        return user == null || !user.isAuthenticated() || user instanceof AnonymousAuthenticationToken ? null : user;
    }
}
