package dev.reactivemcp.oauth.tokens;

import static dev.reactivemcp.oauth.tokens.Fixtures.ENDPOINT;
import static dev.reactivemcp.oauth.tokens.Fixtures.KEY;
import static dev.reactivemcp.oauth.tokens.Fixtures.credentials;
import static dev.reactivemcp.oauth.tokens.Fixtures.ok;
import static dev.reactivemcp.oauth.tokens.Fixtures.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.errors.StartupFailureReason;
import dev.reactivemcp.oauth.AuthState;
import dev.reactivemcp.oauth.InMemoryTokenStore;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.oauth.internal.filter.TokenEngine;
import dev.reactivemcp.oauth.tokens.Fixtures.EngineBuilder;
import dev.reactivemcp.oauth.tokens.Fixtures.FakeAuthorizer;
import dev.reactivemcp.oauth.tokens.Fixtures.FakeExchange;
import dev.reactivemcp.oauth.tokens.Fixtures.FakeRefresher;
import dev.reactivemcp.transport.ExchangeFilterFunction;
import dev.reactivemcp.transport.ExchangeFunction;
import dev.reactivemcp.transport.McpHttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

class TokenFilterTest {

    private final TestClock clock = TestClock.manual();
    private final InMemoryTokenStore store = new InMemoryTokenStore();
    private final FakeRefresher refresher = new FakeRefresher(clock);

    private EngineBuilder engine() {
        EngineBuilder b = new EngineBuilder(store, refresher);
        b.clock = clock;
        return b;
    }

    private void stored(StoredCredentials c) {
        store.save(c).block();
    }

    private StoredCredentials storedNow() {
        return store.load(KEY).block();
    }

    private static Mono<McpHttpResponse> call(ExchangeFilterFunction filter, ExchangeFunction server) {
        return filter.filter(post(), server);
    }

    @Test
    void attachesTheStoredTokenWithoutRefreshingAFreshOne() {
        stored(credentials("at-0", "rt-0", clock.instant().plusSeconds(3600)));
        FakeExchange server = FakeExchange.accepting("at-0"::equals);

        StepVerifier.create(call(engine().build().filterFor(ENDPOINT), server))
                .assertNext(r -> assertThat(r.status()).isEqualTo(200)).verifyComplete();

        assertThat(server.tokensSent()).containsExactly("Bearer at-0");
        assertThat(refresher.calls).hasValue(0);
    }

    @Test
    void refreshesAStaleTokenAndPersistsItBeforeSendingIt() {
        stored(credentials("at-0", "rt-0", clock.instant().minusSeconds(5)));
        FakeExchange server = new FakeExchange(r -> {
            assertThat(storedNow().tokens().accessToken()).as("persisted before use").isEqualTo("at-1");
            return ok();
        });

        StepVerifier.create(call(engine().build().filterFor(ENDPOINT), server)).expectNextCount(1).verifyComplete();

        assertThat(server.tokensSent()).containsExactly("Bearer at-1");
        assertThat(refresher.presented).containsExactly("rt-0");
        assertThat(storedNow().tokens().refreshToken()).isEqualTo("rt-1");
        assertThat(storedNow().tokens().expiresAt()).isEqualTo(clock.instant().plusSeconds(3600));
    }

    @Test
    void manyConcurrentCallersWithAnExpiredTokenShareOneRefresh() {
        stored(credentials("at-0", "rt-0", clock.instant().minusSeconds(5)));
        Sinks.Empty<Void> tokenEndpointAnswers = Sinks.empty();
        refresher.holdUntil = tokenEndpointAnswers.asMono();
        TokenEngine engine = engine().build();
        FakeExchange server = FakeExchange.accepting("at-1"::equals);

        Mono<List<Integer>> all = Flux.range(0, 1000)
                .flatMap(i -> call(engine.filterFor(ENDPOINT), server).map(McpHttpResponse::status), 1000)
                .collectList();
        StepVerifier.create(all)
                .then(() -> assertThat(engine.refreshesInFlight()).isEqualTo(1))
                .then(tokenEndpointAnswers::tryEmitEmpty)
                .assertNext(statuses -> assertThat(statuses).hasSize(1000).containsOnly(200))
                .verifyComplete();

        assertThat(refresher.calls).as("token requests").hasValue(1);
        assertThat(server.tokensSent()).hasSize(1000).containsOnly("Bearer at-1");
    }

    @Test
    void keepsTheOldRefreshTokenWhenTheResponseOmitsIt() {
        stored(credentials("at-0", "rt-0", clock.instant().minusSeconds(5)));
        refresher.rotate = false;

        StepVerifier.create(call(engine().build().filterFor(ENDPOINT), FakeExchange.accepting(t -> true)))
                .expectNextCount(1).verifyComplete();

        assertThat(storedNow().tokens().accessToken()).isEqualTo("at-1");
        assertThat(storedNow().tokens().refreshToken()).isEqualTo("rt-0");
    }

