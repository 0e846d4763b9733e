package dev.reactivemcp.oauth.dpop;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import dev.reactivemcp.oauth.ClientCredentials;
import dev.reactivemcp.oauth.Dpop;
import dev.reactivemcp.oauth.FileTokenStore;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.transport.ExchangeFilterFunction;
import dev.reactivemcp.transport.McpHttpResponse;
import dev.reactivemcp.transport.spi.ReactorNettyExchange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;

/**
 * DPoP (RFC 9449) end to end: {@code McpOAuth} with its filter in front of real HTTP, against a loopback MCP server
 * and authorization server that verify every proof with Nimbus and bind tokens to the proof key; counted on the
 * server's side.
 */
class DpopEndToEndTest {

    private static final String CLIENT = "svc-client";
    private static final String SECRET = "svc-secret";
    private static final String TOOLS_LIST = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";

    private final TestClock clock = TestClock.manual();
    private final ReactorNettyExchange http = new ReactorNettyExchange(HttpClient.create());

    @TempDir
    Path dir;

    @Test
    void theTokenIsBoundToTheClientsKeyAndEveryMcpRequestCarriesItAsDpopWithAFreshProof() {
        try (DpopResourceServer server = new DpopResourceServer(clock, Duration.ofMinutes(5), false)) {
            McpOAuth oauth = builder().dpop(Dpop.es256()).build();
            ExchangeFilterFunction filter = oauth.filterFor(server.mcp());

            for (int i = 0; i < 3; i++) {
                assertThat(call(filter, server)).isEqualTo(200);
            }

            assertThat(server.problems).isEmpty();
            assertThat(server.tokenRequests).hasSize(1);
            StoredCredentials stored = stored(oauth, server);
            assertThat(stored.tokens().tokenType()).isEqualTo("DPoP");
            assertThat(thumbprint(stored.tokens().dpopKey())).isEqualTo(server.bindings.get("dp-1"))
                    .isEqualTo(server.tokenRequests.peek().jkt());
            assertThat(server.schemesSeen).containsExactly("none", "DPoP", "DPoP", "DPoP");
            assertThat(stored.tokens().toString()).contains("dpopKey=present")
                    .doesNotContain(stored.tokens().dpopKey());
        }
    }

    @Test
    void aRefreshAfterAReloadFromAFileTokenStoreProvesWithTheStoredKey() throws Exception {
        Path file = dir.resolve("tokens.json");
        try (DpopResourceServer server = new DpopResourceServer(clock, Duration.ofMinutes(5), false)) {
            McpOAuth first = builder().tokenStore(FileTokenStore.at(file)).dpop(Dpop.es256()).build();
            assertThat(call(first.filterFor(server.mcp()), server)).isEqualTo(200);
            first.shutdown().block(Duration.ofSeconds(10));
            String jkt = server.tokenRequests.peek().jkt();
            assertThat(Files.readString(file)).contains("\"dpopKey\"");

            clock.advance(Duration.ofMinutes(6));   // expired: the next process must refresh
            McpOAuth second = builder().tokenStore(FileTokenStore.at(file)).build();   // DPoP not even configured
            assertThat(call(second.filterFor(server.mcp()), server)).isEqualTo(200);

            assertThat(server.problems).isEmpty();
            assertThat(server.grants("client_credentials")).isEqualTo(1);
            assertThat(server.grants("refresh_token")).isEqualTo(1);
            assertThat(server.tokenRequests).extracting(DpopResourceServer.TokenRequest::jkt).containsOnly(jkt);
            StoredCredentials reloaded = FileTokenStore.at(file).findByEndpoint(server.mcp().toString()).blockFirst();
            assertThat(reloaded.tokens().accessToken()).isEqualTo("dp-2");
            assertThat(thumbprint(reloaded.tokens().dpopKey())).isEqualTo(jkt);
            assertThat(server.schemesSeen).doesNotContain("Bearer");
        }
    }

