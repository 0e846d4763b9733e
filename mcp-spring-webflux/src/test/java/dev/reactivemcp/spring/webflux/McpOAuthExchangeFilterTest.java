package dev.reactivemcp.spring.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.oauth.InMemoryTokenStore;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.McpOwner;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.transport.CallToolResult;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.ProtocolNegotiation;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * A real {@code WebClient} (Reactor Netty connector) and an {@code McpClient} sharing one {@code McpOAuth} against a
 * loopback resource server and its token endpoint: every effect is counted on the server's side.
 */
class McpOAuthExchangeFilterTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    private final TestClock clock = TestClock.manual();
    private final ResourceServer server = new ResourceServer(clock, Duration.ofHours(1));
    private final InMemoryTokenStore store = new InMemoryTokenStore();
    private final URI mcp = server.mcp();
    private McpOAuth oauth;
    private McpClient client;

    @AfterEach
    void close() {
        if (client != null) {
            client.close().onErrorComplete().block(WAIT);
        }
        if (oauth != null) {
            oauth.shutdown().block(WAIT);
        }
        server.close();
    }

    private McpOAuth oauth(McpOAuth.Builder builder) {
        oauth = builder.tokenStore(store).clock(clock).build();
        return oauth;
    }

    private WebClient web() {
        return WebClient.builder().clientConnector(new ReactorClientHttpConnector()).baseUrl(server.base())
                .filter(McpOAuthExchangeFilter.of(oauth, mcp)).build();
    }

    private McpClient mcpClient() {
        client = McpClient.builder(mcp).filter(oauth.filterFor(mcp))
                .negotiation(ProtocolNegotiation.pinned("2026-07-28")).build();
        return client;
    }

    private static Mono<String> whoami(WebClient web) {
        return web.get().uri("/api/whoami").retrieve().bodyToMono(String.class);
    }

    @Test
    void anMcpClientAndAWebClientWithAnExpiredTokenShareExactlyOneTokenRequest() {
        store.save(server.login(McpOwnerDefault.ID, clock.instant().minusSeconds(5))).block();
        oauth(McpOAuth.builder());
        WebClient web = web();
        McpClient mcpClient = mcpClient();
        Sinks.Empty<Void> gate = Sinks.empty();
        server.holdTokenResponses(gate.asMono());

        Flux<String> fromBoth = Flux.merge(
                Flux.range(0, 10).flatMap(i -> whoami(web)),
                Flux.range(0, 10).flatMap(i -> mcpClient.callTool("whoami", Map.of()).map(CallToolResult::text)));
        StepVerifier.create(fromBoth.collectList())
                .then(() -> server.tokenRequestsSeen().blockFirst(WAIT)) // the refresh is at the endpoint, held
                .then(gate::tryEmitEmpty)
                .assertNext(answers -> assertThat(answers).hasSize(20).containsOnly(McpOwnerDefault.ANSWER))
                .as("20 calls from both clients answered with the refreshed token")
                .verifyComplete();

        assertThat(server.totalTokenRequests()).as("token requests for 20 concurrent calls of two clients").isEqualTo(1);
        assertThat(server.invalidGrants).hasValue(0);
        assertThat(server.unauthorized).as("the expired token was never sent").hasValue(0);
        assertThat(server.apiCallsOf(McpOwnerDefault.ID)).isEqualTo(10);
        assertThat(server.mcpCalls).hasValue(10);
    }

    @Test
    void aRefreshByTheWebClientServesTheMcpClientAfterwards() {
        store.save(server.login(McpOwnerDefault.ID, clock.instant().minusSeconds(5))).block();
        oauth(McpOAuth.builder());

        StepVerifier.create(whoami(web())).expectNext(McpOwnerDefault.ANSWER).verifyComplete();
        StepVerifier.create(mcpClient().callTool("whoami", Map.of()).map(CallToolResult::text))
                .expectNext(McpOwnerDefault.ANSWER).verifyComplete();

        assertThat(server.totalTokenRequests()).isEqualTo(1);
        assertThat(server.unauthorized).hasValue(0);
    }

    @Test
    void a401OnTheWebClientRenewsOnceReplaysOnceAndSucceeds() {
        store.save(server.login(McpOwnerDefault.ID, clock.instant().plus(Duration.ofMinutes(30)))).block();
        oauth(McpOAuth.builder());
        WebClient web = web();
        StepVerifier.create(whoami(web)).expectNext(McpOwnerDefault.ANSWER).verifyComplete();
        server.revoke(McpOwnerDefault.ID, 0); // still valid by its expiry, rejected by the server

        StepVerifier.create(whoami(web)).expectNext(McpOwnerDefault.ANSWER).verifyComplete();

        assertThat(server.unauthorized).as("the one 401").hasValue(1);
        assertThat(server.totalTokenRequests()).as("one renewal").isEqualTo(1);
        assertThat(server.apiRequests).as("first call, rejected call, one replay").hasValue(3);
        assertThat(server.invalidGrants).hasValue(0);
    }

    @Test
    void aSecond401FailsTypedAsAuthenticationRequiredWithoutALoop() {
        store.save(server.login(McpOwnerDefault.ID, clock.instant().plus(Duration.ofMinutes(30)))).block();
        oauth(McpOAuth.builder());
        server.apiRejectsAll = true;

        StepVerifier.create(whoami(web()))
                .expectErrorSatisfies(e -> {
                    assertThat(McpFailures.classify(e)).isInstanceOf(McpFailure.AuthenticationRequired.class);
                    assertThat(McpFailures.isAuthenticationRequired(e)).isTrue();
                    assertThat(e).hasMessageNotContaining(McpOwnerDefault.ID + "-at-");
                })
                .verify(WAIT);

        assertThat(server.apiRequests).as("the request and its one replay").hasValue(2);
        assertThat(server.totalTokenRequests()).as("one renewal between them").isEqualTo(1);
        assertThat(server.invalidGrants).hasValue(0);
    }

    @Test
    void aDeleteIsAnOrdinaryRequestThatWaitsForTheRefreshOfAnExpiredToken() {
        store.save(server.login(McpOwnerDefault.ID, clock.instant().minusSeconds(5))).block();
        oauth(McpOAuth.builder());

        StepVerifier.create(web().delete().uri("/api/whoami").retrieve().bodyToMono(String.class))
                .expectNext(McpOwnerDefault.ANSWER).verifyComplete();

        assertThat(server.totalTokenRequests()).isEqualTo(1);
        assertThat(server.unauthorized).as("no MCP wind-down rule: the expired token was not sent as is").hasValue(0);
    }

    @Test
    void theFilterRunsOnEventLoopsWithoutBlocking() {
        store.save(server.login(McpOwnerDefault.ID, clock.instant().minusSeconds(5))).block();
        oauth(McpOAuth.builder());
        WebClient web = web();
        server.revoke(McpOwnerDefault.ID, 1); // the refreshed token is rejected too: refresh, 401, renewal, replay

        // BlockHound (installed for every test by blockhound-junit-platform) fails a blocking call on these threads.
        StepVerifier.create(Flux.range(0, 20).flatMap(i -> whoami(web).subscribeOn(Schedulers.parallel())))
                .expectNextCount(20).verifyComplete();
        StepVerifier.create(Mono.fromCallable(() -> {
                    Thread.sleep(1);
                    return "slept";
                }).subscribeOn(Schedulers.parallel()))
                .as("BlockHound is installed")
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("Blocking call"))
                .verify(WAIT);
        assertThat(server.totalTokenRequests()).as("the refresh of the expired token, one renewal after the 401s")
                .isEqualTo(2);
        assertThat(server.invalidGrants).hasValue(0);
    }

    @Test
    void aRequestThatCarriesItsOwnAuthorizationPassesUntouched() {
        store.save(server.login(McpOwnerDefault.ID, clock.instant().minusSeconds(5))).block();
        oauth(McpOAuth.builder());

        StepVerifier.create(web().get().uri("/api/whoami").header("Authorization", "Bearer someone-elses")
                        .retrieve().bodyToMono(String.class))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(WebClientResponseException.class,
                        w -> assertThat(w.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED)))
                .verify(WAIT);

        assertThat(server.totalTokenRequests()).as("not ours to refresh").isZero();
        assertThat(server.apiRequests).as("no replay").hasValue(1);
    }

    @Test
    void eachCallCarriesTheTokenOfTheOwnerNamedInItsContext() {
        store.save(server.login("alice", clock.instant().minusSeconds(5))).block();
        store.save(server.login("bob", clock.instant().minusSeconds(5))).block();
        oauth(McpOAuth.builder().ownerRequired(true));
        WebClient web = web();

        List<String> answers = Flux.range(0, 20).flatMap(i -> {
            String owner = i % 2 == 0 ? "alice" : "bob";
            return whoami(web).map(answer -> owner + "=" + answer).contextWrite(McpOwner.of(owner));
        }).collectList().block(WAIT);

        assertThat(answers).hasSize(20).containsOnly("alice=as:alice", "bob=as:bob");
        assertThat(server.tokenRequests("alice")).isEqualTo(1);
        assertThat(server.tokenRequests("bob")).isEqualTo(1);
        assertThat(server.invalidGrants).hasValue(0);
    }

    @Test
    void itsDescriptionNamesTheEndpointWithoutUserInfoOrQuery() {
        oauth(McpOAuth.builder());
        URI withSecrets = URI.create("https://user:pw@mcp.example.com:8443/mcp?api_key=k-123");

        assertThat(McpOAuthExchangeFilter.of(oauth, withSecrets))
                .hasToString("McpOAuthExchangeFilter[https://mcp.example.com:8443/mcp]");
    }

    /** The default owner (of calls that name none) and what the server answers for it. */
    static final class McpOwnerDefault {
        static final String ID = dev.reactivemcp.oauth.CredentialKey.DEFAULT_OWNER;
        static final String ANSWER = ResourceServer.answerFor(ID);
    }
}
