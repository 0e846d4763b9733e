package dev.reactivemcp.oauth.tokens;

import static dev.reactivemcp.oauth.tokens.Fixtures.ENDPOINT;
import static dev.reactivemcp.oauth.tokens.Fixtures.ISSUER;
import static dev.reactivemcp.oauth.tokens.Fixtures.credentials;
import static dev.reactivemcp.oauth.tokens.Fixtures.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.oauth.CredentialEvent;
import dev.reactivemcp.oauth.CredentialEvent.Kind;
import dev.reactivemcp.oauth.CredentialEvent.RefreshReason;
import dev.reactivemcp.oauth.InMemoryTokenStore;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.oauth.internal.filter.TokenEngine;
import dev.reactivemcp.oauth.tokens.Fixtures.FakeExchange;
import dev.reactivemcp.oauth.tokens.Fixtures.FakeRefresher;
import dev.reactivemcp.transport.McpHttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Issue 15 item 4: the credential events of the token engine. Refreshes are reported once per transaction with the
 * reason they ran, in order; subscribers that are slow or throw never touch a refresh; {@code awaitIdle} waits for
 * the refresh in flight; shutdown completes the events.
 */
class CredentialEventsTest {

    private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    private final TestClock clock = TestClock.following(vts);
    private final InMemoryTokenStore store = new InMemoryTokenStore();
    private final FakeRefresher refresher = new FakeRefresher(clock);
    private final Set<String> accepted = ConcurrentHashMap.newKeySet();
    private final FakeExchange server = FakeExchange.accepting(accepted::contains);

    @AfterEach
    void stop() {
        vts.dispose();
    }

    private TokenEngine engine() {
        return Fixtures.EngineBuilder.inVirtualTime(store, refresher, clock, vts, TestClock.BASE.plus(Duration.ofHours(1)));
    }

    private int call(TokenEngine engine) {
        return engine.filterFor(ENDPOINT).filter(post(), server).map(McpHttpResponse::status)
                .onErrorReturn(-1).block(Duration.ofSeconds(5));
    }

    @Test
    void refreshesAreReportedInOrderWithTheReasonTheyRanInVirtualTime() {
        TokenEngine engine = engine();
        accepted.add("at-0");

        StepVerifier.create(engine.events().flux().take(7))
                .then(() -> {
                    assertThat(call(engine)).as("fresh token").isEqualTo(200);
                    vts.advanceTimeBy(Duration.ofMinutes(59).plusSeconds(30)); // in the prefetch window, not stale
                    assertThat(call(engine)).as("prefetch window: sent as is").isEqualTo(200);
                    accepted.add("at-2");            // the server now refuses at-1: a 401 refresh
                    assertThat(call(engine)).as("401, refreshed, replayed").isEqualTo(200);
                    accepted.add("at-3");
                    vts.advanceTimeBy(Duration.ofHours(2)); // at-2 expired: callers wait on a stale refresh
                    assertThat(call(engine)).as("stale: refreshed first").isEqualTo(200);
                    assertThat(call(engine)).as("fresh again: no event").isEqualTo(200);
                    engine.shutdown(Duration.ofSeconds(1)).block();
                })
                .assertNext(e -> assertRefresh(e, Kind.REFRESH_STARTED, 1, RefreshReason.PREFETCH))
                .assertNext(e -> assertRefresh(e, Kind.REFRESH_SUCCEEDED, 1, RefreshReason.PREFETCH))
                .assertNext(e -> assertRefresh(e, Kind.REFRESH_STARTED, 2, RefreshReason.UNAUTHORIZED))
                .assertNext(e -> assertRefresh(e, Kind.REFRESH_SUCCEEDED, 2, RefreshReason.UNAUTHORIZED))
                .assertNext(e -> assertRefresh(e, Kind.REFRESH_STARTED, 3, RefreshReason.STALE))
                .assertNext(e -> assertRefresh(e, Kind.REFRESH_SUCCEEDED, 3, RefreshReason.STALE))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(refresher.calls).as("token requests").hasValue(3);
    }

