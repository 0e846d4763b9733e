package dev.reactivemcp.oauth.flow;

import static dev.reactivemcp.oauth.flow.Failures.errorOf;
import static dev.reactivemcp.oauth.flow.Failures.valueOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.WwwAuthenticate;
import dev.reactivemcp.oauth.AuthorizationCodeSource;
import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.FileTokenStore;
import dev.reactivemcp.oauth.TokenStore;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.flow.QuirkyAuthServer.Quirk;
import dev.reactivemcp.oauth.internal.AuthorizationContext;
import dev.reactivemcp.oauth.internal.FlowSettings;
import dev.reactivemcp.oauth.internal.flow.OAuthFlow;
import dev.reactivemcp.transport.ExchangeFilterFunction;
import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.McpHttpResponse;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

/**
 * Issue 12 quirk 5 and 6 against {@link QuirkyAuthServer}: a token endpoint that takes no public client even with
 * PKCE (Google, GitHub), and the refresh-token rotation variants, counted at the server.
 */
class ClientSecretAndRotationTest {

    private static final Instant LOGIN = Instant.parse("2026-08-01T10:00:00Z");
    private static final String REDIRECT = "http://127.0.0.1:4711/callback";

    private final InMemoryTokenStore store = new InMemoryTokenStore();   // the secret tests; rotation uses a file

    private OAuthFlow flow(ClientRegistration client) {
        return flow(client, store);
    }

    private OAuthFlow flow(ClientRegistration client, TokenStore store) {
        return new OAuthFlow(new FlowSettings(store, AuthorizationCodeSource.headless(REDIRECT, Duration.ofSeconds(10)),
                client, null, "idp test", "native", Set.of(), Clock.fixed(LOGIN, ZoneOffset.UTC), HttpClient.create(),
                Duration.ofSeconds(10), 64 * 1024, Schedulers.parallel(), List.of()));
    }

    private static ClientRegistration client(String secret, String method) {
        return new ClientRegistration("", QuirkyAuthServer.CLIENT_ID, secret, method, List.of());
    }

    private static AuthorizationContext context(QuirkyAuthServer idp) {
        List<WwwAuthenticate.Challenge> challenges = WwwAuthenticate.parse("Bearer resource_metadata=\"" + idp.base
                + "/.well-known/oauth-protected-resource/mcp\"").challenges();
        return new AuthorizationContext(idp.endpoint, challenges, Set.of(), 0);
    }

    // ---- a client secret even with PKCE ----------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = Quirk.class, names = {"CLIENT_SECRET_REQUIRED", "CLIENT_SECRET_REQUIRED_UNADVERTISED",
            "CLIENT_SECRET_REQUIRED_GITHUB"})
    void namesTheFixWhenTheTokenEndpointWantsASecretAndNoneIsConfigured(Quirk quirk) {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(quirk)) {
            Throwable error = errorOf(flow(client(null, "none")).authorize(context(idp)));

            assertThat(((McpException) error).failure()).isInstanceOf(McpFailure.ProtocolError.class);
            assertThat(error.getMessage()).contains("authorization server " + idp.issuer + " requires a client secret",
                    "preRegisteredClient", "client_secret_post", "client_secret_basic");
            if (quirk == Quirk.CLIENT_SECRET_REQUIRED) {
                // advertised: refused before the user is sent to log in
                assertThat(idp.count("GET /authorize")).isZero();
                assertThat(idp.tokenRequests).isEmpty();
            } else {
                // not advertised: found out from the token endpoint's answer, once, never retried
                assertThat(idp.tokenRequests).hasSize(1);
            }
            assertThat(store.entries).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"client_secret_post", "client_secret_basic"})
    void logsInAndRefreshesWithTheConfiguredSecret(String method) {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(Quirk.CLIENT_SECRET_REQUIRED)) {
            OAuthFlow flow = flow(client(QuirkyAuthServer.CLIENT_SECRET, method));

            StoredCredentials login = valueOf(flow.authorize(context(idp)));
            OAuthTokens refreshed = valueOf(flow.refresh(login));

            assertThat(refreshed.accessToken()).isNotEqualTo(login.tokens().accessToken());
            assertThat(idp.tokenRequests).hasSize(2).allSatisfy(form -> {
                if (method.equals("client_secret_post")) {
                    assertThat(form).containsEntry("client_secret", QuirkyAuthServer.CLIENT_SECRET);
                } else {
                    assertThat(form).doesNotContainKey("client_secret");
                }
            });
            assertThat(login.toString()).doesNotContain(QuirkyAuthServer.CLIENT_SECRET);
        }
    }

    // ---- refresh-token rotation ----------------------------------------------------------------------------

    enum Rotation {
        NONE(Quirk.ROTATION_NONE), SINGLE_USE(null), FAMILY_REVOCATION(Quirk.ROTATION_FAMILY_REVOCATION),
        REUSE_GRACE(Quirk.ROTATION_REUSE_GRACE);

        final Quirk quirk;

        Rotation(Quirk quirk) {
            this.quirk = quirk;
        }

        QuirkyAuthServer server() {
            return quirk == null ? new QuirkyAuthServer() : new QuirkyAuthServer(quirk);
        }
    }

    @ParameterizedTest
    @EnumSource(Rotation.class)
    void neverPresentsASpentRefreshTokenWhenTwoCallersFindTheTokenExpired(Rotation rotation, @TempDir Path dir) {
        TokenStore store = FileTokenStore.at(dir.resolve("tokens.json"));
        try (QuirkyAuthServer idp = rotation.server()) {
            StoredCredentials login = valueOf(flow(client(null, "none"), store).authorize(context(idp)));
            Queue<String> presented = new ConcurrentLinkedQueue<>();

            for (int round = 1; round <= 3; round++) {
                // a new process (same store) each round, each time after the access token has expired
                McpOAuth oauth = McpOAuth.builder().tokenStore(store).httpClient(HttpClient.create())
                        .clock(Clock.fixed(LOGIN.plus(Duration.ofHours(2L * round)), ZoneOffset.UTC)).build();
                try {
                    ExchangeFilterFunction filter = oauth.filterFor(URI.create(idp.endpoint));
                    Mono<McpHttpResponse> call = filter.filter(McpHttpRequest.of("POST", URI.create(idp.endpoint))
                            .withBody("{}".getBytes()), request -> {
                                presented.add(request.headers().first("Authorization").orElse("(none)"));
                                return Mono.just(McpHttpResponse.of(200, Headers.empty(), new byte[0]));
                            });
                    List<McpHttpResponse> both = valueOf(Mono.zip(call, call, List::of));
                    assertThat(both).as("round " + round).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
                } finally {
                    valueOf(oauth.shutdown().thenReturn(true));
                }
            }

            assertThat(idp.refreshes()).as("one refresh per round for two callers").isEqualTo(3);
            assertThat(idp.reuses).as("spent refresh tokens presented").hasValue(0);
            assertThat(idp.revocations).hasValue(0);
            assertThat(presented).hasSize(6).doesNotContain("Bearer " + login.tokens().accessToken());
            StoredCredentials last = valueOf(store.load(login.key()));
            assertThat(last.rejected()).isFalse();
            assertThat(valueOf(flow(client(null, "none"), store).refresh(last)).accessToken())
                    .as("the stored refresh token is still live at the server").isNotBlank();
            assertThat(idp.reuses).hasValue(0);
        }
    }
}
