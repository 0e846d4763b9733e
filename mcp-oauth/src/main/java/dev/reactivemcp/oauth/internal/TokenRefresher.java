package dev.reactivemcp.oauth.internal;

import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import reactor.core.publisher.Mono;

/**
 * One refresh-token grant (RFC 6749 section 6) at the credentials' token endpoint, with the registration's client
 * authentication and the byte-exact {@code resource}. Fails with an {@code McpException} whose failure is
 * {@code McpFailure.TokenRefreshFailed} (terminal for {@code invalid_grant}, transient for 5xx, 429, network).
 * The returned tokens are as the server sent them; the caller keeps the old refresh token if none came back.
 */
public interface TokenRefresher {

    /** Refreshes {@code current}. */
    Mono<OAuthTokens> refresh(StoredCredentials current);
}
