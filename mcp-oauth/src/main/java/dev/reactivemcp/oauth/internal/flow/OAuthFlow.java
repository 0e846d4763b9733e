package dev.reactivemcp.oauth.internal.flow;

import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.internal.AuthorizationContext;
import dev.reactivemcp.oauth.internal.Authorizer;
import dev.reactivemcp.oauth.internal.FlowSettings;
import dev.reactivemcp.oauth.internal.TokenRefresher;
import reactor.core.publisher.Mono;

/** PLACEHOLDER skeleton: the login flow (discovery, registration, PKCE, token endpoint). */
public final class OAuthFlow implements Authorizer, TokenRefresher {

    private final FlowSettings settings;

    /** A flow with these settings. */
    public OAuthFlow(FlowSettings settings) {
        this.settings = settings;
    }

    @Override
    public Mono<StoredCredentials> authorize(AuthorizationContext context) {
        return Mono.error(new UnsupportedOperationException("not yet implemented"));
    }

    @Override
    public Mono<OAuthTokens> refresh(StoredCredentials current) {
        return Mono.error(new UnsupportedOperationException("not yet implemented"));
    }

    FlowSettings settings() {
        return settings;
    }
}
