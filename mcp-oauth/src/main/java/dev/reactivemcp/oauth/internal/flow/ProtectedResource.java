package dev.reactivemcp.oauth.internal.flow;

import java.util.List;

/**
 * What protected resource discovery found (RFC 9728), or the 2025-03-26 stand-in when no metadata exists.
 *
 * @param resource             the resource identifier, byte-exact as published (the endpoint itself when legacy)
 * @param authorizationServers the issuers, byte-exact, in the order published (the endpoint origin when legacy)
 * @param scopesSupported      {@code scopes_supported}, possibly empty
 * @param legacy               true when no protected resource metadata exists (2025-03-26 discovery applies)
 * @param metadataUrl          where the metadata was read, or null
 */
record ProtectedResource(String resource, List<String> authorizationServers, List<String> scopesSupported,
                         boolean legacy, String metadataUrl) {

    ProtectedResource {
        authorizationServers = List.copyOf(authorizationServers);
        scopesSupported = List.copyOf(scopesSupported);
    }

    /** The authorization server to use: the first one published. */
    String issuer() {
        return authorizationServers.get(0);
    }
}
