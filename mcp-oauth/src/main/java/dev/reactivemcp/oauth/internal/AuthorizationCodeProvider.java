package dev.reactivemcp.oauth.internal;

import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenProvider;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * The interactive grant (authorization code with PKCE, behind {@link Authorizer}) as a provider: acquires only,
 * never renews (a user is involved).
 */
public final class AuthorizationCodeProvider implements TokenProvider {

    private final Authorizer authorizer;

    /** Over {@code authorizer}. */
    public AuthorizationCodeProvider(Authorizer authorizer) {
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
    }

    @Override
    public Mono<StoredCredentials> provide(Context context) {
        if (context.purpose() != Purpose.ACQUIRE) {
            return Mono.empty();
        }
        return authorizer.authorize(new AuthorizationContext(context.endpoint(), context.challenges(),
                context.previouslyRequestedScopes(), context.attempt(), context.owner()));
    }

    @Override
    public String toString() {
        return "authorization_code";
    }
}
