package dev.reactivemcp.oauth.dpop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.oauth.AuthorizationCodeSource;
import dev.reactivemcp.oauth.ClientCredentials;
import dev.reactivemcp.oauth.Dpop;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.transport.ExchangeFilterFunction;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.McpHttpResponse;
import dev.reactivemcp.transport.spi.ReactorNettyExchange;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * What the authorization server's metadata (RFC 8414) says is consulted before any token request: its
 * {@code dpop_signing_alg_values_supported} (RFC 9449 section 5.1) chooses the proof algorithm, its
 * {@code grant_types_supported} refuses a grant it does not list; metadata that lists neither changes nothing.
 * Also: a renewal answered with a token bound to another key keeps the rotated refresh token.
 */
class DpopMetadataTest {

    private final TestClock clock = TestClock.manual();
    private final ReactorNettyExchange http = new ReactorNettyExchange(HttpClient.create());

    @Test
    void theConfiguredAlgorithmIsUsedWhenTheAuthorizationServerListsIt() {
        assertThat(proofAlgorithmFor("[\"ES256\",\"PS256\"]", Dpop.withAlgorithm("PS256"))).isEqualTo("PS256");
    }

    @Test
    void es256IsUsedWhenTheServerListsItButNotTheConfiguredAlgorithm() {
        assertThat(proofAlgorithmFor("[\"RS256\",\"ES256\"]", Dpop.withAlgorithm("PS256"))).isEqualTo("ES256");
    }

    @Test
    void theFirstListedAlgorithmThisClientSupportsIsUsedWhenNeitherIsListed() {
        assertThat(proofAlgorithmFor("[\"EdDSA\",\"RS256\",\"PS256\"]", Dpop.es256())).isEqualTo("RS256");
    }

    @Test
    void aServerThatListsNoAlgorithmsGetsTheConfiguredOne() {
        assertThat(proofAlgorithmFor(null, Dpop.withAlgorithm("PS256"))).isEqualTo("PS256");
        assertThat(proofAlgorithmFor(null, Dpop.es256())).isEqualTo("ES256");
    }

    @Test
    void aServerThatListsOnlyAlgorithmsThisClientLacksFailsTypedBeforeAnyTokenRequest() {
        try (DpopResourceServer server = new DpopResourceServer(clock, Duration.ofMinutes(5), false)) {
            server.dpopAlgorithms = "[\"EdDSA\",\"ES512\"]";
            ExchangeFilterFunction filter = clientCredentials().dpop(Dpop.es256()).build().filterFor(mcp(server));

            assertThatThrownBy(() -> call(filter, server))
                    .satisfies(e -> assertThat(McpFailures.classify(e)).isInstanceOf(McpFailure.ProtocolError.class))
                    .hasMessageContaining("dpop_signing_alg_values_supported").hasMessageContaining("EdDSA");
            assertThat(server.tokenRequests).as("token requests").isEmpty();
        }
    }

    @Test
    void aGrantTheServerDoesNotListFailsTypedBeforeAnyTokenRequest() {
        try (DpopResourceServer server = new DpopResourceServer(clock, Duration.ofMinutes(5), false)) {
            server.grantTypes = "[\"authorization_code\",\"refresh_token\"]";
            ExchangeFilterFunction filter = clientCredentials().build().filterFor(mcp(server));

            assertThatThrownBy(() -> call(filter, server))
                    .satisfies(e -> assertThat(McpFailures.classify(e)).isInstanceOf(McpFailure.ProtocolError.class))
                    .hasMessageContaining("client_credentials");
            assertThat(server.tokenRequests).as("token requests").isEmpty();
        }
    }

    @Test
    void aServerThatListsNoGrantTypesIsAskedForTheGrant() {
        try (DpopResourceServer server = new DpopResourceServer(clock, Duration.ofMinutes(5), false)) {
            server.grantTypes = null;
            ExchangeFilterFunction filter = clientCredentials().build().filterFor(mcp(server));

            assertThat(call(filter, server)).isEqualTo(200);
            assertThat(server.grants("client_credentials")).isEqualTo(1);
            assertThat(server.problems).isEmpty();
        }
    }

