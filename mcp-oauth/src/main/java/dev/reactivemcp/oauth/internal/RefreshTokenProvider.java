package dev.reactivemcp.oauth.internal;

import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenProvider;
import java.util.Objects;
import reactor.core.publisher.Mono;

/** The refresh-token grant (RFC 6749 section 6) as a provider: renews credentials that hold a refresh token. */
public final class RefreshTokenProvider implements TokenProvider {

    private final TokenRefresher refresher;

    /** Over {@code refresher} (one token request per call). */
    public RefreshTokenProvider(TokenRefresher refresher) {
        this.refresher = Objects.requireNonNull(refresher, "refresher");
    }

    @Override
    public Mono<StoredCredentials> provide(Context context) {
        if (context.purpose() != Purpose.RENEW || !renews(context.current())) {
            return Mono.empty();
        }
        StoredCredentials current = context.current();
        return refresher.refresh(current).map(tokens -> current.withTokens(tokens, current.updatedAt()));
    }

    @Override
    public boolean renews(StoredCredentials stored) {
        return stored.tokens().refreshable();
    }

    @Override
    public String toString() {
        return "refresh_token";
    }
}
