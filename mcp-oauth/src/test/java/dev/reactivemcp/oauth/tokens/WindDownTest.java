package dev.reactivemcp.oauth.tokens;

import static dev.reactivemcp.oauth.tokens.Fixtures.ENDPOINT;
import static dev.reactivemcp.oauth.tokens.Fixtures.KEY;
import static dev.reactivemcp.oauth.tokens.Fixtures.credentials;
import static dev.reactivemcp.oauth.tokens.Fixtures.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.oauth.InMemoryTokenStore;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.oauth.internal.filter.SingleFlight;
import dev.reactivemcp.oauth.internal.filter.TokenEngine;
import dev.reactivemcp.oauth.tokens.Fixtures.EngineBuilder;
import dev.reactivemcp.oauth.tokens.Fixtures.FakeExchange;
import dev.reactivemcp.oauth.tokens.Fixtures.FakeRefresher;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.McpHttpResponse;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Issue 9 item 3, in virtual time: closing never starts a refresh, a refresh outlives every caller, and shutdown
 * waits (bounded) for refreshes in flight and starts none.
 */
class WindDownTest {

    private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    private final TestClock clock = TestClock.following(vts);
    private final InMemoryTokenStore store = new InMemoryTokenStore();
    private final FakeRefresher refresher = new FakeRefresher(clock);
    /** Stored token: expires 600 s after BASE, issued long before: prefetch from 540 s, stale from 590 s. */
    private final Instant expiry = TestClock.BASE.plusSeconds(600);

    private TokenEngine engine() {
        return EngineBuilder.inVirtualTime(store, refresher, clock, vts, expiry);
    }

    @AfterEach
    void stop() {
        vts.dispose();
    }

    private static McpHttpRequest sessionDelete() {
        return McpHttpRequest.of("DELETE", URI.create(ENDPOINT));
    }

    @Test
    void theSessionDeleteInThePrefetchWindowSendsTheCurrentTokenAndStartsNoRefresh() {
        TokenEngine engine = engine();
        FakeExchange server = FakeExchange.accepting("at-0"::equals);
        vts.advanceTimeBy(Duration.ofSeconds(560));

        StepVerifier.create(engine.filterFor(ENDPOINT).filter(sessionDelete(), server))
                .assertNext(r -> assertThat(r.status()).isEqualTo(200)).verifyComplete();
        McpHttpRequest cancelled = post().withJsonRpcMethod("notifications/cancelled");
        StepVerifier.create(engine.filterFor(ENDPOINT).filter(cancelled, server)).expectNextCount(1).verifyComplete();
        vts.advanceTimeBy(Duration.ofSeconds(5));

        assertThat(refresher.calls).as("token requests caused by DELETE and notifications/cancelled").hasValue(0);
        assertThat(server.tokensSent()).containsExactly("Bearer at-0", "Bearer at-0");
    }

    @Test
    void aSessionDeleteWithAnExpiredTokenIsSentAsIsAndItsRejectionStartsNoRefresh() {
        TokenEngine engine = engine();
        FakeExchange server = FakeExchange.accepting(t -> false);
        vts.advanceTimeBy(Duration.ofSeconds(700));

        StepVerifier.create(engine.filterFor(ENDPOINT).filter(sessionDelete(), server))
                .assertNext(r -> assertThat(r.status()).as("the 401 goes back to close(), which ignores it")
                        .isEqualTo(401))
                .verifyComplete();

        assertThat(refresher.calls).hasValue(0);
        assertThat(server.tokensSent()).containsExactly("Bearer at-0");
    }

    @Test
    void aRefreshWhoseCallersAllLeftRunsToItsEndPersistsAndReachesTheSession() {
        refresher.holdUntil = Mono.delay(Duration.ofSeconds(2), vts);
        TokenEngine engine = engine();
        FakeExchange server = FakeExchange.accepting(t -> true);
        vts.advanceTimeBy(Duration.ofSeconds(595)); // stale: callers wait

        Disposable first = engine.filterFor(ENDPOINT).filter(post(), server).subscribe();
        Disposable second = engine.filterFor(ENDPOINT).filter(post(), server).subscribe();
        vts.advanceTimeBy(Duration.ofSeconds(1));
        first.dispose();
        second.dispose();
        assertThat(engine.refreshesInFlight()).as("still running after every caller left").isEqualTo(1);
        vts.advanceTimeBy(Duration.ofSeconds(1));

        assertThat(store.load(KEY).block().tokens().refreshToken()).isEqualTo("rt-1");
        StepVerifier.create(engine.filterFor(ENDPOINT).filter(post(), server)).expectNextCount(1).verifyComplete();
        assertThat(server.tokensSent()).as("the next call already has the new token").containsExactly("Bearer at-1");
        assertThat(refresher.calls).hasValue(1);
    }

