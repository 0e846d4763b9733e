package dev.reactivemcp.oauth.internal.flow;

import dev.reactivemcp.errors.WwwAuthenticate;
import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenProvider;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * The client credentials grant (RFC 6749 section 4.4, SEP-1046) as a provider. Acquires after discovering the
 * authorization server from the MCP server (as a login does, without a user); renews the credentials it obtained at
 * their token endpoint, for their issuer, resource and scopes, so the engine prefetches them like any token.
 */
final class ClientCredentialsGrant implements TokenProvider {

    private final String clientId;
    private final String clientSecret;
    private final ClientAssertionSigner signer;
    private final Set<String> defaultScopes;
    private final ResourceDiscovery resources;
    private final AuthServerDiscovery servers;
    private final TokenClient tokens;
    private final Clock clock;

    ClientCredentialsGrant(String clientId, String clientSecret, ClientAssertionSigner signer,
                           Set<String> defaultScopes, ResourceDiscovery resources, AuthServerDiscovery servers,
                           TokenClient tokens, Clock clock) {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.signer = signer;
        this.defaultScopes = Set.copyOf(defaultScopes);
        this.resources = resources;
        this.servers = servers;
        this.tokens = tokens;
        this.clock = clock;
    }

    private String method() {
        return signer != null ? "private_key_jwt" : "client_secret_basic";
    }

    @Override
    public Mono<StoredCredentials> provide(Context context) {
        if (context.purpose() == Purpose.RENEW) {
            return renews(context.current()) ? renew(context.current()) : Mono.empty();
        }
        return Mono.defer(() -> {
            WwwAuthenticate.Challenge challenge = WwwAuthenticate.oauthChallenge(context.challenges()).orElse(null);
            return resources.discover(context.endpoint(), challenge).flatMap(resource -> servers.discover(resource)
                    .flatMap(server -> {
                        List<String> scopes = List.copyOf(Scopes.select(context.previouslyRequestedScopes(), challenge,
                                resource, server, defaultScopes));
                        ClientRegistration registration = new ClientRegistration(server.issuer(), clientId,
                                clientSecret, method(), List.of());
                        return tokens.clientCredentials(server.tokenEndpoint(), server.issuer(), registration, signer,
                                        resource.resource(), scopes, false)
                                .map(issued -> new StoredCredentials(context.endpoint(),
                                        new CredentialKey(resource.resource(), server.issuer(), clientId),
                                        registration, issued, server.tokenEndpoint(), false, clock.instant()));
                    }));
        });
    }

    private Mono<StoredCredentials> renew(StoredCredentials current) {
        return tokens.clientCredentials(current.tokenEndpoint(), current.key().issuer(), current.registration(), signer,
                        current.key().resource(), current.tokens().scopes(), true)
                .map(issued -> current.withTokens(issued, clock.instant()));
    }

    /** The credentials this grant obtained: same client, same authentication method, no user behind them. */
    @Override
    public boolean renews(StoredCredentials stored) {
        return stored.registration().clientId().equals(clientId)
                && stored.registration().tokenEndpointAuthMethod().equals(method())
                && stored.registration().redirectUris().isEmpty();
    }

    @Override
    public String toString() {
        return "client_credentials(" + method() + ")";
    }
}
