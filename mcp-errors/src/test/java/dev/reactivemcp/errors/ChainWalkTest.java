package dev.reactivemcp.errors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpFailure.AuthenticationRequired;
import java.lang.reflect.Proxy;
import java.lang.reflect.UndeclaredThrowableException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.retry.Retry;

/** How the classifier walks error graphs: unwrapping, priority, cycles and bounds. */
class ChainWalkTest {

    private static final HttpAnswer EXPIRED = HttpAnswer.status(401).withToken()
        .challenge("Bearer error=\"invalid_token\"");

    @Test
    void a401ChallengeDeepInsideBeatsAGenericWrapperOnTop() {
        Throwable error = new RuntimeException("Client failed to initialize",
            new McpException(new McpFailure.Unknown("transport"), "transport failed", EXPIRED.raise()));

        assertThat(McpFailures.classify(error)).isInstanceOf(AuthenticationRequired.class);
    }

    @Test
    void unwrapsExceptionsPropagateAroundACheckedTransportError() {
        RuntimeException propagated = Exceptions.propagate(new CheckedTransportException(EXPIRED));

        assertThat(propagated).isNotInstanceOf(CheckedTransportException.class);
        assertThat(McpFailures.isAuthenticationRequired(propagated)).isTrue();
    }

    @Test
    void unwrapsARetryExhaustedError() {
        StepVerifier.create(Mono.error(EXPIRED.raise()).retryWhen(Retry.max(2)))
            .expectErrorSatisfies(e -> {
                assertThat(Exceptions.isRetryExhausted(e)).isTrue();
                assertThat(McpFailures.isAuthenticationRequired(e)).isTrue();
            })
            .verify();
    }

    @Test
    void unwrapsACompositeFromMonoWhenDelayErrorAndPrefersTheAuthenticationFinding() {
        Mono<Void> both = Mono.whenDelayError(Mono.error(new ConnectException("Connection refused")),
            Mono.error(EXPIRED.raise()));

        StepVerifier.create(both)
            .expectErrorSatisfies(e -> {
                assertThat(Exceptions.isMultiple(e)).isTrue();
                assertThat(McpFailures.classify(e)).isInstanceOf(AuthenticationRequired.class);
            })
            .verify();
    }

    @Test
    void unwrapsCompletionExecutionAndUndeclaredThrowableWrappers() {
        assertThat(McpFailures.classify(new CompletionException(EXPIRED.raise()))).isInstanceOf(AuthenticationRequired.class);
        assertThat(McpFailures.classify(new ExecutionException(EXPIRED.raise()))).isInstanceOf(AuthenticationRequired.class);

        @SuppressWarnings("unchecked")
        Supplier<String> proxy = (Supplier<String>) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {Supplier.class}, (p, method, args) -> {
                throw new CheckedTransportException(EXPIRED);
            });
        UndeclaredThrowableException undeclared = org.junit.jupiter.api.Assertions
            .assertThrows(UndeclaredThrowableException.class, proxy::get);
        assertThat(McpFailures.classify(undeclared)).isInstanceOf(AuthenticationRequired.class);
    }

    @Test
    void readsSuppressedExceptions() {
        RuntimeException cleanupFailed = new RuntimeException("close failed");
        cleanupFailed.addSuppressed(EXPIRED.raise());

        assertThat(McpFailures.classify(cleanupFailed)).isInstanceOf(AuthenticationRequired.class);
    }

    @Test
    void onATieTheOutermostFindingWins() {
        Throwable error = new McpException(new McpFailure.Timeout(Duration.ofSeconds(5)), "initialize timed out",
            new TimeoutException("Did not observe any item"));

        assertThat(McpFailures.classify(new RuntimeException("wrapper", error)))
            .isEqualTo(new McpFailure.Timeout(Duration.ofSeconds(5)));
    }

    @Test
    void anExplicitFailureStandsWhenNothingInsideIsMoreSpecific() {
        Throwable error = new McpException(new McpFailure.SessionExpired(), "session gone",
            new ConnectException("Connection refused"));

        assertThat(McpFailures.classify(new RuntimeException("wrapper", error))).isEqualTo(new McpFailure.SessionExpired());
    }

    @Test
    void aCauseCycleTerminatesAndStillFindsWhatIsInside() {
        RuntimeException first = new RuntimeException("first");
        RuntimeException second = new RuntimeException("second", first);
        first.initCause(second);

        assertThat(McpFailures.classify(first)).isInstanceOf(McpFailure.Unknown.class);
        second.addSuppressed(EXPIRED.raise());
        assertThat(McpFailures.classify(first)).isInstanceOf(AuthenticationRequired.class);
    }

    @Test
    void aSuppressedCycleTerminates() {
        RuntimeException first = new RuntimeException("first");
        RuntimeException second = new RuntimeException("second");
        first.addSuppressed(second);
        second.addSuppressed(first);
        second.addSuppressed(new CancellationException());

        assertThat(McpFailures.classify(first)).isEqualTo(new McpFailure.Cancelled());
    }

    @Test
    void aTenThousandDeepChainIsWalkedOnlyToTheDepthBound() {
        Throwable deepest = chain(EXPIRED.raise(), 10_000);
        Throwable shallow = chain(EXPIRED.raise(), FailureClassifier.MAX_DEPTH - 2);

        assertThat(McpFailures.classify(deepest)).isInstanceOf(McpFailure.Unknown.class);
        assertThat(McpFailures.classify(shallow)).isInstanceOf(AuthenticationRequired.class);
    }

    @Test
    void suppressedExceptionsBeyondTheFanOutBoundAreNotRead() {
        RuntimeException crowded = new RuntimeException("crowded");
        for (int i = 0; i < FailureClassifier.MAX_FANOUT; i++) {
            crowded.addSuppressed(new CancellationException());
        }
        crowded.addSuppressed(EXPIRED.raise());

        assertThat(McpFailures.classify(crowded)).isEqualTo(new McpFailure.Cancelled());
    }

    @Test
    void nothingRecognisableIsUnknownWithTheRootCauseRedacted() {
        Throwable error = new IllegalStateException("boom",
            new IllegalArgumentException("bad input, access_token=at-SECRET"));

        assertThat(McpFailures.classify(error)).isEqualTo(
            new McpFailure.Unknown("IllegalArgumentException: bad input, access_token=[REDACTED]"));
        assertThat(McpFailures.classify(null)).isEqualTo(new McpFailure.Unknown(null));
    }

    private static Throwable chain(Throwable bottom, int wrappers) {
        Throwable current = bottom;
        for (int i = 0; i < wrappers; i++) {
            current = new RuntimeException("level", current);
        }
        return current;
    }
}
