package dev.reactivemcp.oauth.tokens;

import static dev.reactivemcp.oauth.tokens.Fixtures.ENDPOINT;
import static dev.reactivemcp.oauth.tokens.Fixtures.KEY;
import static dev.reactivemcp.oauth.tokens.Fixtures.credentials;
import static dev.reactivemcp.oauth.tokens.Fixtures.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.oauth.FileTokenStore;
import dev.reactivemcp.oauth.InMemoryTokenStore;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenStore;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.oauth.internal.filter.TokenEngine;
import dev.reactivemcp.oauth.tokens.Fixtures.EngineBuilder;
import dev.reactivemcp.oauth.tokens.Fixtures.FakeExchange;
import dev.reactivemcp.transport.McpHttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/** Issue item 9: one token request for many callers, in the JVM and across stores sharing a file. */
class ConcurrencyProofTest {

    private final TestClock clock = TestClock.manual();

    private TokenEngine engine(TokenStore store) {
        EngineBuilder b = new EngineBuilder(store, new HttpRefresher(clock));
        b.clock = clock;
        return b.build();
    }

    private StoredCredentials expired(LoopbackTokenEndpoint tokenEndpoint) {
        return credentials(ENDPOINT, tokenEndpoint.url(), "at-0", "rt-0", clock.instant().minusSeconds(1));
    }

    private static Flux<Integer> calls(TokenEngine engine, FakeExchange server, int n) {
        return Flux.range(0, n).flatMap(i -> engine.filterFor(ENDPOINT).filter(post(), server)
                .map(McpHttpResponse::status), n);
    }

    @Test
    void aThousandConcurrentCallsWithAnExpiredTokenMakeExactlyOneTokenRequest() {
        try (LoopbackTokenEndpoint tokenEndpoint = new LoopbackTokenEndpoint("rt-0", Duration.ofMillis(100))) {
            InMemoryTokenStore store = new InMemoryTokenStore();
            store.save(expired(tokenEndpoint)).block();
            FakeExchange server = FakeExchange.accepting("at-1"::equals);

            List<Integer> statuses = calls(engine(store), server, 1000).collectList().block(Duration.ofSeconds(30));

            assertThat(statuses).hasSize(1000).containsOnly(200);
            assertThat(tokenEndpoint.requests).as("token requests for 1,000 callers").hasValue(1);
            assertThat(server.tokensSent()).containsOnly("Bearer at-1");
        }
    }

    @Test
    void twoStoresOnOneFileWithARotatingRefreshTokenRefreshOnceAndBothProceed(@TempDir Path dir) {
        try (LoopbackTokenEndpoint tokenEndpoint = new LoopbackTokenEndpoint("rt-0", Duration.ofMillis(50))) {
            Path file = dir.resolve("tokens.json");
            FileTokenStore first = FileTokenStore.at(file);
            FileTokenStore second = FileTokenStore.at(file);
            first.save(expired(tokenEndpoint)).block();
            FakeExchange server = FakeExchange.accepting("at-1"::equals);
            // Two engines: no shared in-memory single-flight, only the store's lock and reread coordinate them.
            TokenEngine one = engine(first);
            TokenEngine two = engine(second);

            List<Integer> statuses = Flux.merge(calls(one, server, 100), calls(two, server, 100))
                    .collectList().block(Duration.ofSeconds(30));

            assertThat(statuses).hasSize(200).containsOnly(200);
            assertThat(tokenEndpoint.requests).as("token requests").hasValue(1);
            assertThat(tokenEndpoint.invalidGrants).as("invalid_grant answers").hasValue(0);
            StoredCredentials onDisk = FileTokenStore.at(file).load(KEY).block();
            assertThat(onDisk.tokens().accessToken()).isEqualTo("at-1");
            assertThat(onDisk.tokens().refreshToken()).isEqualTo("rt-1");
            assertThat(onDisk.rejected()).isFalse();
        }
    }
}
