package dev.reactivemcp.oauth.tokens;

import static dev.reactivemcp.oauth.tokens.Fixtures.ENDPOINT;
import static dev.reactivemcp.oauth.tokens.Fixtures.credentials;
import static dev.reactivemcp.oauth.tokens.Fixtures.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.errors.WwwAuthenticate;
import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.InMemoryTokenStore;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.oauth.TokenStore;
import dev.reactivemcp.oauth.internal.filter.TokenEngine;
import dev.reactivemcp.oauth.tokens.Fixtures.EngineBuilder;
import dev.reactivemcp.oauth.tokens.Fixtures.FakeExchange;
import dev.reactivemcp.oauth.tokens.Fixtures.FakeRefresher;
import dev.reactivemcp.transport.ExchangeFilterFunction;
import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.McpHttpException;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.McpHttpResponse;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The engine after untangling: sessions learn of refreshes other sessions ran without the engine calling them, and
 * a 401 through the filter is decided once, by the rule the classifier uses, and carried by the error as is.
 */
class OneWayEngineTest {

    private static final String MIRROR = "https://mirror.example.com/mcp";

    private final TestClock clock = TestClock.manual();
    private final InMemoryTokenStore inner = new InMemoryTokenStore();
    private final FakeRefresher refresher = new FakeRefresher(clock);

    /** Files {@link #MIRROR}'s credentials under {@link Fixtures#ENDPOINT}'s: two endpoints, one credential. */
    private final TokenStore shared = new TokenStore() {
        @Override
        public Mono<StoredCredentials> load(CredentialKey key) {
            return inner.load(key);
        }

        @Override
        public Flux<StoredCredentials> findByEndpoint(String endpoint) {
            return inner.findByEndpoint(MIRROR.equals(endpoint) ? ENDPOINT : endpoint);
        }

        @Override
        public Mono<Void> save(StoredCredentials credentials) {
            return inner.save(credentials);
        }

        @Override
        public Mono<Void> delete(CredentialKey key) {
            return inner.delete(key);
        }

        @Override
        public Mono<StoredCredentials> update(CredentialKey key,
                                              Function<Optional<StoredCredentials>, Mono<StoredCredentials>> change) {
            return inner.update(key, change);
        }

        @Override
        public Mono<ClientRegistration> loadRegistration(String issuer) {
            return inner.loadRegistration(issuer);
        }

        @Override
        public Mono<Void> saveRegistration(ClientRegistration registration) {
            return inner.saveRegistration(registration);
        }
    };

    private TokenEngine engine(TokenStore store) {
        EngineBuilder b = new EngineBuilder(store, refresher);
        b.clock = clock;
        return b.build();
    }

    private static Mono<McpHttpResponse> call(ExchangeFilterFunction filter, String endpoint, FakeExchange server) {
        McpHttpRequest request = McpHttpRequest.of("POST", URI.create(endpoint)).withBody("{}".getBytes());
        return filter.filter(request, server);
    }

    @Test
    void aRefreshRunForOneEndpointIsAdoptedByAnotherEndpointOnTheSameCredentialsWithoutASecondRefresh() {
        inner.save(credentials("at-0", "rt-0", clock.instant().plusSeconds(3600))).block();
        TokenEngine engine = engine(shared);
        ExchangeFilterFunction first = engine.filterFor(ENDPOINT);
        ExchangeFilterFunction mirror = engine.filterFor(MIRROR);
        FakeExchange accepting0 = FakeExchange.accepting("at-0"::equals);
        StepVerifier.create(call(mirror, MIRROR, accepting0)).expectNextCount(1).verifyComplete(); // loads at-0

        FakeExchange server = FakeExchange.accepting("at-1"::equals); // at-0 now revoked by the server
        StepVerifier.create(call(first, ENDPOINT, server))
                .assertNext(r -> assertThat(r.status()).isEqualTo(200)).verifyComplete();
        StepVerifier.create(call(mirror, MIRROR, server))
                .assertNext(r -> assertThat(r.status()).isEqualTo(200)).verifyComplete();

        assertThat(server.tokensSent()).as("the mirror sends the refreshed token at once, no 401 first")
                .containsExactly("Bearer at-0", "Bearer at-1", "Bearer at-1");
        assertThat(refresher.calls).hasValue(1);
    }

    @Test
    void aRefreshOutcomeReachesAnotherSessionEvenWhenItsOnlyCallerCancelled() {
        inner.save(credentials("at-0", "rt-0", clock.instant().minusSeconds(5))).block();
        TokenEngine engine = engine(shared);
        ExchangeFilterFunction first = engine.filterFor(ENDPOINT);
        ExchangeFilterFunction mirror = engine.filterFor(MIRROR);
        reactor.core.publisher.Sinks.Empty<Void> answer = reactor.core.publisher.Sinks.empty();
        refresher.holdUntil = answer.asMono();
        FakeExchange server = FakeExchange.accepting("at-1"::equals);
        StepVerifier.create(mirror.filter(McpHttpRequest.of("DELETE", URI.create(MIRROR)), FakeExchange.accepting(
                t -> true))).expectNextCount(1).verifyComplete(); // the mirror holds at-0 now, and starts no refresh
        assertThat(refresher.calls).hasValue(0);

        call(first, ENDPOINT, server).subscribe().dispose(); // starts the refresh, then leaves
        assertThat(refresher.calls).hasValue(1);
        answer.tryEmitEmpty();
        StepVerifier.create(engine.shutdown(java.time.Duration.ofSeconds(5))).verifyComplete();

        StepVerifier.create(call(mirror, MIRROR, server))
                .assertNext(r -> assertThat(r.status()).isEqualTo(200)).verifyComplete();
        assertThat(server.tokensSent()).containsExactly("Bearer at-1");
        assertThat(refresher.calls).hasValue(1);
    }

    @Test
    void aRejectionThatCannotBeRecoveredFailsWithTheFiltersOwnDecisionWhichTheClassifierReturnsAsIs() {
        inner.save(credentials("at-0", "rt-0", clock.instant().plusSeconds(3600))).block();
        String challenge = "Bearer error=\"invalid_token\", resource_metadata=\""
                + "https://mcp.example.com/.well-known/oauth-protected-resource/mcp\"";
        FakeExchange server = FakeExchange.accepting(token -> false);

        Throwable error = call(engine(inner).filterFor(ENDPOINT), ENDPOINT, server).map(r -> (Throwable) null)
                .onErrorResume(Mono::just).block();

        assertThat(error).isInstanceOf(McpException.class);
        McpFailure carried = ((McpException) error).failure();
        assertThat(McpFailures.classify(error)).as("taken as is, not decided again").isSameAs(carried);
        assertThat(carried)
                .isEqualTo(McpFailures.authFailure(401, WwwAuthenticate.parse(challenge), true).orElseThrow())
                .isEqualTo(McpFailures.classify(new McpHttpException("tools/call", 401,
                        Headers.of(Map.of("WWW-Authenticate", List.of(challenge))), "", true)));
        assertThat(server.requests).hasSize(2);
        assertThat(refresher.calls).hasValue(1);
    }
}