    private static void assertRefresh(CredentialEvent e, Kind kind, long id, RefreshReason reason) {
        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.refreshId()).isEqualTo(id);
        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.endpoint()).isEqualTo(ENDPOINT);
        assertThat(e.owner()).isEqualTo("");
        assertThat(e.issuer()).isEqualTo(ISSUER);
        assertThat(e.failure()).isNull();
    }

    @Test
    void aRejectedRefreshTokenIsReportedAsAFailedRefreshRejectedCredentialsAndARequiredLogin() {
        TokenEngine engine = engine();
        refresher.override = n -> Mono.error(new McpException(new McpFailure.TokenRefreshFailed(true, "invalid_grant",
                "refresh token revoked"), "the refresh token was rejected", null));

        StepVerifier.create(engine.events().flux().take(4))
                .then(() -> {
                    vts.advanceTimeBy(Duration.ofHours(2));
                    assertThat(call(engine)).as("the call fails").isEqualTo(-1);
                })
                .assertNext(e -> assertThat(e.kind()).isEqualTo(Kind.REFRESH_STARTED))
                .assertNext(e -> {
                    assertThat(e.kind()).isEqualTo(Kind.REFRESH_FAILED);
                    assertThat(e.failure()).isInstanceOfSatisfying(McpFailure.TokenRefreshFailed.class,
                            f -> assertThat(f.oauthError()).isEqualTo("invalid_grant"));
                })
                .assertNext(e -> assertThat(e.kind()).isEqualTo(Kind.CREDENTIALS_REJECTED))
                .assertNext(e -> {
                    assertThat(e.kind()).isEqualTo(Kind.LOGIN_REQUIRED);
                    assertThat(e.failure()).isInstanceOf(McpFailure.AuthenticationRequired.class);
                })
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(store.findByEndpoint(ENDPOINT).blockFirst().rejected()).isTrue();
    }

    @Test
    void subscribersThatThrowOrNeverRequestLeaveTheRefreshAndTheOtherSubscribersAlone() {
        TokenEngine engine = engine();
        accepted.addAll(Set.of("at-1", "at-2", "at-3"));
        AtomicInteger thrown = new AtomicInteger();
        engine.events().flux().subscribe(e -> {
            thrown.incrementAndGet();
            throw new IllegalStateException("a listener bug");
        });
        engine.events().flux().subscribe(new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(org.reactivestreams.Subscription s) {
                // never requests: a stuck subscriber
            }
        });
        List<CredentialEvent> seen = new CopyOnWriteArrayList<>();
        Mono<List<CredentialEvent>> healthy = engine.events().flux().doOnNext(seen::add).collectList();
        var done = healthy.toFuture();

        for (int i = 0; i < 3; i++) {
            vts.advanceTimeBy(Duration.ofHours(2));
            assertThat(call(engine)).as("call %d after expiry", i).isEqualTo(200);
        }
        engine.shutdown(Duration.ofSeconds(1)).block();

        assertThat(refresher.calls).hasValue(3);
        assertThat(store.findByEndpoint(ENDPOINT).blockFirst().tokens().accessToken()).isEqualTo("at-3");
        assertThat(done).succeedsWithin(Duration.ofSeconds(5)).satisfies(events -> assertThat(events)
                .extracting(CredentialEvent::kind).containsExactly(Kind.REFRESH_STARTED, Kind.REFRESH_SUCCEEDED,
                        Kind.REFRESH_STARTED, Kind.REFRESH_SUCCEEDED, Kind.REFRESH_STARTED, Kind.REFRESH_SUCCEEDED));
        assertThat(thrown).as("the throwing subscriber saw one event and was cancelled").hasValue(1);
    }

    @Test
    void awaitIdleCompletesOnlyOnceTheRefreshInFlightIsPersisted() {
        TokenEngine engine = engine();
        accepted.add("at-1");
        refresher.holdUntil = Mono.delay(Duration.ofMillis(200), vts);
        vts.advanceTimeBy(Duration.ofHours(2));
        engine.filterFor(ENDPOINT).filter(post(), server).subscribe();
        AtomicBoolean idle = new AtomicBoolean();

        engine.awaitIdle().subscribe(v -> { }, e -> { }, () -> idle.set(true));
        vts.advanceTimeBy(Duration.ofMillis(199));
        assertThat(idle).as("1 ms before the token endpoint answers").isFalse();
        assertThat(engine.refreshesInFlight()).isEqualTo(1);

        vts.advanceTimeBy(Duration.ofMillis(1));
        assertThat(idle).as("once the answer is persisted").isTrue();
        assertThat(store.findByEndpoint(ENDPOINT).blockFirst().tokens().accessToken()).isEqualTo("at-1");
    }

    @Test
    void shutdownCompletesTheEventsOfEverySubscriberPresentAndLater() {
        TokenEngine engine = engine();
        StepVerifier.create(engine.events().flux())
                .then(() -> engine.shutdown(Duration.ofSeconds(1)).block())
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        StepVerifier.create(engine.events().flux()).expectComplete().verify(Duration.ofSeconds(5));
    }

    @Test
    void aHundredConcurrentCallersWithAnExpiredTokenSeeOneStartedAndOneSucceededAndValidCallsEmitNothing()
            throws Exception {
        try (LoopbackTokenEndpoint tokenEndpoint = new LoopbackTokenEndpoint("rt-0", Duration.ofMillis(100))) {
            TestClock wall = TestClock.manual();
            InMemoryTokenStore tokens = new InMemoryTokenStore();
            tokens.save(credentials(ENDPOINT, tokenEndpoint.url(), "at-0", "rt-0", wall.instant().minusSeconds(1)))
                    .block();
            Fixtures.EngineBuilder b = new Fixtures.EngineBuilder(tokens, new HttpRefresher(wall));
            b.clock = wall;
            TokenEngine engine = b.build();
            var events = engine.events().flux().collectList().toFuture();
            FakeExchange mcp = FakeExchange.accepting("at-1"::equals);
            Flux<Integer> calls = Flux.range(0, 100).flatMap(i -> engine.filterFor(ENDPOINT)
                    .filter(post(), mcp).map(McpHttpResponse::status), 100);

            assertThat(calls.collectList().block(Duration.ofSeconds(30))).hasSize(100).containsOnly(200);
            assertThat(calls.collectList().block(Duration.ofSeconds(30))).as("100 more with the fresh token")
                    .hasSize(100).containsOnly(200);
            engine.shutdown(Duration.ofSeconds(5)).block();

            assertThat(tokenEndpoint.requests).as("token requests").hasValue(1);
            List<CredentialEvent> seen = events.get(5, TimeUnit.SECONDS);
            assertThat(seen).extracting(CredentialEvent::kind)
                    .containsExactly(Kind.REFRESH_STARTED, Kind.REFRESH_SUCCEEDED);
            assertThat(seen).extracting(CredentialEvent::refreshId).containsOnly(seen.get(0).refreshId());
            assertThat(seen).extracting(CredentialEvent::reason).containsOnly(RefreshReason.STALE);
            assertThat(seen.toString()).as("no secret in the events").doesNotContain("at-0", "at-1", "rt-0", "rt-1",
                    Fixtures.CLIENT_SECRET);
        }
    }
}