    @Test
    void aRejectedTokenIsRefreshedOnceAndTheRequestReplayedOnce() {
        stored(credentials("at-0", "rt-0", clock.instant().plusSeconds(3600)));
        FakeExchange server = FakeExchange.accepting("at-1"::equals);

        StepVerifier.create(call(engine().build().filterFor(ENDPOINT), server))
                .assertNext(r -> assertThat(r.status()).isEqualTo(200)).verifyComplete();

        assertThat(server.tokensSent()).containsExactly("Bearer at-0", "Bearer at-1");
        assertThat(server.requests).extracting(r -> r.attempt()).containsExactly(0, 1);
        assertThat(refresher.calls).hasValue(1);
    }

    @Test
    void laterCallsSendTheTokenThatReplacedARejectedOneAndLeaveTheFastPathWhenItAges() {
        stored(credentials("at-0", "rt-0", clock.instant().plusSeconds(3600)));
        FakeExchange server = FakeExchange.accepting("at-1"::equals);
        ExchangeFilterFunction filter = engine().build().filterFor(ENDPOINT);

        StepVerifier.create(call(filter, server)).expectNextCount(1).verifyComplete();
        StepVerifier.create(call(filter, server)).expectNextCount(1).verifyComplete();
        assertThat(server.tokensSent()).containsExactly("Bearer at-0", "Bearer at-1", "Bearer at-1");
        assertThat(refresher.calls).hasValue(1);

        clock.advance(Duration.ofHours(2)); // at-1 expired: the call waits for a refresh instead of sending it
        StepVerifier.create(call(filter, FakeExchange.accepting("at-2"::equals)))
                .assertNext(r -> assertThat(r.status()).isEqualTo(200)).verifyComplete();
        assertThat(refresher.calls).hasValue(2);
    }

    @Test
    void aCallerWhoseRejectedTokenWasAlreadyReplacedReplaysWithoutRefreshing() {
        stored(credentials("at-0", "rt-0", clock.instant().plusSeconds(3600)));
        Sinks.Empty<Void> releaseSlowRejection = Sinks.empty();
        FakeExchange fast = FakeExchange.accepting("at-1"::equals);
        ExchangeFunction slow = request -> request.headers().first("Authorization").orElse("").equals("Bearer at-0")
                ? releaseSlowRejection.asMono().then(fast.exchange(request)) : fast.exchange(request);
        TokenEngine engine = engine().build();

        Sinks.One<McpHttpResponse> slowResult = Sinks.one();
        Disposable inFlight = call(engine.filterFor(ENDPOINT), slow).subscribe(slowResult::tryEmitValue);
        StepVerifier.create(call(engine.filterFor(ENDPOINT), fast)).expectNextCount(1).verifyComplete();
        assertThat(refresher.calls).hasValue(1);

        releaseSlowRejection.tryEmitEmpty();
        StepVerifier.create(slowResult.asMono())
                .assertNext(r -> assertThat(r.status()).isEqualTo(200)).verifyComplete();
        assertThat(refresher.calls).as("no second refresh").hasValue(1);
        assertThat(fast.tokensSent()).containsExactly("Bearer at-0", "Bearer at-1", "Bearer at-0", "Bearer at-1");
        inFlight.dispose();
    }

    @Test
    void aSecondRejectionFailsWithAuthenticationRequiredCarryingTheChallenge() {
        stored(credentials("at-0", "rt-0", clock.instant().plusSeconds(3600)));
        FakeExchange server = FakeExchange.accepting(token -> false);

        StepVerifier.create(call(engine().build().filterFor(ENDPOINT), server))
                .expectErrorSatisfies(e -> {
                    McpFailure f = McpFailures.classify(e);
                    assertThat(f).isInstanceOf(McpFailure.AuthenticationRequired.class);
                    McpFailure.AuthenticationRequired auth = (McpFailure.AuthenticationRequired) f;
                    assertThat(auth.tokenRejected()).isTrue();
                    assertThat(auth.challenge()).hasValueSatisfying(c -> assertThat(c.resourceMetadata()).isPresent());
                })
                .verify();

        assertThat(server.requests).hasSize(2);
        assertThat(refresher.calls).hasValue(1);
    }

