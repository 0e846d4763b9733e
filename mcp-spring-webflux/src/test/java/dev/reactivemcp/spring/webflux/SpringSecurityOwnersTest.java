package dev.reactivemcp.spring.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.oauth.InMemoryTokenStore;
import dev.reactivemcp.oauth.McpOAuth;
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
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

/**
 * The owner of each call from Spring Security's reactive security context: two signed-in users through one
 * {@code WebClient} and one {@code McpClient} each carry their own token (counted at the server), refreshed once per
 * user; a call without an authenticated user names no owner.
 */
class SpringSecurityOwnersTest {

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

    private static Context signedIn(String user) {
        return ReactiveSecurityContextHolder.withAuthentication(
                new UsernamePasswordAuthenticationToken(user, "n/a", AuthorityUtils.createAuthorityList("ROLE_USER")));
    }

    @Test
    void twoSignedInUsersCarryTheirOwnTokensThroughOneWebClientAndOneMcpClient() {
        store.save(server.login("alice", clock.instant().minusSeconds(5))).block();
        store.save(server.login("bob", clock.instant().minusSeconds(5))).block();
        oauth = McpOAuth.builder().tokenStore(store).clock(clock)
                .ownerResolver(SpringSecurityOwners.principalName()).ownerRequired(true).build();
        WebClient web = WebClient.builder().clientConnector(new ReactorClientHttpConnector()).baseUrl(server.base())
                .filter(McpOAuthExchangeFilter.of(oauth, mcp)).build();
        client = McpClient.builder(mcp).filter(oauth.filterFor(mcp))
                .negotiation(ProtocolNegotiation.pinned("2026-07-28")).build();

        List<String> answers = Flux.range(0, 20).flatMap(i -> {
            String user = i % 2 == 0 ? "alice" : "bob";
            Mono<String> call = i % 4 < 2
                    ? web.get().uri("/api/whoami").retrieve().bodyToMono(String.class)
                    : client.callTool("whoami", Map.of()).map(CallToolResult::text);
            return call.map(answer -> user + "=" + answer).contextWrite(signedIn(user));
        }).collectList().block(WAIT);

        assertThat(answers).hasSize(20).containsOnly("alice=as:alice", "bob=as:bob");
        assertThat(answers.stream().filter("alice=as:alice"::equals)).hasSize(10);
        assertThat(server.tokenRequests("alice")).as("one refresh for alice's 10 calls").isEqualTo(1);
        assertThat(server.tokenRequests("bob")).as("one refresh for bob's 10 calls").isEqualTo(1);
        assertThat(server.apiCallsOf("alice")).isEqualTo(5);
        assertThat(server.apiCallsOf("bob")).isEqualTo(5);
        assertThat(server.invalidGrants).hasValue(0);
        assertThat(server.unauthorized).hasValue(0);
    }

    @Test
    void anAnonymousOrMissingUserNamesNoOwner() {
        Authentication anonymous = new AnonymousAuthenticationToken("key", "anonymousUser",
                AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS"));
        Mono<String> owner = Mono.deferContextual(ctx -> SpringSecurityOwners.principalName().apply(ctx));

        StepVerifier.create(owner.contextWrite(ReactiveSecurityContextHolder.withAuthentication(anonymous)))
                .verifyComplete();
        StepVerifier.create(owner).verifyComplete();
        StepVerifier.create(owner.contextWrite(signedIn("carol"))).expectNext("carol").verifyComplete();
    }

    @Test
    void aWebClientCallWithoutASignedInUserFailsTypedWhenEveryCallMustNameItsOwner() {
        store.save(server.login("alice", clock.instant().plus(Duration.ofMinutes(30)))).block();
        oauth = McpOAuth.builder().tokenStore(store).clock(clock)
                .ownerResolver(SpringSecurityOwners.principalName()).ownerRequired(true).build();
        WebClient web = WebClient.builder().clientConnector(new ReactorClientHttpConnector()).baseUrl(server.base())
                .filter(McpOAuthExchangeFilter.of(oauth, mcp)).build();

        StepVerifier.create(web.get().uri("/api/whoami").retrieve().bodyToMono(String.class))
                .expectErrorSatisfies(e -> assertThat(McpFailures.isAuthenticationRequired(e)).isTrue())
                .verify(WAIT);

        assertThat(server.apiRequests).as("nothing was sent").hasValue(0);
    }
}
