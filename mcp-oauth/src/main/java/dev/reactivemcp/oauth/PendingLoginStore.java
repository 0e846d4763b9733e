package dev.reactivemcp.oauth;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Where the logins of a service wait for their redirect ({@link McpOAuth.Builder#pendingLoginStore}): by default in
 * the memory of the {@link McpOAuth} that started them, so the redirect must reach that replica; a store shared by
 * the replicas (for example {@code RedisPendingLoginStore} in {@code mcp-token-store-redis}) lets any replica
 * complete any login. {@link McpOAuth#completeLogin} still checks the owner, the expiry and the {@code iss}
 * (RFC 9207) of each completion; the store only has to keep and hand out each login once.
 *
 * <pre>{@code
 * McpOAuth oauth = McpOAuth.builder()
 *     .tokenStore(sharedTokens)
 *     .serviceLogin("https://chat.example.com/oauth/callback")
 *     .pendingLoginStore(sharedLogins)
 *     .build();
 * }</pre>
 *
 * <p>A login's {@code state} and {@link PendingLogin#secrets()} are secrets (PKCE verifier, DPoP private key): a store
 * keeps them out of logs and messages, and protects them at rest as it protects tokens.
 *
 * <p>Nothing may block: each method returns a publisher that does its work when subscribed.
 */
public interface PendingLoginStore {

    /**
     * Keeps {@code login} until its {@link PendingLogin#expiresAt()} (a store may forget it later, never sooner than
     * it can be completed), findable by its {@code state}; keeps at most {@code perOwner} logins for its owner and
     * endpoint: the oldest beyond that are forgotten.
     *
     * @param login    the login; not {@code null}
     * @param perOwner how many logins one owner may have waiting at one endpoint; positive
     * @return completes when the login is stored
     */
    Mono<Void> put(PendingLogin login, int perOwner);

    /**
     * Removes and emits the login waiting with {@code state}, or completes empty: single use, also across replicas
     * (of two concurrent takes of one state, one gets the login). May emit an expired login that the store has not
     * forgotten yet; the caller checks the expiry.
     *
     * @param state the {@code state} of the redirect; not {@code null}
     * @return the login, or empty when none waits with this state
     */
    Mono<PendingLogin> take(String state);

    /**
     * The logins waiting for {@code owner} at {@code endpoint}, newest first (those expired may be left out), so a
     * call that needs the same login again gets its URL rather than a new login.
     *
     * @param owner    the owner, "" for none
     * @param endpoint the MCP endpoint
     * @return the waiting logins, newest first
     */
    Flux<PendingLogin> waiting(String owner, String endpoint);
}
