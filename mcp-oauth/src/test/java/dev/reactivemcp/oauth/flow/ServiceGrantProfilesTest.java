package dev.reactivemcp.oauth.flow;

import static dev.reactivemcp.oauth.flow.Failures.failureOf;
import static dev.reactivemcp.oauth.flow.Failures.valueOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.WwwAuthenticate;
import dev.reactivemcp.oauth.AuthorizationCodeSource;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.IdentityProviderProfile;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenProvider;
import dev.reactivemcp.oauth.flow.QuirkyAuthServer.Quirk;
import dev.reactivemcp.oauth.internal.FlowSettings;
import dev.reactivemcp.oauth.internal.flow.OAuthFlow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

/**
 * The grants without a user (client credentials here; workload identity and ID-JAG share {@code ServiceGrant}) follow
 * the same {@link IdentityProviderProfile} as a login: issuer comparison, {@code audience}, {@code resource}, scopes.
 */
class ServiceGrantProfilesTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-08-01T10:00:00Z"), ZoneOffset.UTC);

    private static TokenProvider clientCredentials(IdentityProviderProfile... profiles) {
        OAuthFlow flow = new OAuthFlow(new FlowSettings(new InMemoryTokenStore(),
                AuthorizationCodeSource.headless("http://127.0.0.1:4711/callback", Duration.ofSeconds(10)), null, null,
                "idp test", "native", Set.of(), CLOCK, HttpClient.create(), Duration.ofSeconds(10), 64 * 1024,
                Schedulers.parallel(), Arrays.asList(profiles)));
        return flow.clientCredentials(QuirkyAuthServer.CLIENT_ID, QuirkyAuthServer.CLIENT_SECRET, null, Set.of());
    }

    private static TokenProvider.Context acquire(QuirkyAuthServer idp) {
        List<WwwAuthenticate.Challenge> challenges = WwwAuthenticate.parse("Bearer resource_metadata=\"" + idp.base
                + "/.well-known/oauth-protected-resource/mcp\"").challenges();
        return new TokenProvider.Context(idp.endpoint, TokenProvider.Purpose.ACQUIRE, null, challenges, Set.of(), 0,
                CredentialKey.DEFAULT_OWNER);
    }

    @Test
    void sendsTheAuth0AudienceAndAcceptsItsTrailingSlashIssuerForClientCredentials() {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(Quirk.AUDIENCE_REQUIRED, Quirk.ISSUER_TRAILING_SLASH)) {
            failureOf(clientCredentials().provide(acquire(idp)), McpFailure.IssuerMismatch.class);
            assertThat(idp.tokenRequests).as("no token request under a mismatched issuer").isEmpty();

            IdentityProviderProfile auth0 = IdentityProviderProfile.auth0().forIssuer(idp.base);
            TokenProvider grant = clientCredentials(auth0);
            StoredCredentials issued = valueOf(grant.provide(acquire(idp)));
            StoredCredentials renewed = valueOf(grant.provide(TokenProvider.Context.renew(issued)));

            assertThat(renewed.tokens().accessToken()).isNotEqualTo(issued.tokens().accessToken());
            assertThat(idp.tokenRequests).hasSize(2).allSatisfy(form -> assertThat(form)
                    .containsEntry("grant_type", "client_credentials").containsEntry("audience", idp.endpoint)
                    .doesNotContainKey("client_secret"));
            assertThat(idp.tokenRequests).noneSatisfy(form -> assertThat(form.getOrDefault("scope", ""))
                    .contains("offline_access"));
        }
    }

    @Test
    void withoutTheAudienceAnAuth0StyleServerRefusesTheGrantWithATypedReason() {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(Quirk.AUDIENCE_REQUIRED)) {
            McpFailure.RequestRejected refused = failureOf(clientCredentials().provide(acquire(idp)),
                    McpFailure.RequestRejected.class);

            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.detail()).contains("access_denied");
        }
    }

    @Test
    void leavesOutTheResourceForClientCredentialsWhereTheProfileSaysTheServerRejectsIt() {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(Quirk.RESOURCE_REJECTED)) {
            failureOf(clientCredentials().provide(acquire(idp)), McpFailure.RequestRejected.class);

            IdentityProviderProfile cognito = IdentityProviderProfile.cognito().forIssuer(idp.base);
            TokenProvider grant = clientCredentials(cognito);
            StoredCredentials issued = valueOf(grant.provide(acquire(idp)));
            valueOf(grant.provide(TokenProvider.Context.renew(issued)));

            assertThat(issued.key().resource()).isEqualTo(idp.endpoint);
            assertThat(idp.tokenRequests.subList(1, 3)).allSatisfy(form -> assertThat(form)
                    .doesNotContainKey("resource"));
            assertThat(Map.copyOf(idp.tokenRequests.get(0))).containsKey("resource");
        }
    }
}
