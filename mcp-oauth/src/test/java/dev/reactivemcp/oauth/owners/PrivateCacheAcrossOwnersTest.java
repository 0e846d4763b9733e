package dev.reactivemcp.oauth.owners;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.oauth.InMemoryTokenStore;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.McpOwner;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.ProtocolNegotiation;
import dev.reactivemcp.transport.Tool;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Results a 2026-07-28 server marks cacheable ({@code ttlMs}, {@code cacheScope}, server/utilities/caching) through
 * one client serving alice and bob with the token filter: a {@code private} result is served from the cache only to
 * the owner whose token fetched it (the cache is partitioned by the {@code Authorization} sent), a {@code public} one
 * to everyone; counted per owner at the MCP server.
 */
class PrivateCacheAcrossOwnersTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    private final TestClock clock = TestClock.manual();
    private final OwnersServer server = new OwnersServer(clock, Duration.ofHours(1));
    @RegisterExtension
    final OwnersTeardown teardown = new OwnersTeardown(server);
    private final InMemoryTokenStore store = new InMemoryTokenStore();
    private McpOAuth oauth;
    private McpClient client;

    @BeforeEach
    void aliceAndBobAreLoggedInAndShareOneClient() {
        store.save(server.login("alice", clock.instant().plus(Duration.ofMinutes(30)))).block(WAIT);
        store.save(server.login("bob", clock.instant().plus(Duration.ofMinutes(30)))).block(WAIT);
        oauth = teardown.shutsDown(McpOAuth.builder().tokenStore(store).clock(clock).build());
        URI uri = URI.create(server.mcpUrl());
        client = teardown.closes(McpClient.builder(uri).filter(oauth.filterFor(uri))
                .negotiation(ProtocolNegotiation.pinned("2026-07-28")).listeningStream(false).build());
    }

    private Mono<String> toolSeenBy(String owner) {
        return client.listTools(null).map(page -> page.items().stream().map(Tool::name).toList())
                .map(names -> String.join(",", names)).contextWrite(McpOwner.of(owner));
    }

    @Test
    void aPrivateResultIsServedFromTheCacheOnlyToTheOwnerWhoseTokenFetchedIt() {
        server.listCacheScope = "private";

        StepVerifier.create(toolSeenBy("alice")).expectNext("tool-of-alice").verifyComplete();
        StepVerifier.create(toolSeenBy("bob")).as("bob does not get alice's cached list")
                .expectNext("tool-of-bob").verifyComplete();
        List<String> seen = Flux.range(0, 40).flatMap(i -> {
            String owner = i % 2 == 0 ? "alice" : "bob";
            return toolSeenBy(owner).map(tools -> owner + ":" + tools);
        }).collectList().block(WAIT);

        assertThat(seen).hasSize(40).containsOnly("alice:tool-of-alice", "bob:tool-of-bob");
        assertThat(server.listsOf("alice")).as("alice's later lists came from her cache entry").isEqualTo(1);
        assertThat(server.listsOf("bob")).as("bob's later lists came from his cache entry").isEqualTo(1);
        assertThat(server.crossings).hasValue(0);
        assertThat(server.unauthorized).hasValue(0);
    }

    @Test
    void anOwnerWithoutCredentialsNeverGetsAnotherOwnersCachedPrivateResult() {
        server.listCacheScope = "private";
        StepVerifier.create(toolSeenBy("alice")).expectNext("tool-of-alice").verifyComplete();

        StepVerifier.create(toolSeenBy("carol"))
                .expectErrorSatisfies(e -> assertThat(McpFailures.isAuthenticationRequired(e))
                        .as("carol has no token: her call fails, it is not answered from alice's entry").isTrue())
                .verify(WAIT);
        assertThat(server.listsOf("alice")).isEqualTo(1);
    }

    @Test
    void aPublicResultFetchedForOneOwnerServesEveryOwnerFromOneServerRequest() {
        server.listCacheScope = "public";

        StepVerifier.create(toolSeenBy("alice")).expectNext("tool-for-all").verifyComplete();
        List<String> seen = Flux.range(0, 20).flatMap(i -> toolSeenBy(i % 2 == 0 ? "alice" : "bob"))
                .collectList().block(WAIT);

        assertThat(seen).hasSize(20).containsOnly("tool-for-all");
        assertThat(server.listsOf("alice")).isEqualTo(1);
        assertThat(server.listsOf("bob")).as("bob was served alice's public result").isZero();
    }
}
