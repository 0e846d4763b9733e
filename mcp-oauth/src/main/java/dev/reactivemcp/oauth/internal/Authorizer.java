package dev.reactivemcp.oauth.internal;

import dev.reactivemcp.oauth.StoredCredentials;
import reactor.core.publisher.Mono;

/**
 * Obtains new credentials for an MCP endpoint: protected resource discovery, authorization server discovery,
 * client identity (pre-registered, CIMD or DCR), authorization code with PKCE, token request. Implemented by the
 * login flow; used by the token filter on a 401 it cannot fix by refreshing and on a 403 step-up.
 */
public interface Authorizer {

    /** Runs the whole flow and emits the stored credentials (already saved in the store). */
    Mono<StoredCredentials> authorize(AuthorizationContext context);
}
