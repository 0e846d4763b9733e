package dev.reactivemcp.oauth;

import dev.reactivemcp.errors.WwwAuthenticate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * One way of obtaining tokens for an MCP endpoint: one OAuth grant (authorization code with PKCE, refresh token,
 * client credentials, a jwt-bearer assertion, token exchange). A provider emits the credentials it obtained, or
 * completes empty when it does not apply; providers compose with {@link #orElse}, the first that applies wins
 * (the shape of Spring Security's {@code ReactiveOAuth2AuthorizedClientProvider}).
 *
 * <p>A provider knows its grant and nothing else. The token engine of {@link McpOAuth} owns everything around it:
 * the cache, the prefetch and stale instants, one call per credential for all concurrent callers (single-flight),
 * the store transaction ({@link TokenStore#update}) a renewal runs in, keeping a refresh token the answer did not
 * replace, and persisting the result before anyone uses it. A provider therefore never saves, never retries and
 * never caches.
 *
 * <pre>{@code
 * TokenProvider fromVault = context -> context.purpose() == TokenProvider.Purpose.ACQUIRE
 *         ? vault.credentialsFor(context.endpoint())     // Mono<StoredCredentials>
 *         : Mono.empty();                                // renewals: left to the built-in providers
 * McpOAuth oauth = McpOAuth.builder().tokenProvider(fromVault).build();
 * }</pre>
 *
 * <p>Specifications: RFC 6749 section 4 (grants) and 6 (refresh); MCP authorization (2025-11-25, 2026-07-28).
 */
@FunctionalInterface
public interface TokenProvider {

    /** Why tokens are needed. */
    enum Purpose {
        /**
         * Nothing usable is stored, the server rejected what was sent, or it asks for more scope: obtain new
         * credentials (a user may be involved for interactive grants).
         */
        ACQUIRE,
        /**
         * The stored credentials ({@link Context#current()}) are due or were rejected once: renew them without a
         * user. Runs inside the store transaction of those credentials.
         */
        RENEW
    }

    /**
     * What the engine asks a provider for.
     *
     * <pre>{@code
     * TokenProvider renewOnly = context -> context.purpose() == Purpose.RENEW
     *         ? myRefresh(context.currentCredentials().orElseThrow())
     *         : Mono.empty();
     * }</pre>
     *
     * @param endpoint                  the MCP endpoint, as credentials are filed under it
     * @param purpose                   acquire or renew
     * @param current                   the stored credentials to renew ({@code RENEW}), else those last sent or null
     * @param challenges                the challenges of the 401/403 that caused this, parsed once (possibly empty)
     * @param previouslyRequestedScopes scopes asked for before (the step-up union)
     * @param attempt                   how many acquisitions already ran for the current MCP request
     * @param owner                     the owner the credentials are for ({@link McpOwner}): credentials a provider
     *                                  acquires carry it in their {@link CredentialKey#owner()} (the engine refuses
     *                                  others); a renewal's is its credentials' owner
     */
    record Context(String endpoint, Purpose purpose, StoredCredentials current,
                   List<WwwAuthenticate.Challenge> challenges, Set<String> previouslyRequestedScopes, int attempt,
                   String owner) {

        /**
         * Validates and copies.
         *
         * @param endpoint                  the MCP endpoint, as credentials are filed under it
         * @param purpose                   acquire or renew
         * @param current                   the stored credentials; required for {@code RENEW}, else possibly null
         * @param challenges                the challenges of the 401/403 that caused this; copied
         * @param previouslyRequestedScopes scopes asked for before; copied
         * @param attempt                   how many acquisitions already ran for the current MCP request
         * @param owner                     the owner the credentials are for ({@link CredentialKey#DEFAULT_OWNER} in a
         *                                  single-user application)
         * @throws NullPointerException when {@code endpoint}, {@code purpose}, {@code owner}, a collection, or for
         *                              {@code RENEW} {@code current} is {@code null}
         */
        public Context {
            Objects.requireNonNull(endpoint, "endpoint");
            Objects.requireNonNull(purpose, "purpose");
            Objects.requireNonNull(owner, "owner");
            if (purpose == Purpose.RENEW) {
                Objects.requireNonNull(current, "current");
            }
            challenges = List.copyOf(challenges);
            previouslyRequestedScopes = Set.copyOf(previouslyRequestedScopes);
        }

        /**
         * A context for the {@link CredentialKey#DEFAULT_OWNER}, or for {@code current}'s owner when there is
         * {@code current} (the form before owners existed).
         *
         * @param endpoint                  the MCP endpoint, as credentials are filed under it
         * @param purpose                   acquire or renew
         * @param current                   the stored credentials to renew ({@code RENEW}), else those last sent or null
         * @param challenges                the challenges of the 401/403 that caused this (possibly empty)
         * @param previouslyRequestedScopes scopes asked for before (the step-up union)
         * @param attempt                   how many acquisitions already ran for the current MCP request
         */
        public Context(String endpoint, Purpose purpose, StoredCredentials current,
                       List<WwwAuthenticate.Challenge> challenges, Set<String> previouslyRequestedScopes, int attempt) {
            this(endpoint, purpose, current, challenges, previouslyRequestedScopes, attempt,
                    current == null ? CredentialKey.DEFAULT_OWNER : current.key().owner());
        }

        /**
         * A renewal of {@code current}, for its owner, as the engine asks for one in the background.
         *
         * @param current the stored credentials to renew
         * @return a {@code RENEW} context for {@code current.endpoint()} and {@code current}'s owner, with no
         *         challenges and attempt 0
         */
        public static Context renew(StoredCredentials current) {
            return new Context(current.endpoint(), Purpose.RENEW, current, List.of(), Set.of(), 0,
                    current.key().owner());
        }

        /**
         * The credentials to renew or last sent.
         *
         * @return {@link #current()}, empty when nothing was stored or sent
         */
        public Optional<StoredCredentials> currentCredentials() {
            return Optional.ofNullable(current);
        }
    }

    /**
     * The credentials obtained for {@code context}, or empty when this provider does not apply. Errors are typed
     * ({@code McpException}); a {@code TokenRefreshFailed} marked terminal on a renewal marks the stored
     * credentials rejected.
     *
     * @param context what is asked for, and why
     * @return the credentials, to be persisted by the engine; empty when this provider does not apply
     */
    Mono<StoredCredentials> provide(Context context);

    /**
     * Whether this provider can renew {@code stored} without a user (a refresh token is stored, or the grant needs
     * no user at all): the engine then refreshes it in the background before it expires. Default: false.
     *
     * @param stored the credentials in the store
     * @return {@code true} when {@link #provide} can renew them without a user
     */
    default boolean renews(StoredCredentials stored) {
        return false;
    }

    /**
     * This provider, then {@code next} when this one completes empty.
     *
     * @param next the provider asked when this one does not apply
     * @return the chain of both; it renews what either of them renews
     * @throws NullPointerException when {@code next} is {@code null}
     */
    default TokenProvider orElse(TokenProvider next) {
        Objects.requireNonNull(next, "next");
        TokenProvider first = this;
        return new TokenProvider() {
            @Override
            public Mono<StoredCredentials> provide(Context context) {
                return first.provide(context).switchIfEmpty(Mono.defer(() -> next.provide(context)));
            }

            @Override
            public boolean renews(StoredCredentials stored) {
                return first.renews(stored) || next.renews(stored);
            }

            @Override
            public String toString() {
                return first + " -> " + next;
            }
        };
    }

    /**
     * A provider that never applies (the end of a chain).
     *
     * @return a provider that always completes empty and renews nothing
     */
    static TokenProvider none() {
        return context -> Mono.empty();
    }
}
