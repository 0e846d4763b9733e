package dev.reactivemcp.oauth.tokens;

import static dev.reactivemcp.oauth.tokens.Fixtures.ENDPOINT;
import static dev.reactivemcp.oauth.tokens.Fixtures.KEY;
import static dev.reactivemcp.oauth.tokens.Fixtures.NO_JITTER;
import static dev.reactivemcp.oauth.tokens.Fixtures.REGISTRATION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.oauth.InMemoryTokenStore;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenProvider;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.oauth.internal.dpop.DpopAlgorithm;
import dev.reactivemcp.oauth.internal.dpop.DpopKey;
import dev.reactivemcp.oauth.internal.dpop.DpopLayer;
import dev.reactivemcp.oauth.internal.filter.EngineConfig;
import dev.reactivemcp.oauth.internal.filter.TokenEngine;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** The ES256 nonce refill that DPoP proofs start is background work the engine owns: shutdown waits for it. */
class DpopNonceRefillShutdownTest {

    @Test
    void shutdownWaitsForTheNonceRefillThatAProofStartedAndNoRefillRunsBeforeTheFirstProof() throws Exception {
        Queue<Runnable> held = new ArrayDeque<>();   // the refill scheduler: tasks wait until the test runs them
        TestClock clock = TestClock.manual();
        DpopLayer dpop = new DpopLayer(null, clock, Schedulers.fromExecutor(held::add));
        InMemoryTokenStore store = new InMemoryTokenStore();
        String key = DpopKey.generate(DpopAlgorithm.ES256, new SecureRandom()).toPrivateJwk();
        store.save(new StoredCredentials(ENDPOINT, KEY, REGISTRATION, new OAuthTokens("at-d", "DPoP", "rt-d",
                TestClock.BASE.plus(Duration.ofHours(1)), Set.of("mcp"), key), "https://as.example.com/token", false,
                TestClock.BASE.minusSeconds(60))).block();
        TokenEngine engine = new TokenEngine(new EngineConfig(store, TokenProvider.none(), uri -> Mono.just(true),
                clock, Schedulers.parallel(), NO_JITTER, false, null, dpop));
        Fixtures.FakeExchange mcp = new Fixtures.FakeExchange(r -> Fixtures.ok());
        assertThat(held).as("nothing is precomputed before DPoP is used").isEmpty();

        StepVerifier.create(engine.filterFor(ENDPOINT).filter(Fixtures.post(), mcp)).expectNextCount(1)
                .verifyComplete();

        assertThat(mcp.tokensSent()).containsExactly("DPoP at-d");
        assertThat(mcp.requests.peek().headers().first("DPoP")).isPresent();
        assertThat(dpop.noncePool().refilling()).as("the first proof found the pool empty and started a refill")
                .isTrue();
        CompletableFuture<Void> shutdown = engine.shutdown(Duration.ofSeconds(30)).toFuture();
        assertThat(shutdown).as("the refill has not ended: shutdown waits").isNotDone();
        for (Runnable task; (task = held.poll()) != null; ) {
            task.run();
        }
        shutdown.get(10, TimeUnit.SECONDS);
        assertThat(dpop.noncePool().refilling()).isFalse();
        assertThat(dpop.noncePool().generated()).as("stopped before its first batch").isZero();
    }
}