    @Test
    void aLoginTheServerDoesNotListFailsBeforeTheUserIsAskedToLogIn() {
        try (DpopResourceServer server = new DpopResourceServer(clock, Duration.ofMinutes(5), false)) {
            server.grantTypes = "[\"client_credentials\"]";
            AtomicInteger asked = new AtomicInteger();
            AuthorizationCodeSource browser = urls -> Mono.defer(() -> {
                asked.incrementAndGet();
                return Mono.error(new IllegalStateException("no login expected"));
            });
            ExchangeFilterFunction filter = McpOAuth.builder().clock(clock).codeSource(browser).build()
                    .filterFor(mcp(server));

            assertThatThrownBy(() -> call(filter, server))
                    .satisfies(e -> assertThat(McpFailures.classify(e)).isInstanceOf(McpFailure.ProtocolError.class))
                    .hasMessageContaining("authorization_code");
            assertThat(asked).as("logins started").hasValue(0);
            assertThat(server.tokenRequests).isEmpty();
        }
    }

    @Test
    void aRenewalAnsweredWithATokenBoundToAnotherKeyFailsTypedAndKeepsTheRotatedRefreshToken() {
        try (DpopResourceServer server = new DpopResourceServer(clock, Duration.ofMinutes(5), false)) {
            McpOAuth oauth = clientCredentials().dpop(Dpop.es256()).build();
            ExchangeFilterFunction filter = oauth.filterFor(mcp(server));
            assertThat(call(filter, server)).isEqualTo(200);
            assertThat(stored(oauth, server).tokens().refreshToken()).isEqualTo("rt-1");

            clock.advance(Duration.ofMinutes(6));
            server.refreshBindsToAnotherKey = true;
            assertThatThrownBy(() -> call(filter, server))
                    .satisfies(e -> assertThat(McpFailures.classify(e)).isInstanceOf(McpFailure.ProtocolError.class))
                    .hasMessageContaining("cnf.jkt")
                    .satisfies(e -> assertThat(e.toString()).doesNotContain("rt-2"));
            StoredCredentials kept = stored(oauth, server);
            assertThat(kept.tokens().refreshToken()).as("the rotated refresh token, stored").isEqualTo("rt-2");
            assertThat(kept.rejected()).isFalse();

            server.refreshBindsToAnotherKey = false;
            assertThat(call(filter, server)).as("the next call renews with the kept refresh token").isEqualTo(200);
            assertThat(server.refreshTokensPresented).containsExactly("rt-1", "rt-2");
            assertThat(stored(oauth, server).tokens().accessToken()).isEqualTo("dp-3");
            assertThat(server.problems).isEmpty();
        }
    }

    /** The JWS algorithm of the proofs a client configured with {@code dpop} sent to a server listing {@code algs}. */
    private String proofAlgorithmFor(String algs, Dpop dpop) {
        try (DpopResourceServer server = new DpopResourceServer(clock, Duration.ofMinutes(5), false)) {
            server.dpopAlgorithms = algs;
            assertThat(call(clientCredentials().dpop(dpop).build().filterFor(mcp(server)), server)).isEqualTo(200);
            assertThat(server.problems).isEmpty();
            assertThat(server.proofAlgorithms).hasSize(1);
            return server.proofAlgorithms.peek();
        }
    }

    private McpOAuth.Builder clientCredentials() {
        return McpOAuth.builder().clock(clock).clientCredentials(ClientCredentials.clientSecretBasic("svc", "secret"));
    }

    private int call(ExchangeFilterFunction filter, DpopResourceServer server) {
        McpHttpResponse response = filter.filter(McpHttpRequest.of("POST", mcp(server))
                .withHeader("Content-Type", "application/json")
                .withBody("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}".getBytes(StandardCharsets.UTF_8)),
                http).block(Duration.ofSeconds(20));
        response.releaseBody().block(Duration.ofSeconds(5));
        return response.status();
    }

    private static StoredCredentials stored(McpOAuth oauth, DpopResourceServer server) {
        return oauth.tokenStore().findByEndpoint(mcp(server).toString()).blockFirst();
    }

    private static URI mcp(DpopResourceServer server) {
        return URI.create(server.base() + "/mcp");
    }
}
