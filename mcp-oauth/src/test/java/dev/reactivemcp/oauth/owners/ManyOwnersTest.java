package dev.reactivemcp.oauth.owners;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.oauth.InMemoryTokenStore;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.oauth.McpOwner;
import dev.reactivemcp.transport.CallToolResult;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.ProtocolNegotiation;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/**
 * Many users through one service: every call carries its own owner's token, counted on the MCP server's side; one
 * owner's refresh never delays another's call; a 2025-11-25 session is never used for another owner.
 */
class ManyOwnersTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    /** A clock the test moves (client and servers share it). */

    private final TestClock clock = TestClock.manual();
    private final OwnersServer server = new OwnersServer(clock, Duration.ofHours(1));
    @RegisterExtension
    final OwnersTeardown teardown = new OwnersTeardown(server);
    private final InMemoryTokenStore store = new InMemoryTokenStore();
    private McpOAuth oauth;

    private McpClient client(McpOAuth.Builder builder, String version) {
        oauth = teardown.shutsDown(builder.tokenStore(store).clock(clock).build());
        URI uri = URI.create(server.mcpUrl());
        McpClient client = McpClient.builder(uri).filter(oauth.filterFor(uri))
                .negotiation(version == null ? ProtocolNegotiation.auto() : ProtocolNegotiation.pinned(version)).build();
        teardown.closes(client);
        return client;
    }

    private static Mono<CallToolResult> ask(McpClient client, String owner) {
        return client.callTool("whoami", Map.of("asker", owner)).contextWrite(McpOwner.of(owner));
    }

    @Test
    void aliceAndBobThroughOneClientEachCarryTheirOwnTokenOnEveryRequest() {
        store.save(server.login("alice", clock.instant().plus(Duration.ofMinutes(30)))).block();
        store.save(server.login("bob", clock.instant().plus(Duration.ofMinutes(30)))).block();
        McpClient client = client(McpOAuth.builder(), "2026-07-28");

        List<String> answers = Flux.range(0, 40).flatMap(i -> ask(client, i % 2 == 0 ? "alice" : "bob")
                .map(CallToolResult::text)).collectList().block(WAIT);

        assertThat(answers).hasSize(40).containsOnly("alice", "bob");
        assertThat(answers.stream().filter("alice"::equals)).hasSize(20);
        assertThat(server.crossings).as("requests that carried another owner's token").hasValue(0);
        assertThat(server.toolCalls).hasValue(40);
        assertThat(server.totalTokenRequests()).isZero();
    }

    @Test
    void aliceExpiredTokenRefreshesOnceWhileBobsCallsGoThroughUndelayed() {
        store.save(server.login("alice", clock.instant().minusSeconds(5))).block();
        store.save(server.login("bob", clock.instant().plus(Duration.ofMinutes(30)))).block();
        McpClient client = client(McpOAuth.builder(), "2026-07-28");
        StepVerifier.create(ask(client, "bob")).expectNextCount(1).verifyComplete(); // discovered, bob loaded
        Sinks.Empty<Void> gate = Sinks.empty();
        server.holdTokenResponses("alice", gate.asMono());

        AtomicReference<String> aliceAnswer = new AtomicReference<>();
        Flux.range(0, 5).flatMap(i -> ask(client, "alice")).map(CallToolResult::text).subscribe(aliceAnswer::set);
        StepVerifier.create(Flux.range(0, 5).flatMap(i -> ask(client, "bob")).map(CallToolResult::text))
                .expectNextCount(5).as("bob's calls complete while alice's refresh is held")
                .verifyComplete();
        assertThat(aliceAnswer.get()).as("alice still waits for her refresh").isNull();
        assertThat(server.tokenRequests("alice")).isEqualTo(1);

        gate.tryEmitEmpty();
        StepVerifier.create(ask(client, "alice").map(CallToolResult::text)).expectNext("alice").verifyComplete();
        assertThat(server.tokenRequests("alice")).as("one refresh for six calls").isEqualTo(1);
        assertThat(server.tokenRequests("bob")).isZero();
        assertThat(server.crossings).hasValue(0);
        assertThat(server.unauthorized).as("alice's expired token was never sent").hasValue(0);
    }

    @Test
    void aSessionOfTheOlderProtocolIsNeverUsedForAnotherOwnerAndClosesWithItsOwnersToken() {
        store.save(server.login("alice", clock.instant().plus(Duration.ofMinutes(30)))).block();
        store.save(server.login("bob", clock.instant().plus(Duration.ofMinutes(30)))).block();
        McpClient client = client(McpOAuth.builder().ownerRequired(true), "2025-11-25");
        StepVerifier.create(ask(client, "alice").map(CallToolResult::text)).expectNext("alice").verifyComplete();
        int bobBefore = server.callsOf("bob");

        StepVerifier.create(ask(client, "bob")).expectErrorSatisfies(e -> assertThat(McpFailures.classify(e))
                .isInstanceOf(McpFailure.ProtocolError.class)).verify(WAIT);

        assertThat(server.callsOf("bob")).as("nothing was sent for bob").isEqualTo(bobBefore);
        StepVerifier.create(client.close()).verifyComplete(); // DELETE with alice's token, though it names no owner
        assertThat(server.crossings).hasValue(0);
        assertThat(server.unauthorized).hasValue(0);
    }

    @Test
    void aCallWithoutAnOwnerFailsTypedBeforeAnythingIsSentWhenOwnersAreRequired() {
        store.save(server.login("alice", clock.instant().plus(Duration.ofMinutes(30)))).block();
        McpClient client = client(McpOAuth.builder().ownerRequired(true), "2026-07-28");

        StepVerifier.create(client.callTool("whoami", Map.of("asker", "nobody")))
                .expectErrorSatisfies(e -> assertThat(McpFailures.classify(e))
                        .isInstanceOf(McpFailure.AuthenticationRequired.class)).verify(WAIT);
        assertThat(server.callsOf("alice")).isZero();
        StepVerifier.create(ask(client, "alice").map(CallToolResult::text)).expectNext("alice").verifyComplete();
    }

    @Test
    void anOwnerResolverReadsTheOwnerFromTheCallsOwnContext() {
        store.save(server.login("carol", clock.instant().plus(Duration.ofMinutes(30)))).block();
        McpClient client = client(McpOAuth.builder()
                .ownerResolver(ctx -> Mono.justOrEmpty(ctx.<String>getOrEmpty("user"))).ownerRequired(true), "2026-07-28");

        StepVerifier.create(client.callTool("whoami", Map.of("asker", "carol")).contextWrite(c -> c.put("user", "carol"))
                .map(CallToolResult::text)).expectNext("carol").verifyComplete();
        assertThat(server.crossings).hasValue(0);
    }
}
