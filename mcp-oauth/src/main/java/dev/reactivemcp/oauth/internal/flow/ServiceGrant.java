package dev.reactivemcp.oauth.internal.flow;

import dev.reactivemcp.errors.WwwAuthenticate;
import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenProvider;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * What every grant without a user shares: on acquisition, discover the authorization server from the MCP server
 * (protected resource metadata, then authorization server metadata, as a login does) and select scopes; on renewal,
 * reuse the stored token endpoint, issuer, resource and scopes. The issuer's {@link ProviderRules} apply as in a
 * login: issuer comparison, scope qualification (never {@code offline_access}: no refresh token without a user),
 * {@code resource} left out where the provider rejects it, {@code audience} where it wants one. A subclass says only which grant parameters to
 * send ({@link #grantForm}) and how the client authenticates.
 */
abstract class ServiceGrant implements TokenProvider {

    final String clientId;
    private final Set<String> defaultScopes;
    private final Flow flow;

    /** The flow parts a grant uses; {@code rules} gives the provider rules of an issuer. */
    record Flow(ResourceDiscovery resources, AuthServerDiscovery servers, TokenClient tokens, Clock clock,
                Function<String, ProviderRules> rules) { }

    ServiceGrant(String clientId, Set<String> defaultScopes, Flow flow) {
        this.clientId = clientId;
        this.defaultScopes = Set.copyOf(defaultScopes);
        this.flow = flow;
    }

    /** The grant parameters ({@code grant_type} first) for a token request at {@code issuer}. */
    abstract Mono<Form> grantForm(String issuer, String resource);

    /** The token endpoint authentication method. */
    abstract String authMethod();

    /** The {@code grant_type} of the token request at the MCP server's authorization server. */
    abstract String grantType();

    /** The client secret, for {@code client_secret_basic}. */
    String clientSecret() {
        return null;
    }

    /** Called when the token request carrying {@code form} failed with {@code error}. */
    void rejected(Form form, Throwable error) {
    }

    /** The assertion signer, for {@code private_key_jwt}. */
    ClientAssertionSigner signer() {
        return null;
    }

    @Override
    public final Mono<StoredCredentials> provide(Context context) {
        if (context.purpose() == Purpose.RENEW) {
            return renews(context.current()) ? renew(context.current()) : Mono.empty();
        }
        return Mono.defer(() -> {
            WwwAuthenticate.Challenge challenge = WwwAuthenticate.oauthChallenge(context.challenges()).orElse(null);
            return flow.resources().discover(context.endpoint(), challenge).flatMap(resource -> {
                ProviderRules rules = flow.rules().apply(resource.issuer());
                return flow.servers().discover(resource, rules).flatMap(server -> {
                        server.requireGrant(grantType());   // before an assertion is fetched or a request sent
                        List<String> scopes = List.copyOf(rules.serviceScopes(Scopes.select(
                                context.previouslyRequestedScopes(), challenge, resource, server, defaultScopes),
                                resource.resource()));
                        ClientRegistration registration = new ClientRegistration(server.issuer(), clientId,
                                clientSecret(), authMethod(), List.of());
                        return grantForm(server.issuer(), resource.resource()).flatMap(form -> flow.tokens().grant(
                                        server.tokenEndpoint(), server.issuer(), registration, signer(),
                                        rules.addTokenParameters(form, resource.resource()),
                                        rules.sendsResource() ? resource.resource() : null, scopes, false)
                                        .doOnError(e -> rejected(form, e)))
                                .map(issued -> new StoredCredentials(context.endpoint(),
                                        new CredentialKey(resource.resource(), server.issuer(), clientId,
                                                context.owner()),
                                        registration, issued, server.tokenEndpoint(), false, flow.clock().instant()));
                    });
            });
        });
    }

    private Mono<StoredCredentials> renew(StoredCredentials current) {
        ProviderRules rules = flow.rules().apply(current.key().issuer());
        String resource = current.key().resource();
        return grantForm(current.key().issuer(), resource).flatMap(form -> flow.tokens().grant(
                        current.tokenEndpoint(), current.key().issuer(), current.registration(), signer(),
                        rules.addTokenParameters(form, resource), rules.sendsResource() ? resource : null,
                        current.tokens().scopes(), true).doOnError(e -> rejected(form, e)))
                .map(issued -> current.withTokens(issued, flow.clock().instant()));
    }

    /** The credentials this grant obtained: same client, same authentication method, no redirect (no user). */
    @Override
    public boolean renews(StoredCredentials stored) {
        return stored.registration().clientId().equals(clientId)
                && stored.registration().tokenEndpointAuthMethod().equals(authMethod())
                && stored.registration().redirectUris().isEmpty();
    }
}
