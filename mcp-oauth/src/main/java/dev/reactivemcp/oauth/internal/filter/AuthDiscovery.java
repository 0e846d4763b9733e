package dev.reactivemcp.oauth.internal.filter;

import java.net.URI;
import reactor.core.publisher.Mono;

/**
 * Whether an MCP endpoint advertises OAuth: protected resource metadata (RFC 9728) or, for 2025-03-26 servers,
 * authorization server metadata (RFC 8414). Emits an error for answers that are no verdict (5xx, timeouts).
 */
@FunctionalInterface
public interface AuthDiscovery {

    /** True when {@code endpoint} advertises OAuth, false when it clearly does not. */
    Mono<Boolean> advertisesOAuth(URI endpoint);
}
