package dev.reactivemcp.oauth.tokens;

import static dev.reactivemcp.oauth.tokens.Fixtures.ENDPOINT;
import static dev.reactivemcp.oauth.tokens.Fixtures.credentials;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.oauth.InMemoryTokenStore;
import dev.reactivemcp.oauth.McpOwner;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.internal.filter.OwnerResolution;
import dev.reactivemcp.oauth.internal.filter.TokenEngine;
import dev.reactivemcp.oauth.tokens.Fixtures.EngineBuilder;
import dev.reactivemcp.oauth.tokens.Fixtures.FakeExchange;
import dev.reactivemcp.oauth.tokens.Fixtures.FakeRefresher;
import dev.reactivemcp.transport.ExchangeFilterFunction;
import dev.reactivemcp.transport.McpHttpRequest;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The engine keeps a bounded number of per-owner sessions; an evicted owner reloads its own credentials. */
class OwnerSessionsTest {

    private final TestClock clock = TestClock.manual();
    private final InMemoryTokenStore store = new InMemoryTokenStore();
    private final FakeRefresher refresher = new FakeRefresher(clock);

    private StoredCredentials of(String owner) {
        StoredCredentials c = credentials("at-" + owner, "rt-" + owner, clock.instant().plusSeconds(3600));
        return new StoredCredentials(c.endpoint(), c.key().withOwner(owner), c.registration(), c.tokens(),
                c.tokenEndpoint(), false, c.updatedAt());
    }

    private static String callAs(ExchangeFilterFunction filter, FakeExchange server, String owner) {
        McpHttpRequest request = McpHttpRequest.of("POST", URI.create(ENDPOINT)).withBody("{}".getBytes());
        filter.filter(request, server).contextWrite(McpOwner.of(owner)).block(Duration.ofSeconds(5));
        return server.tokensSent().get(server.tokensSent().size() - 1);
    }

    @Test
    void sessionsStayBoundedAndAnEvictedOwnerStillSendsOnlyItsOwnToken() {
        for (int i = 0; i < 20; i++) {
            store.save(of("u" + i)).block();
        }
        EngineBuilder b = new EngineBuilder(store, refresher);
        b.clock = clock;
        TokenEngine engine = b.build(new OwnerResolution(null, false, 4));
        ExchangeFilterFunction filter = engine.filterFor(ENDPOINT);
        FakeExchange server = FakeExchange.accepting(t -> true);

        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 20; i++) {
                clock.advance(Duration.ofMillis(1));
                assertThat(callAs(filter, server, "u" + i)).isEqualTo("Bearer at-u" + i);
                assertThat(engine.sessions()).isLessThanOrEqualTo(5);
            }
        }
        assertThat(refresher.calls).hasValue(0);
    }

    @Test
    void anOwnerWithNothingStoredNeverGetsAnotherOwnersToken() {
        store.save(of("alice")).block();
        EngineBuilder b = new EngineBuilder(store, refresher);
        b.clock = clock;
        ExchangeFilterFunction filter = b.build().filterFor(ENDPOINT);
        FakeExchange server = new FakeExchange(r -> Fixtures.ok()); // a server that needs no token

        assertThat(callAs(filter, server, "alice")).isEqualTo("Bearer at-alice");
        assertThat(callAs(filter, server, "bob")).as("bob has no credentials: sent without any").isEqualTo("none");
    }
}
