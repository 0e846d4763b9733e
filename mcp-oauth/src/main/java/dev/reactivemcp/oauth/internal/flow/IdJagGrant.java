package dev.reactivemcp.oauth.internal.flow;

import dev.reactivemcp.errors.KnownSecrets;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * Enterprise-managed authorization (SEP-990): an RFC 8693 token exchange at the identity provider (the user's ID
 * token for an ID-JAG whose {@code audience} is the MCP authorization server and whose {@code resource} is the MCP
 * server), then the JWT-bearer grant with that ID-JAG at the MCP authorization server.
 */
final class IdJagGrant extends ServiceGrant {

    static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
    static final String ID_JAG = "urn:ietf:params:oauth:token-type:id-jag";

    private final String idpTokenEndpoint;
    private final String idpClientId;
    private final Mono<String> idTokens;
    private final String clientSecret;
    private final ClientAssertionSigner signer;
    private final TokenClient tokens;

    IdJagGrant(String idpTokenEndpoint, String idpClientId, Mono<String> idTokens, String clientId,
               String clientSecret, ClientAssertionSigner signer, Set<String> defaultScopes, Flow flow) {
        super(clientId, defaultScopes, flow);
        this.idpTokenEndpoint = idpTokenEndpoint;
        this.idpClientId = idpClientId;
        this.idTokens = idTokens;
        this.clientSecret = clientSecret;
        this.signer = signer;
        this.tokens = flow.tokens();
    }

    @Override
    Mono<Form> grantForm(String issuer, String resource) {
        return idTokens.switchIfEmpty(Mono.error(() -> FlowErrors.protocol("the ID token source is empty")))
                .flatMap(idToken -> {
                    KnownSecrets.remember(idToken);
                    Form exchange = new Form().add("grant_type", TOKEN_EXCHANGE)
                            .add("requested_token_type", ID_JAG)
                            .add("audience", issuer)
                            .add("resource", resource)
                            .add("subject_token", idToken)
                            .add("subject_token_type", ID_TOKEN)
                            .add("client_id", idpClientId);
                    return tokens.exchange(idpTokenEndpoint, exchange, ID_JAG);
                })
                .map(idJag -> new Form().add("grant_type", JwtBearerGrant.GRANT_TYPE).add("assertion", idJag));
    }

    @Override
    String grantType() {
        return JwtBearerGrant.GRANT_TYPE;
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
        return "id-jag(" + authMethod() + ")";
    }
}
