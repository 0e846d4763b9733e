package dev.reactivemcp.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.retry.Retry;

/** The predicates and the boundary operator inside real Reactor pipelines (issue 3, item 7). */
class ReactorCompositionTest {

    private static final HttpAnswer UNAUTHORIZED = HttpAnswer.status(401).withToken();
    private static final HttpAnswer UNAVAILABLE = HttpAnswer.status(503);

    @Test
    void onErrorResumeWithIsAuthenticationRequiredRecoversFromA401Only() {
        StepVerifier.create(Mono.<String>error(UNAUTHORIZED.raise())
                .onErrorResume(McpFailures::isAuthenticationRequired, e -> Mono.just("log in")))
            .expectNext("log in")
            .verifyComplete();
        StepVerifier.create(Mono.<String>error(UNAVAILABLE.raise())
                .onErrorResume(McpFailures::isAuthenticationRequired, e -> Mono.just("log in")))
            .expectError(TestHttpException.class)
            .verify();
    }

    @Test
    void retryBackoffFilteredByIsRetryableRetriesA503ThenGivesUpWithAClassifiableError() {
        AtomicInteger subscriptions = new AtomicInteger();

        StepVerifier.withVirtualTime(() -> Mono.defer(() -> {
                    subscriptions.incrementAndGet();
                    return Mono.error(UNAVAILABLE.raise());
                })
                .retryWhen(Retry.backoff(3, Duration.ofMillis(250)).filter(McpFailures::isRetryable)))
            .expectSubscription()
            .thenAwait(Duration.ofMinutes(1))
            .expectErrorSatisfies(e -> {
                assertThat(Exceptions.isRetryExhausted(e)).isTrue();
                assertThat(McpFailures.classify(e)).isInstanceOf(McpFailure.ServerError.class);
            })
            .verify();
        assertThat(subscriptions).hasValue(4);
    }

    @Test
    void retryBackoffFilteredByIsRetryableNeverRetriesAuthenticationRequired() {
        AtomicInteger subscriptions = new AtomicInteger();

        StepVerifier.withVirtualTime(() -> Mono.defer(() -> {
                    subscriptions.incrementAndGet();
                    return Mono.error(UNAUTHORIZED.raise());
                })
                .retryWhen(Retry.backoff(3, Duration.ofMillis(250)).filter(McpFailures::isRetryable)))
            .expectSubscription()
            .expectError(TestHttpException.class)
            .verify();
        assertThat(subscriptions).hasValue(1);
    }

    @Test
    void theBoundaryClassifiesOnceSoLaterPredicatesReadTheStoredFailure() {
        CountingHttpException counted = new CountingHttpException(UNAUTHORIZED);

        StepVerifier.create(Mono.error(new RuntimeException("Client failed to initialize", counted))
                .transform(McpFailures::translateErrors)
                .onErrorResume(McpFailures::isRetryable, e -> Mono.just("retry"))
                .onErrorResume(McpFailures::isInsufficientScope, e -> Mono.just("step up"))
                .onErrorResume(McpFailures::isAuthenticationRequired, e -> Mono.just(e)))
            .assertNext(e -> {
                assertThat(e).isInstanceOf(McpException.class);
                assertThat(((McpException) e).failure()).isInstanceOf(McpFailure.AuthenticationRequired.class);
            })
            .verifyComplete();
        assertThat(counted.statusReads).hasValue(1);
    }

    @Test
    void theBoundaryPassesAnMcpExceptionThroughUnchanged() {
        McpException original = new McpException(new McpFailure.SessionExpired(), "session gone", null);

        StepVerifier.create(Mono.error(original).transform(McpFailures::translateErrors))
            .expectErrorSatisfies(e -> assertThat(e).isSameAs(original))
            .verify();
    }

    @Test
    void theBoundaryOnAFluxMapsTheErrorAfterTheItemsAndKeepsTheCause() {
        ConnectException refused = new ConnectException("Connection refused");

        StepVerifier.create(Flux.concat(Flux.just(1, 2), Flux.error(refused)).transform(McpFailures::translateErrors))
            .expectNext(1, 2)
            .expectErrorSatisfies(e -> {
                assertThat(e).isInstanceOf(McpException.class).hasCause(refused);
                assertThat(((McpException) e).failure()).isInstanceOf(McpFailure.ConnectionFailure.class);
                assertThat(e.getStackTrace()).isEmpty();
                assertThat(e.getMessage()).isEqualTo(((McpException) e).failure().describe());
            })
            .verify();
    }

    @Test
    void isMatchesOneFailureKindAsAPredicate() {
        StepVerifier.create(Mono.<String>error(new TimeoutException())
                .onErrorResume(McpFailures.is(McpFailure.ConnectionFailure.class), e -> Mono.just("connection"))
                .onErrorResume(McpFailures.is(McpFailure.Timeout.class), e -> Mono.just("timeout")))
            .expectNext("timeout")
            .verifyComplete();
    }

    @Test
    void theTimeoutOperatorsErrorIsATimeout() {
        StepVerifier.withVirtualTime(() -> Mono.never().timeout(Duration.ofSeconds(30)))
            .expectSubscription()
            .thenAwait(Duration.ofSeconds(30))
            .expectErrorSatisfies(e -> assertThat(McpFailures.isTimeout(e)).isTrue())
            .verify();
    }
}
