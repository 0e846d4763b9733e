package dev.reactivemcp.oauth.internal.dpop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.transport.ExchangeFunction;
import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.McpHttpResponse;
import dev.reactivemcp.transport.internal.ReactorNettyExchange;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The two filters against loopback servers that check every proof and demand nonces (counted at the server). */
class DpopFilterTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOKEN = "access-token-1";

    private final TestClock clock = TestClock.manual();
    private final DpopServer as = new DpopServer("as", clock);
    private final DpopServer rs = new DpopServer("rs", clock);
    private final DpopRequests dpop = new DpopRequests(
            new DpopProofs(Fixtures.key(DpopAlgorithm.ES256), clock, Fixtures.RANDOM), new DpopNonces());
    private final ExchangeFunction http = new ReactorNettyExchange(ReactorNettyExchange.defaultClient());
    private final ExchangeFunction tokenEndpoint = dpop.tokenEndpointFilter().apply(http);
    private final ExchangeFunction mcp = dpop.resourceFilter().apply(http);

    @AfterEach
    void close() {
        assertThat(as.problems).as("proofs the authorization server refused").isEmpty();
        assertThat(rs.problems).as("proofs the MCP server refused").isEmpty();
        as.close();
        rs.close();
    }

    private McpHttpRequest tokenRequest() {
        return McpHttpRequest.of("POST", as.uri("/token"))
                .withHeader("Content-Type", "application/x-www-form-urlencoded")
                .withBody("grant_type=refresh_token&refresh_token=rt".getBytes(StandardCharsets.UTF_8));
    }

    private McpHttpRequest mcpRequest() {
        return McpHttpRequest.of("POST", rs.uri("/mcp")).withHeader("Authorization", "DPoP " + TOKEN)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}".getBytes(StandardCharsets.UTF_8));
    }

    private static Mono<String> answer(Mono<McpHttpResponse> response) {
        return response.flatMap(r -> r.bodyAsString(65536).map(body -> r.status() + " " + body));
    }

    @Test
    void aTokenRequestAnsweredUseDpopNonceIsSentOnceMoreWithANewProofCarryingTheNonce() {
        as.nonces.set(DpopServer.Nonces.REQUIRE);

        StepVerifier.create(answer(tokenEndpoint.exchange(tokenRequest())))
                .expectNext("200 {\"access_token\":\"at-1\",\"token_type\":\"DPoP\"}")
                .expectComplete().verify(WAIT);

        assertThat(as.at("/token")).hasSize(2);
        assertThat(as.at("/token").get(0).claims()).doesNotContainKey("nonce");
        assertThat(as.at("/token").get(1).claims()).containsEntry("nonce", "as-0");
        assertThat(as.at("/token").get(1).claims().get("jti")).isNotEqualTo(as.at("/token").get(0).claims().get("jti"));
    }

    @Test
    void theNonceLearnedIsSentWithTheNextTokenRequestWithoutAnotherChallenge() {
        as.nonces.set(DpopServer.Nonces.REQUIRE);
        StepVerifier.create(answer(tokenEndpoint.exchange(tokenRequest()))).expectNextCount(1).expectComplete()
                .verify(WAIT);

        StepVerifier.create(answer(tokenEndpoint.exchange(tokenRequest()))).expectNextCount(1).expectComplete()
                .verify(WAIT);

        assertThat(as.count("/token")).isEqualTo(3);
        assertThat(as.at("/token").get(2).claims()).containsEntry("nonce", "as-0");
    }

    @Test
    void aTokenEndpointThatDemandsANewNonceAgainFailsAfterExactlyOneRetry() {
        as.nonces.set(DpopServer.Nonces.ALWAYS_NEW);

        StepVerifier.create(tokenEndpoint.exchange(tokenRequest()))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(McpException.class,
                        m -> assertThat(m.failure()).isInstanceOf(McpFailure.ProtocolError.class))
                        .hasMessageContaining("token endpoint").hasMessageContaining("again")
                        .hasMessageNotContaining("REDACTED"))
                .verify(WAIT);

        assertThat(as.count("/token")).isEqualTo(2);
    }

    @Test
    void anotherTokenErrorPassesThroughWithItsBodyAndItsNonceIsRemembered() {
        as.tokenError.set("{\"error\":\"invalid_grant\"}");
        McpHttpRequest withNonceHeader = tokenRequest();
        // invalid_grant with a DPoP-Nonce header: the body is read to rule out use_dpop_nonce, then handed on whole
        as.nonces.set(DpopServer.Nonces.NONE);
        StepVerifier.create(answer(tokenEndpoint.exchange(withNonceHeader)))
                .expectNext("400 {\"error\":\"invalid_grant\"}").expectComplete().verify(WAIT);

        assertThat(as.count("/token")).isEqualTo(1);
    }

    @Test
    void aUseDpopNonceWithoutADpopNonceHeaderAtTheTokenEndpointIsHandedOnAsTheErrorItIs() {
        as.nonces.set(DpopServer.Nonces.CHALLENGE_WITHOUT_NONCE);

        StepVerifier.create(answer(tokenEndpoint.exchange(tokenRequest())))
                .assertNext(a -> assertThat(a).startsWith("400 ").contains("use_dpop_nonce"))
                .expectComplete().verify(WAIT);

        assertThat(as.count("/token")).isEqualTo(1);
    }

    @Test
    void anMcpRequestAnswered401UseDpopNonceIsSentOnceMoreWithTheTokenAndANewProofCarryingTheNonce() {
        rs.nonces.set(DpopServer.Nonces.REQUIRE);

        StepVerifier.create(answer(mcp.exchange(mcpRequest())))
                .expectNext("200 {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}")
                .expectComplete().verify(WAIT);

        assertThat(rs.at("/mcp")).hasSize(2).allSatisfy(s -> assertThat(s.authorization()).isEqualTo("DPoP " + TOKEN));
        assertThat(rs.at("/mcp").get(0).claims()).doesNotContainKey("nonce");
        assertThat(rs.at("/mcp").get(1).claims()).containsEntry("nonce", "rs-0");
        assertThat(rs.at("/mcp").get(1).proof()).isNotEqualTo(rs.at("/mcp").get(0).proof());
    }

    @Test
    void anMcpServerThatDemandsANewNonceAgainFailsAfterExactlyOneRetry() {
        rs.nonces.set(DpopServer.Nonces.ALWAYS_NEW);

        StepVerifier.create(mcp.exchange(mcpRequest()))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(McpException.class,
                        m -> assertThat(m.failure()).isInstanceOf(McpFailure.ProtocolError.class))
                        .hasMessageContaining("MCP server").hasMessageNotContaining("REDACTED"))
                .verify(WAIT);

        assertThat(rs.count("/mcp")).isEqualTo(2);
    }

    @Test
    void anMcpNonceChallengeWithoutADpopNonceHeaderFailsWithoutARetry() {
        rs.nonces.set(DpopServer.Nonces.CHALLENGE_WITHOUT_NONCE);

        StepVerifier.create(mcp.exchange(mcpRequest()))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(McpException.class)
                        .hasMessageContaining("without a well-formed DPoP-Nonce"))
                .verify(WAIT);

        assertThat(rs.count("/mcp")).isEqualTo(1);
    }

    @Test
    void noncesAreRememberedPerServerAndNeverSentToTheOther() {
        as.nonces.set(DpopServer.Nonces.REQUIRE);
        rs.nonces.set(DpopServer.Nonces.REQUIRE);
        StepVerifier.create(answer(tokenEndpoint.exchange(tokenRequest()))).expectNextCount(1).expectComplete()
                .verify(WAIT);
        StepVerifier.create(answer(mcp.exchange(mcpRequest()))).expectNextCount(1).expectComplete().verify(WAIT);

        assertThat(rs.at("/mcp").get(0).claims()).doesNotContainKey("nonce");
        assertThat(rs.at("/mcp").get(1).claims()).containsEntry("nonce", "rs-0");
        assertThat(dpop.nonces().current(DpopTarget.AUTHORIZATION_SERVER, as.uri("/token"))).isEqualTo("as-0");
        assertThat(dpop.nonces().current(DpopTarget.RESOURCE_SERVER, rs.uri("/mcp"))).isEqualTo("rs-0");
        assertThat(dpop.nonces().current(DpopTarget.RESOURCE_SERVER, as.uri("/token"))).isNull();
    }

    @Test
    void onlyTokenRequestsAndDpopAuthorizedRequestsCarryAProof() {
        StepVerifier.create(answer(tokenEndpoint.exchange(McpHttpRequest.of("GET", as.uri("/.well-known/meta")))))
                .expectNextCount(1).expectComplete().verify(WAIT);
        StepVerifier.create(answer(tokenEndpoint.exchange(McpHttpRequest.of("POST", as.uri("/register"))
                .withHeader("Content-Type", "application/json").withBody("{}".getBytes(StandardCharsets.UTF_8)))))
                .expectNextCount(1).expectComplete().verify(WAIT);
        StepVerifier.create(answer(mcp.exchange(McpHttpRequest.of("POST", rs.uri("/mcp"))
                        .withHeader("Authorization", "Bearer x"))))
                .expectNextCount(1).expectComplete().verify(WAIT);

        assertThat(as.seen).hasSize(2).allSatisfy(s -> assertThat(s.proof()).isNull());
        assertThat(rs.seen).hasSize(1).allSatisfy(s -> assertThat(s.proof()).isNull());
        rs.problems.clear();   // the MCP server refuses the Bearer request: that is the point
    }

    @Test
    void theHeadersForAFormPostCarryOneProofAndForAResourceRequestTheDpopAuthorization() {
        as.nonces.set(DpopServer.Nonces.NONE);
        Headers token = dpop.headers(DpopTarget.AUTHORIZATION_SERVER, "POST", as.uri("/token"), null);
        Headers resource = dpop.headers(DpopTarget.RESOURCE_SERVER, "POST", rs.uri("/mcp"), TOKEN);
        McpHttpRequest twice = dpop.prepare(DpopTarget.RESOURCE_SERVER, mcpRequest().withHeader("DPoP", "old"), TOKEN);

        assertThat(token.asMap().keySet()).containsExactly("DPoP");
        assertThat(resource.first("Authorization")).contains("DPoP " + TOKEN);
        assertThat(twice.headers().all("DPoP")).hasSize(1).doesNotContain("old");
        assertThat(Fixtures.Proof.verify(resource.first("DPoP").orElseThrow()).claim("ath"))
                .isEqualTo(DpopProofs.accessTokenHash(TOKEN));
    }
}
