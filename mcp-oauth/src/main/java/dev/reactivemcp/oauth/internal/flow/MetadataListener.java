package dev.reactivemcp.oauth.internal.flow;

import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Told, during one token acquisition, what the authorization server's metadata (RFC 8414) says, before any token
 * request is sent: put in the Reactor subscriber context under this class by whoever wraps the acquisition (the DPoP
 * layer chooses its proof algorithm here). An error it emits fails the acquisition before the user is asked to log in.
 */
public interface MetadataListener {

    /**
     * The server {@code issuer} was discovered; {@code dpopSigningAlgs} is its
     * {@code dpop_signing_alg_values_supported} (RFC 9449 section 5.1), or null when it publishes none.
     */
    Mono<Void> discovered(String issuer, List<String> dpopSigningAlgs);
}
