package dev.reactivemcp.oauth.internal.flow;

import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * The client credentials grant (RFC 6749 section 4.4, SEP-1046): {@code grant_type=client_credentials}, the client
 * authenticated with {@code client_secret_basic} or {@code private_key_jwt} (RFC 7523 section 2.2).
 */
final class ClientCredentialsGrant extends ServiceGrant {

    private final String clientSecret;
    private final ClientAssertionSigner signer;

    ClientCredentialsGrant(String clientId, String clientSecret, ClientAssertionSigner signer,
                           Set<String> defaultScopes, Flow flow) {
        super(clientId, defaultScopes, flow);
        this.clientSecret = clientSecret;
        this.signer = signer;
    }

    @Override
    Mono<Form> grantForm(String issuer, String resource) {
        return Mono.just(new Form().add("grant_type", "client_credentials"));
    }

    @Override
    String grantType() {
        return "client_credentials";
    }

    @Override
    String authMethod() {
        return signer != null ? "private_key_jwt" : "client_secret_basic";
    }

    @Override
    String clientSecret() {
        return clientSecret;
    }

    @Override
    ClientAssertionSigner signer() {
        return signer;
    }

    @Override
    public String toString() {
        return "client_credentials(" + authMethod() + ")";
    }
}
