package dev.reactivemcp.transport;

import static dev.reactivemcp.transport.Clients.WAIT;
import static dev.reactivemcp.transport.MockMcpServer.result;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

/** 2026-07-28 {@code ttlMs}/{@code cacheScope} on list and read results (server/utilities/caching). */
class ResultCacheTest {

    private final MockMcpServer server = new MockMcpServer();
    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private McpClient client;

    @AfterEach
    void cleanUp() {
        Clients.close(client);
        server.close();
        time.dispose();
    }

    private static String tools(long ttlMs, String scope) {
        return "{\"resultType\":\"complete\",\"tools\":[{\"name\":\"t\",\"inputSchema\":{\"type\":\"object\"}}],"
                + "\"ttlMs\":" + ttlMs + ",\"cacheScope\":\"" + scope + "\"}";
    }

    @Test
    void aPublicResultIsReusedForItsTtlAndFetchedAgainAfterwards() {
        server.modern().on("tools/list", c -> result(c, tools(60_000, "public")));
        client = Clients.modern(server.uri()).scheduler(time).build();

        client.listTools(null).block(WAIT);
        client.listTools(null).block(WAIT);
        assertThat(server.calls("tools/list")).hasSize(1);

        time.advanceTimeBy(Duration.ofSeconds(61));
        client.listTools(null).block(WAIT);
        assertThat(server.calls("tools/list")).hasSize(2);
    }

    @Test
    void aZeroTtlIsNeverCachedAndDifferentCursorsAreDifferentEntries() {
        server.modern()
                .on("tools/list", c -> result(c, tools(0, "public")))
                .on("prompts/list", c -> result(c, "{\"prompts\":[],\"ttlMs\":60000,\"cacheScope\":\"public\"}"));
        client = Clients.modern(server.uri()).scheduler(time).build();

        client.listTools(null).block(WAIT);
        client.listTools(null).block(WAIT);
        client.listPrompts(null).block(WAIT);
        client.listPrompts("page-2").block(WAIT);
        client.listPrompts("page-2").block(WAIT);

        assertThat(server.calls("tools/list")).hasSize(2);
        assertThat(server.calls("prompts/list")).hasSize(2);
    }

    @Test
    void aPrivateResultIsNeverServedToAnotherAccessToken() {
        server.modern().on("tools/list", c -> result(c, tools(60_000, "private")));
        AtomicReference<String> token = new AtomicReference<>("Bearer alice");
        client = Clients.modern(server.uri()).scheduler(time)
                .filter((request, next) -> next.exchange(request.withHeader("Authorization", token.get())))
                .build();

        client.listTools(null).block(WAIT);
        client.listTools(null).block(WAIT);
        assertThat(server.calls("tools/list")).as("same token: cached").hasSize(1);

        token.set("Bearer bob");
        client.listTools(null).block(WAIT);
        assertThat(server.calls("tools/list")).as("another token: fetched at once").hasSize(2);

        token.set("Bearer alice");
        client.listTools(null).block(WAIT);
        token.set("Bearer bob");
        client.listTools(null).block(WAIT);
        assertThat(server.calls("tools/list")).as("each token keeps its own entry").hasSize(2);
        assertThat(server.calls("tools/list")).extracting(c -> c.header("Authorization"))
                .containsExactly("Bearer alice", "Bearer bob");
    }

    @Test
    void aDpopClientGetsHitsForItsTokenThoughEveryRequestCarriesAFreshProof() {
        server.modern().on("tools/list", c -> result(c, tools(60_000, "private")));
        AtomicReference<String> token = new AtomicReference<>("DPoP alice-bound");
        java.util.concurrent.atomic.AtomicLong proofs = new java.util.concurrent.atomic.AtomicLong();
        client = Clients.modern(server.uri()).scheduler(time)
                .filter((request, next) -> next.exchange(request.withHeader("Authorization", token.get())
                        .withHeader("DPoP", "proof-" + proofs.incrementAndGet()))) // RFC 9449: one proof per request
                .build();

        client.listTools(null).block(WAIT);
        client.listTools(null).block(WAIT);
        client.listTools(null).block(WAIT);
        assertThat(server.calls("tools/list")).as("the partition is the Authorization, not the proof").hasSize(1);

        token.set("DPoP bob-bound");
        client.listTools(null).block(WAIT);
        assertThat(server.calls("tools/list")).as("another DPoP-bound token: fetched").hasSize(2);
    }

    @Test
    void aCachedAnswerCarriesTheIdOfTheRequestItAnswers() {
        server.modern().on("resources/read", c -> result(c,
                "{\"contents\":[{\"uri\":\"file:///a\",\"text\":\"hello\"}],\"ttlMs\":60000,\"cacheScope\":\"public\"}"));
        client = Clients.modern(server.uri()).scheduler(time).build();

        client.readResource("file:///a").block(WAIT);
        ReadResourceResult again = client.readResource("file:///a").block(WAIT);
        client.readResource("file:///b").block(WAIT);

        assertThat(again.contents()).singleElement().satisfies(c -> assertThat(c).containsEntry("text", "hello"));
        assertThat(server.calls("resources/read")).extracting(c -> c.params().get("uri"))
                .containsExactly("file:///a", "file:///b");
    }

    @Test
    void cachingCanBeTurnedOff() {
        server.modern().on("tools/list", c -> result(c, tools(60_000, "public")));
        client = Clients.modern(server.uri()).scheduler(time).cacheResults(false).build();

        client.listTools(null).block(WAIT);
        client.listTools(null).block(WAIT);

        assertThat(server.calls("tools/list")).hasSize(2);
    }
}
