package dev.reactivemcp.observation;

import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenProvider;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;

/** An {@link McpOAuth} whose store holds expired tokens for an endpoint, renewed by a counting token provider. */
final class Seeds {

    static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    static final String ISSUER = "https://as.example.com";

    /** Renews any credentials with at-N / rt-N valid for an hour; counts renewals (the token requests). */
    static final class Renewing implements TokenProvider {
        final AtomicInteger renewals = new AtomicInteger();

        @Override
        public Mono<StoredCredentials> provide(Context context) {
            if (context.purpose() != Purpose.RENEW) {
                return Mono.empty();
            }
            int n = renewals.incrementAndGet();
            return Mono.just(context.current().withTokens(new OAuthTokens("at-" + n, "Bearer", "rt-" + n,
                    NOW.plusSeconds(3600), Set.of()), NOW));
        }

        @Override
        public boolean renews(StoredCredentials stored) {
            return true;
        }
    }

    static McpOAuth expiredOAuth(URI endpoint, TokenProvider provider) {
        McpOAuth oauth = McpOAuth.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).tokenProvider(provider).build();
        oauth.tokenStore().save(new StoredCredentials(endpoint.toString(),
                new CredentialKey(endpoint.toString(), ISSUER, "client-1"),
                new ClientRegistration(ISSUER, "client-1", null, "none", List.of()),
                new OAuthTokens("at-0", "Bearer", "rt-0", NOW.minusSeconds(1), Set.of()), ISSUER + "/token", false,
                NOW.minusSeconds(3600))).block();
        return oauth;
    }

    private Seeds() { }
}
