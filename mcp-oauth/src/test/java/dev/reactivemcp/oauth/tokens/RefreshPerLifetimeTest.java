package dev.reactivemcp.oauth.tokens;

import static dev.reactivemcp.oauth.tokens.Fixtures.ENDPOINT;
import static dev.reactivemcp.oauth.tokens.Fixtures.KEY;
import static dev.reactivemcp.oauth.tokens.Fixtures.REGISTRATION;
import static dev.reactivemcp.oauth.tokens.Fixtures.ok;
import static dev.reactivemcp.oauth.tokens.Fixtures.post;
import static dev.reactivemcp.oauth.tokens.Fixtures.unauthorized;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.oauth.InMemoryTokenStore;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.oauth.internal.filter.RefreshPolicy;
import dev.reactivemcp.oauth.internal.filter.Snapshot;
import dev.reactivemcp.oauth.internal.filter.TokenEngine;
import dev.reactivemcp.oauth.tokens.Fixtures.EngineBuilder;
import dev.reactivemcp.oauth.tokens.Fixtures.FakeExchange;
import dev.reactivemcp.oauth.tokens.Fixtures.FakeRefresher;
import dev.reactivemcp.transport.ExchangeFilterFunction;
import dev.reactivemcp.transport.McpHttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Issue 9 item 2: the refresh schedule fits any token lifetime. In virtual time, at a steady call rate, with the
 * default policy (60 s skew, 10 s jitter, 10 s stale margin) and a token endpoint that takes 200 ms to answer:
 * about one token request per lifetime, and no caller ever waits or sends an expired token.
 */
class RefreshPerLifetimeTest {

    private static final Duration TOKEN_ENDPOINT_LATENCY = Duration.ofMillis(200);

    private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    private final TestClock clock = TestClock.following(vts);
    private final InMemoryTokenStore store = new InMemoryTokenStore();
    private final FakeRefresher refresher = new FakeRefresher(clock);
    /** Every access token issued, with its expiry: what the resource server checks. */
    private final Map<String, Instant> issued = new ConcurrentHashMap<>();

    @AfterEach
    void stop() {
        vts.dispose();
    }

    static Stream<Arguments> lifetimes() {
        return Stream.of(
                Arguments.of(Duration.ofSeconds(5), 10),
                Arguments.of(Duration.ofSeconds(30), 10),
                Arguments.of(Duration.ofSeconds(300), 10),
                Arguments.of(Duration.ofHours(1), 5),
                Arguments.of(Duration.ofHours(24), 3));
    }

    private TokenEngine engine(Duration lifetime, Instant expiresAt) {
        issued.put("at-0", expiresAt);
        store.save(new StoredCredentials(ENDPOINT, KEY, REGISTRATION,
                new OAuthTokens("at-0", "Bearer", "rt-0", expiresAt, Set.of("mcp")), "https://as.example.com/token",
                false, TestClock.BASE)).block();
        refresher.holdUntil = Mono.delay(TOKEN_ENDPOINT_LATENCY, vts);
        refresher.override = n -> Mono.fromSupplier(() -> {
            Instant expiry = clock.instant().plus(lifetime);
            issued.put("at-" + n, expiry);
            return new OAuthTokens("at-" + n, "Bearer", "rt-" + n, expiry, Set.of());
        });
        EngineBuilder b = new EngineBuilder(store, refresher);
        b.clock = clock;
        b.timer = vts;
        b.policy = RefreshPolicy.DEFAULT;
        return b.build();
    }

    /** A resource server that accepts exactly the issued tokens before their expiry. */
    private FakeExchange resourceServer() {
        return new FakeExchange(r -> r.headers().first("Authorization").map(h -> h.substring("Bearer ".length()))
                .map(issued::get).filter(expiry -> clock.instant().isBefore(expiry)).isPresent()
                ? ok() : unauthorized("Bearer error=\"invalid_token\""));
    }

    @ParameterizedTest(name = "lifetime {0}, {1} lifetimes")
    @MethodSource("lifetimes")
    void atASteadyCallRateTheTokenIsRefreshedAboutOncePerLifetimeAndNoCallerWaits(Duration lifetime, int lifetimes) {
        TokenEngine engine = engine(lifetime, TestClock.BASE.plus(lifetime));
        ExchangeFilterFunction filter = engine.filterFor(ENDPOINT);
        FakeExchange server = resourceServer();
        Duration period = clamp(lifetime.dividedBy(100), Duration.ofMillis(100), Duration.ofSeconds(10));
        long calls = lifetime.multipliedBy(lifetimes).toMillis() / period.toMillis();
        AtomicInteger waited = new AtomicInteger();
        AtomicInteger rejected = new AtomicInteger();

        for (long i = 0; i < calls; i++) {
            AtomicReference<McpHttpResponse> answer = new AtomicReference<>();
            filter.filter(post(), server).subscribe(answer::set);
            if (answer.get() == null) {
                waited.incrementAndGet(); // not answered without time passing: the caller waited
            } else if (answer.get().status() != 200) {
                rejected.incrementAndGet();
            }
            vts.advanceTimeBy(period);
        }

        double perLifetime = refresher.calls.get() / (double) lifetimes;
        System.out.printf("refresh per lifetime: lifetime=%s calls=%d tokenRequests=%d perLifetime=%.3f%n",
                lifetime, calls, refresher.calls.get(), perLifetime);
        assertThat(waited).as("callers that waited for a refresh").hasValue(0);
        assertThat(rejected).as("calls that sent an expired token").hasValue(0);
        assertThat(perLifetime).as("token requests per lifetime").isBetween(0.9, 1.25);
        assertThat(server.requests).hasSize((int) calls);
    }