    @Test
    void shutdownWaitsForTheRefreshInFlightToBePersisted() {
        refresher.holdUntil = Mono.delay(Duration.ofSeconds(2), vts);
        TokenEngine engine = engine();
        vts.advanceTimeBy(Duration.ofSeconds(560)); // prefetch window: a background refresh starts
        StepVerifier.create(engine.filterFor(ENDPOINT).filter(post(), FakeExchange.accepting(t -> true)))
                .expectNextCount(1).verifyComplete();

        StepVerifier.withVirtualTime(() -> engine.shutdown(Duration.ofSeconds(10)), () -> vts, Long.MAX_VALUE)
                .expectSubscription()
                .expectNoEvent(Duration.ofSeconds(2).minusMillis(1))
                .thenAwait(Duration.ofMillis(1))
                .verifyComplete();

        assertThat(store.load(KEY).block().tokens().refreshToken()).isEqualTo("rt-1");
        assertThat(refresher.calls).hasValue(1);
    }

    @Test
    void shutdownGivesUpAfterItsTimeoutWithATypedTimeoutWhileTheRefreshStillLands() {
        refresher.holdUntil = Mono.delay(Duration.ofSeconds(30), vts);
        TokenEngine engine = engine();
        vts.advanceTimeBy(Duration.ofSeconds(560));
        engine.filterFor(ENDPOINT).filter(post(), FakeExchange.accepting(t -> true)).block();

        // Subscribed by hand: StepVerifier.withVirtualTime would dispose the scheduler, and the refresh with it.
        AtomicReference<Throwable> failure = new AtomicReference<>();
        engine.shutdown(Duration.ofSeconds(5)).subscribe(null, failure::set);
        vts.advanceTimeBy(Duration.ofSeconds(5).minusMillis(1));
        assertThat(failure.get()).isNull();
        vts.advanceTimeBy(Duration.ofMillis(1));
        assertThat(McpFailures.classify(failure.get())).isInstanceOf(McpFailure.Timeout.class);
        assertThat(failure.get().getMessage()).contains("1 token refresh(es) still in flight");

        vts.advanceTimeBy(Duration.ofSeconds(30));
        assertThat(store.load(KEY).block().tokens().refreshToken()).isEqualTo("rt-1");
    }

    @Test
    void afterShutdownNoRefreshStartsAndAValidTokenIsStillSentAsIs() {
        TokenEngine engine = engine();
        engine.shutdown(Duration.ofSeconds(1)).block();
        FakeExchange server = FakeExchange.accepting("at-0"::equals);

        vts.advanceTimeBy(Duration.ofSeconds(560)); // prefetch window
        StepVerifier.create(engine.filterFor(ENDPOINT).filter(post(), server)).expectNextCount(1).verifyComplete();
        vts.advanceTimeBy(Duration.ofSeconds(35)); // stale, still valid
        StepVerifier.create(engine.filterFor(ENDPOINT).filter(post(), server)).expectNextCount(1).verifyComplete();
        vts.advanceTimeBy(Duration.ofSeconds(10)); // expired: the caller gets a typed Cancelled, no token request
        StepVerifier.create(engine.filterFor(ENDPOINT).filter(post(), server))
                .expectErrorSatisfies(e -> assertThat(McpFailures.classify(e)).isInstanceOf(McpFailure.Cancelled.class))
                .verify();

        assertThat(refresher.calls).hasValue(0);
        assertThat(server.tokensSent()).containsExactly("Bearer at-0", "Bearer at-0");
    }

    @Test
    void aSharedExecutionWhoseSubscribersAllCancelIsNotCancelledAndIdleWaitsForIt() {
        SingleFlight<String, String> flights = new SingleFlight<>();
        Sinks.One<String> answer = Sinks.one();
        AtomicInteger cancelled = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        Mono<String> work = answer.asMono().doOnCancel(cancelled::incrementAndGet).doOnNext(v -> finished.incrementAndGet());

        Disposable a = flights.run("k", () -> work).subscribe();
        Disposable b = flights.run("k", () -> work).subscribe();
        a.dispose();
        b.dispose();
        Mono<Void> idle = flights.idle().cache();
        idle.subscribe();
        answer.tryEmitValue("done");

        assertThat(cancelled).as("the work saw no cancel").hasValue(0);
        assertThat(finished).hasValue(1);
        assertThat(flights.size()).isZero();
        StepVerifier.create(idle).verifyComplete();
    }
}