    @Test
    void invalidGrantMarksTheStoredCredentialsRejectedAndIsNotRetried() {
        stored(credentials("at-0", "rt-0", clock.instant().minusSeconds(5)));
        refresher.override = n -> Mono.error(new McpException(
                new McpFailure.TokenRefreshFailed(true, "invalid_grant", "refresh token revoked"), "refresh failed", null));
        TokenEngine engine = engine().build();
        FakeExchange server = FakeExchange.accepting(t -> true);

        for (int i = 0; i < 2; i++) {
            StepVerifier.create(call(engine.filterFor(ENDPOINT), server))
                    .expectErrorSatisfies(e -> assertThat(McpFailures.classify(e))
                            .isInstanceOf(McpFailure.AuthenticationRequired.class))
                    .verify();
        }

        assertThat(refresher.calls).as("a rejected grant is not presented again").hasValue(1);
        assertThat(server.requests).isEmpty();
        assertThat(storedNow().rejected()).isTrue();
        assertThat(storedNow().tokens().refreshToken()).as("kept, never dropped").isEqualTo("rt-0");
        StepVerifier.create(engine.storedAuthState(ENDPOINT)).expectNext(AuthState.REAUTHENTICATION).verifyComplete();
    }

    @Test
    void anExpiredTokenWithoutRefreshTokenFailsBeforeAnyRequestAsReauthenticationRequired() {
        stored(credentials("at-0", null, clock.instant().minusSeconds(5)));
        TokenEngine engine = engine().build();
        FakeExchange server = FakeExchange.accepting(t -> true);

        Throwable error = call(engine.filterFor(ENDPOINT), server).map(r -> (Throwable) null)
                .onErrorResume(Mono::just).block();

        assertThat(McpFailures.isAuthenticationRequired(error)).isTrue();
        assertThat(server.requests).isEmpty();
        StepVerifier.create(StartupFailureReason.resolve(error, engine.storedCredentialState(ENDPOINT)))
                .expectNext(StartupFailureReason.REAUTHENTICATION_REQUIRED).verifyComplete();
    }

    @Test
    void withoutCredentialsOrCodeSourceA401FailsAsLoginRequired() {
        TokenEngine engine = engine().build();
        FakeExchange server = FakeExchange.accepting(t -> true);

        Throwable error = call(engine.filterFor(ENDPOINT), server).map(r -> (Throwable) null)
                .onErrorResume(Mono::just).block();

        assertThat(server.tokensSent()).containsExactly("none");
        McpFailure.AuthenticationRequired auth = (McpFailure.AuthenticationRequired) McpFailures.classify(error);
        assertThat(auth.tokenRejected()).isFalse();
        assertThat(auth.challenges()).isNotEmpty();
        StepVerifier.create(StartupFailureReason.resolve(error, engine.storedCredentialState(ENDPOINT)))
                .expectNext(StartupFailureReason.LOGIN_REQUIRED).verifyComplete();
    }

    @Test
    void withoutCredentialsA401StartsOneLoginAndOneReplay() {
        FakeAuthorizer authorizer = new FakeAuthorizer(context -> {
            StoredCredentials c = credentials("at-login", "rt-login", clock.instant().plusSeconds(3600));
            return store.save(c).thenReturn(c);
        });
        EngineBuilder b = engine();
        b.authorizer = authorizer;
        b.loginAllowed = true;
        FakeExchange server = FakeExchange.accepting("at-login"::equals);

        StepVerifier.create(call(b.build().filterFor(ENDPOINT), server))
                .assertNext(r -> assertThat(r.status()).isEqualTo(200)).verifyComplete();

        assertThat(server.tokensSent()).containsExactly("none", "Bearer at-login");
        assertThat(authorizer.contexts).singleElement().satisfies(ctx -> {
            assertThat(ctx.endpoint()).isEqualTo(ENDPOINT);
            assertThat(ctx.challenges()).isNotEmpty();
            assertThat(ctx.attempt()).isZero();
        });
    }

    @Test
    void insufficientScopeStepsUpWithTheUnionOfScopes() {
        stored(credentials("at-0", "rt-0", clock.instant().plusSeconds(3600)));
        FakeAuthorizer authorizer = new FakeAuthorizer(context -> {
            StoredCredentials c = new StoredCredentials(ENDPOINT, KEY, Fixtures.REGISTRATION,
                    new OAuthTokens("at-up", "Bearer", "rt-up", clock.instant().plusSeconds(3600),
                            Set.of("mcp", "files:read")), "https://as.example.com/token", false, clock.instant());
            return store.save(c).thenReturn(c);
        });
        EngineBuilder b = engine();
        b.authorizer = authorizer;
        b.loginAllowed = true;
        FakeExchange server = new FakeExchange(r -> r.headers().first("Authorization").orElse("").equals("Bearer at-up")
                ? ok() : Fixtures.response(403, Map.of("WWW-Authenticate",
                List.of("Bearer error=\"insufficient_scope\", scope=\"files:read\""))));

        StepVerifier.create(call(b.build().filterFor(ENDPOINT), server))
                .assertNext(r -> assertThat(r.status()).isEqualTo(200)).verifyComplete();

        assertThat(authorizer.contexts).singleElement().satisfies(ctx -> {
            assertThat(ctx.previouslyRequestedScopes()).containsExactly("mcp");
            assertThat(ctx.challenges().get(0).scopes()).containsExactly("files:read");
        });
        assertThat(server.tokensSent()).containsExactly("Bearer at-0", "Bearer at-up");
    }