    @Test
    void nonceDemandsAtTheTokenEndpointAndAtTheMcpServerAreEachAnsweredWithOneRetryAndNoRefresh() {
        try (DpopResourceServer server = new DpopResourceServer(clock, Duration.ofMinutes(5), true)) {
            McpOAuth oauth = builder().dpop(Dpop.es256()).build();
            ExchangeFilterFunction filter = oauth.filterFor(server.mcp());

            assertThat(call(filter, server)).isEqualTo(200);

            assertThat(server.problems).isEmpty();
            assertThat(server.tokenRequests).extracting(DpopResourceServer.TokenRequest::nonce)
                    .as("one challenge, one retry with the nonce").containsExactly(null, server.nonce("as"));
            assertThat(server.grants("refresh_token")).as("a nonce demand never causes a refresh").isZero();
            assertThat(server.nonceChallenges).hasValue(2);
            assertThat(server.mcpRequests).as("unauthenticated, nonce demanded, accepted").hasValue(3);

            assertThat(call(filter, server)).isEqualTo(200);
            assertThat(server.mcpRequests).as("the nonce is remembered: no second challenge").hasValue(4);
            assertThat(server.nonceChallenges).hasValue(2);
        }
    }

    @Test
    void aBurstOfAHundredCallersWithAnExpiredDpopTokenMakesExactlyOneTokenRequest() {
        try (DpopResourceServer server = new DpopResourceServer(clock, Duration.ofMinutes(5), true)) {
            McpOAuth oauth = builder().dpop(Dpop.es256()).build();
            ExchangeFilterFunction filter = oauth.filterFor(server.mcp());
            assertThat(call(filter, server)).isEqualTo(200);
            int before = server.tokenRequests.size();
            clock.advance(Duration.ofMinutes(5));

            List<Integer> statuses = Flux.range(0, 100)
                    .flatMap(i -> filter.filter(server.post(TOOLS_LIST), http).flatMap(r -> r.releaseBody().thenReturn(r.status())),
                            100)
                    .collectList().block(Duration.ofSeconds(30));

            assertThat(statuses).hasSize(100).containsOnly(200);
            assertThat(server.problems).isEmpty();
            assertThat(server.grants("refresh_token")).as("exactly one renewal for the burst").isEqualTo(1);
            assertThat(server.tokenRequests.size() - before).as("the burst's token requests").isEqualTo(1);
            assertThat(server.schemesSeen).doesNotContain("Bearer");
        }
    }

    @Test
    void withoutConfigurationDpopIsUsedWhenTheServerOffersNothingElse() {
        try (DpopResourceServer server = new DpopResourceServer(clock, Duration.ofMinutes(5), false)) {
            McpOAuth oauth = builder().build();

            assertThat(call(oauth.filterFor(server.mcp()), server)).isEqualTo(200);

            assertThat(server.problems).isEmpty();
            assertThat(stored(oauth, server).tokens().tokenType()).isEqualTo("DPoP");
            assertThat(server.schemesSeen).containsExactly("none", "DPoP");
        }
    }

    @Test
    void withoutConfigurationNoProofIsSentWhenTheServerAlsoAcceptsBearer() {
        try (DpopResourceServer server = new DpopResourceServer(clock, Duration.ofMinutes(5), false, true)) {
            McpOAuth oauth = builder().build();

            assertThat(call(oauth.filterFor(server.mcp()), server)).isEqualTo(200);

            assertThat(server.problems).isEmpty();
            assertThat(server.tokenRequests).extracting(DpopResourceServer.TokenRequest::jkt).containsExactly((String) null);
            assertThat(stored(oauth, server).tokens().dpopKey()).isNull();
            assertThat(server.schemesSeen).containsExactly("none", "Bearer");
        }
    }

    private McpOAuth.Builder builder() {
        return McpOAuth.builder().clock(clock).clientCredentials(ClientCredentials.clientSecretBasic(CLIENT, SECRET));
    }

    private int call(ExchangeFilterFunction filter, DpopResourceServer server) {
        McpHttpResponse response = filter.filter(server.post(TOOLS_LIST), http).block(Duration.ofSeconds(20));
        response.releaseBody().block(Duration.ofSeconds(5));
        return response.status();
    }

    private static StoredCredentials stored(McpOAuth oauth, DpopResourceServer server) {
        return oauth.tokenStore().findByEndpoint(server.mcp().toString()).blockFirst();
    }

    private static String thumbprint(String privateJwk) {
        try {
            return JWK.parse(privateJwk).toPublicJWK().computeThumbprint().toString();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
