package dev.reactivemcp.oauth.tokens;

import static dev.reactivemcp.oauth.tokens.Fixtures.ENDPOINT;
import static dev.reactivemcp.oauth.tokens.Fixtures.KEY;
import static dev.reactivemcp.oauth.tokens.Fixtures.credentials;
import static dev.reactivemcp.oauth.tokens.Fixtures.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.oauth.InMemoryTokenStore;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.oauth.internal.filter.TokenEngine;
import dev.reactivemcp.oauth.tokens.Fixtures.EngineBuilder;
import dev.reactivemcp.oauth.tokens.Fixtures.FakeExchange;
import dev.reactivemcp.oauth.tokens.Fixtures.FakeRefresher;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Prefetch, stale and backoff instants, in virtual time (skew 60 s, stale margin 10 s, no jitter). */
class RefreshPolicyVirtualTimeTest {

    private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    private final TestClock clock = TestClock.following(vts);
    private final InMemoryTokenStore store = new InMemoryTokenStore();
    private final FakeRefresher refresher = new FakeRefresher(clock);
    private final FakeExchange server = FakeExchange.accepting(t -> true);
    private final Instant expiry = TestClock.BASE.plusSeconds(600);

    private TokenEngine engine() {
        return EngineBuilder.inVirtualTime(store, refresher, clock, vts, expiry);
    }

    private String lastTokenSent() {
        return server.tokensSent().get(server.tokensSent().size() - 1);
    }

    @AfterEach
    void stop() {
        vts.dispose();
    }

    @Test
    void theBackgroundRefreshStartsExactlyAtTheSkewBeforeExpiryAndNoCallerWaits() {
        TokenEngine engine = engine();

        vts.advanceTimeBy(Duration.ofSeconds(540).minusMillis(1));
        StepVerifier.create(engine.filterFor(ENDPOINT).filter(post(), server)).expectNextCount(1).verifyComplete();
        assertThat(refresher.calls).as("1 ms before the prefetch instant").hasValue(0);

        vts.advanceTimeBy(Duration.ofMillis(1));
        StepVerifier.create(engine.filterFor(ENDPOINT).filter(post(), server)).expectNextCount(1).verifyComplete();

        assertThat(refresher.calls).as("at expiry - 60 s").hasValue(1);
        assertThat(server.tokensSent()).containsExactly("Bearer at-0", "Bearer at-0");
        assertThat(store.load(KEY).block().tokens().accessToken()).isEqualTo("at-1");
        StepVerifier.create(engine.filterFor(ENDPOINT).filter(post(), server)).expectNextCount(1).verifyComplete();
        assertThat(lastTokenSent()).isEqualTo("Bearer at-1");
    }

    @Test
    void aFailedPrefetchFailsNoCallerAndIsRetriedWithBackoffUntilItSucceeds() {
        refresher.override = n -> n < 3
                ? Mono.error(new McpException(McpFailure.TokenRefreshFailed.transientFailure("HTTP 503"), "503", null))
                : Mono.just(new dev.reactivemcp.oauth.OAuthTokens("at-" + n, "Bearer", "rt-" + n,
                        clock.instant().plusSeconds(3600), java.util.Set.of()));
        TokenEngine engine = engine();
        vts.advanceTimeBy(Duration.ofSeconds(545));

        StepVerifier.create(engine.filterFor(ENDPOINT).filter(post(), server)).expectNextCount(1).verifyComplete();
        assertThat(refresher.calls).hasValue(1);
        assertThat(lastTokenSent()).isEqualTo("Bearer at-0");

        vts.advanceTimeBy(Duration.ofMillis(400));
        assertThat(refresher.calls).as("backoff: no retry before 0.5 s (1 s, 50% jitter)").hasValue(1);
        vts.advanceTimeBy(Duration.ofSeconds(10));
        assertThat(refresher.calls).as("retried twice, third succeeded").hasValue(3);

        StepVerifier.create(engine.filterFor(ENDPOINT).filter(post(), server)).expectNextCount(1).verifyComplete();
        assertThat(lastTokenSent()).isEqualTo("Bearer at-3");
    }

    @Test
    void atTheStaleInstantCallersWaitForOneSharedRefresh() {
        refresher.holdUntil = Mono.delay(Duration.ofSeconds(2), vts);
        TokenEngine engine = engine();
        vts.advanceTimeBy(Duration.ofSeconds(590));

        StepVerifier.withVirtualTime(() -> Mono.zip(engine.filterFor(ENDPOINT).filter(post(), server),
                        engine.filterFor(ENDPOINT).filter(post(), server)), () -> vts, 1)
                .expectSubscription()
                .expectNoEvent(Duration.ofSeconds(2).minusMillis(1))
                .thenAwait(Duration.ofMillis(1))
                .expectNextCount(1)
                .verifyComplete();

        assertThat(refresher.calls).hasValue(1);
        assertThat(server.tokensSent()).containsExactly("Bearer at-1", "Bearer at-1");
    }

    @Test
    void aPrefetchThatNeverSucceedsStopsAtTheStaleInstantWhereCallersTakeOver() {
        refresher.override = n -> Mono.error(new McpException(
                McpFailure.TokenRefreshFailed.transientFailure("HTTP 503"), "503", null));
        TokenEngine engine = engine();
        vts.advanceTimeBy(Duration.ofSeconds(541));
        StepVerifier.create(engine.filterFor(ENDPOINT).filter(post(), server)).expectNextCount(1).verifyComplete();

        vts.advanceTimeBy(Duration.ofSeconds(49));
        int duringPrefetch = refresher.calls.get();
        vts.advanceTimeBy(Duration.ofSeconds(60));

        assertThat(duringPrefetch).isBetween(3, 49);
        assertThat(refresher.calls).as("no background retries after the stale instant").hasValue(duringPrefetch);
        // Past expiry now: the caller waits on a refresh, whose transient failure it gets (never "log in again").
        StepVerifier.create(engine.filterFor(ENDPOINT).filter(post(), server))
                .expectErrorSatisfies(e -> assertThat(dev.reactivemcp.errors.McpFailures.classify(e))
                        .isInstanceOf(McpFailure.TokenRefreshFailed.class)
                        .matches(f -> !f.isAuthenticationRequired()))
                .verify();
        assertThat(store.load(KEY).block().rejected()).isFalse();
    }
}