    @Test
    void aThirtySecondTokenIsNotDueWhenIssuedButInTheLastTenToFifteenPercentOfItsLife() {
        RefreshPolicy policy = RefreshPolicy.DEFAULT;
        for (int i = 0; i < 200; i++) {
            Snapshot s = Snapshot.of(issuedAt(TestClock.BASE, Duration.ofSeconds(30)), policy);
            assertThat(s.prefetchAt()).isBetween(TestClock.BASE.plusMillis(25_500), TestClock.BASE.plusMillis(27_000));
            assertThat(s.staleAt()).isEqualTo(TestClock.BASE.plusMillis(28_500));
            assertThat(s.phase(TestClock.BASE)).isEqualTo(Snapshot.Phase.FRESH);
        }
    }

    @Test
    void aLongLivedTokenKeepsTheSixtySecondWindowWithUpToTenSecondsOfJitter() {
        Instant expiry = TestClock.BASE.plus(Duration.ofHours(1));
        boolean[] spread = new boolean[2];
        for (int i = 0; i < 500; i++) {
            Snapshot s = Snapshot.of(issuedAt(TestClock.BASE, Duration.ofHours(1)), RefreshPolicy.DEFAULT);
            assertThat(s.prefetchAt()).isBetween(expiry.minusSeconds(70), expiry.minusSeconds(60));
            assertThat(s.staleAt()).isEqualTo(expiry.minusSeconds(10));
            spread[s.prefetchAt().isBefore(expiry.minusSeconds(65)) ? 0 : 1] = true;
        }
        assertThat(spread).as("jittered across the window").containsOnly(true);
    }

    @Test
    void noInstantIsEverBeforeTheTokenWasIssuedEvenForABornExpiredToken() {
        Snapshot oneSecond = Snapshot.of(issuedAt(TestClock.BASE, Duration.ofSeconds(1)), RefreshPolicy.DEFAULT);
        assertThat(oneSecond.prefetchAt()).isAfterOrEqualTo(TestClock.BASE.plusMillis(850));
        assertThat(oneSecond.staleAt()).isEqualTo(TestClock.BASE.plusMillis(950));

        Snapshot zero = Snapshot.of(issuedAt(TestClock.BASE, Duration.ZERO), RefreshPolicy.DEFAULT);
        assertThat(zero.prefetchAt()).isEqualTo(TestClock.BASE);
        assertThat(zero.staleAt()).isEqualTo(TestClock.BASE);
    }

    @Test
    void storedCredentialsWithoutAnIssueTimeKeepTheFixedWindow() {
        Instant expiry = TestClock.BASE.plusSeconds(30);
        StoredCredentials legacy = new StoredCredentials(ENDPOINT, KEY, REGISTRATION,
                new OAuthTokens("at-0", "Bearer", "rt-0", expiry, Set.of()), "https://as.example.com/token", false, null);

        Snapshot s = Snapshot.of(legacy, RefreshPolicy.DEFAULT.withMaxJitter(Duration.ZERO));

        assertThat(s.prefetchAt()).isEqualTo(expiry.minusSeconds(60));
        assertThat(s.staleAt()).isEqualTo(expiry.minusSeconds(10));
    }

    @Test
    void aTokenWithoutExpiryIsNeverRefreshedOnScheduleOnlyAfterA401() {
        store.save(new StoredCredentials(ENDPOINT, KEY, REGISTRATION,
                new OAuthTokens("opaque-0", "Bearer", "rt-0", null, Set.of()), "https://as.example.com/token", false,
                TestClock.BASE)).block();
        EngineBuilder b = new EngineBuilder(store, refresher);
        b.clock = clock;
        b.timer = vts;
        b.policy = RefreshPolicy.DEFAULT;
        ExchangeFilterFunction filter = b.build().filterFor(ENDPOINT);
        AtomicReference<String> accepted = new AtomicReference<>("opaque-0");
        FakeExchange server = FakeExchange.accepting(t -> t.equals(accepted.get()));

        for (int i = 0; i < 1000; i++) {
            assertThat(filter.filter(post(), server).block().status()).isEqualTo(200);
            vts.advanceTimeBy(Duration.ofMinutes(10));
        }
        assertThat(refresher.calls).as("token requests over 1,000 calls in a week without expiry").hasValue(0);

        accepted.set("at-1");
        assertThat(filter.filter(post(), server).block().status()).isEqualTo(200);
        assertThat(refresher.calls).as("after the server's 401").hasValue(1);
    }

    private static StoredCredentials issuedAt(Instant at, Duration lifetime) {
        return new StoredCredentials(ENDPOINT, KEY, REGISTRATION,
                new OAuthTokens("at", "Bearer", "rt", at.plus(lifetime), Set.of()), "https://as.example.com/token",
                false, at);
    }

    private static Duration clamp(Duration d, Duration min, Duration max) {
        return d.compareTo(min) < 0 ? min : d.compareTo(max) > 0 ? max : d;
    }
}