    @Test
    void stepUpGivesUpAfterThreeAuthorizations() {
        stored(credentials("at-0", "rt-0", clock.instant().plusSeconds(3600)));
        int[] n = {0};
        FakeAuthorizer authorizer = new FakeAuthorizer(context -> {
            StoredCredentials c = credentials("at-up-" + (++n[0]), "rt", clock.instant().plusSeconds(3600));
            return store.save(c).thenReturn(c);
        });
        EngineBuilder b = engine();
        b.authorizer = authorizer;
        b.loginAllowed = true;
        FakeExchange server = new FakeExchange(r -> Fixtures.response(403, Map.of("WWW-Authenticate",
                List.of("Bearer error=\"insufficient_scope\", scope=\"admin\""))));

        StepVerifier.create(call(b.build().filterFor(ENDPOINT), server))
                .assertNext(r -> assertThat(r.status()).isEqualTo(403)).verifyComplete();

        assertThat(authorizer.contexts).extracting(c -> c.attempt()).containsExactly(0, 1, 2);
        assertThat(server.requests).hasSize(4);
    }

    @Test
    void theExpiryOfAJwtAccessTokenIsReadFromItsExpClaimWhenNoExpiresInWasGiven() {
        String jwt = new PlainJWT(new JWTClaimsSet.Builder().subject("user")
                .expirationTime(Date.from(clock.instant().plusSeconds(30))).build()).serialize();
        stored(credentials(jwt, "rt-0", null));
        FakeExchange server = FakeExchange.accepting(t -> true);

        StepVerifier.create(call(engine().build().filterFor(ENDPOINT), server)).expectNextCount(1).verifyComplete();
        // 30 s left is inside the 60 s skew: a background refresh started while the JWT was sent.
        assertThat(server.tokensSent()).containsExactly("Bearer " + jwt);
        assertThat(refresher.calls).hasValue(1);
    }

    @Test
    void aTokenOfUnknownExpiryIsUsedUntilA401() {
        stored(credentials("opaque-0", "rt-0", null));
        clock.advance(Duration.ofDays(365));
        FakeExchange server = FakeExchange.accepting("at-1"::equals);

        StepVerifier.create(call(engine().build().filterFor(ENDPOINT), server)).expectNextCount(1).verifyComplete();

        assertThat(server.tokensSent()).containsExactly("Bearer opaque-0", "Bearer at-1");
        assertThat(refresher.calls).hasValue(1);
    }

    @Test
    void cancellingTheOnlyCallerDoesNotAbortTheRefreshOrItsPersist() {
        stored(credentials("at-0", "rt-0", clock.instant().minusSeconds(5)));
        Sinks.Empty<Void> tokenEndpointAnswers = Sinks.empty();
        refresher.holdUntil = tokenEndpointAnswers.asMono();
        TokenEngine engine = engine().build();

        Disposable caller = call(engine.filterFor(ENDPOINT), FakeExchange.accepting(t -> true)).subscribe();
        caller.dispose();
        tokenEndpointAnswers.tryEmitEmpty();

        assertThat(storedNow().tokens().accessToken()).isEqualTo("at-1");
        assertThat(storedNow().tokens().refreshToken()).isEqualTo("rt-1");
    }

    @Test
    void aStaticBearerTokenIsSentAsIsAndReportedAsBearerTokenState() {
        EngineBuilder b = engine();
        b.staticAuthorization = "Bearer static-token";
        TokenEngine engine = b.build();
        FakeExchange server = FakeExchange.accepting(t -> false);

        StepVerifier.create(call(engine.filterFor(ENDPOINT), server))
                .assertNext(r -> assertThat(r.status()).isEqualTo(401)).verifyComplete();

        assertThat(server.tokensSent()).containsExactly("Bearer static-token");
        StepVerifier.create(engine.storedAuthState(ENDPOINT)).expectNext(AuthState.BEARER_TOKEN).verifyComplete();
    }

    @Test
    void anAuthorizationHeaderSetByTheApplicationIsLeftAlone() {
        stored(credentials("at-0", "rt-0", clock.instant().plusSeconds(3600)));
        FakeExchange server = FakeExchange.accepting(t -> true);

        StepVerifier.create(engine().build().filterFor(ENDPOINT)
                        .filter(post().withHeader("Authorization", "Bearer mine"), server))
                .expectNextCount(1).verifyComplete();

        assertThat(server.tokensSent()).containsExactly("Bearer mine");
    }
}
