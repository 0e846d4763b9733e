package dev.reactivemcp.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reactivemcp.errors.McpFailure.ConnectionFailure;
import dev.reactivemcp.errors.McpFailure.ConnectionFailure.Kind;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The ready-made retry: only safe failures, exponential backoff, the server's Retry-After honoured; virtual time. */
class SafeRetryTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    /** Fails with the given errors in turn, then answers "ok"; counts subscriptions (attempts). */
    private static final class Script {
        final AtomicInteger attempts = new AtomicInteger();
        final Deque<Throwable> errors;

        Script(Throwable... errors) {
            this.errors = new ArrayDeque<>(List.of(errors));
        }

        Mono<String> call() {
            return Mono.defer(() -> {
                attempts.incrementAndGet();
                Throwable next = errors.poll();
                return next == null ? Mono.just("ok") : Mono.error(next);
            });
        }
    }

    private static McpException notSent() {
        return new McpException(new ConnectionFailure(Kind.REFUSED, "refused", Delivery.NOT_SENT, false), "refused", null);
    }

    private static McpException sentNoAnswer() {
        return new McpException(new ConnectionFailure(Kind.RESET, "reset", Delivery.SENT_NO_ANSWER, false), "reset",
            null);
    }

    @Test
    void retriesWhatWasNotSentWithExponentialBackoff() {
        Script script = new Script(notSent(), notSent(), notSent());

        StepVerifier.withVirtualTime(() -> script.call().retryWhen(SafeRetry.of(3, Duration.ofMillis(100)).jitter(0)))
            .expectSubscription()
            .expectNoEvent(Duration.ofMillis(99)).as("first backoff 100 ms")
            .thenAwait(Duration.ofMillis(1))
            .expectNoEvent(Duration.ofMillis(199)).as("second backoff 200 ms")
            .thenAwait(Duration.ofMillis(1))
            .expectNoEvent(Duration.ofMillis(399)).as("third backoff 400 ms")
            .thenAwait(Duration.ofMillis(1))
            .expectNext("ok")
            .expectComplete()
            .verify(WAIT);
        assertThat(script.attempts).hasValue(4);
    }

    @Test
    void neverRetriesARequestThatMayHaveRunAndPassesItsFailureThroughUnwrapped() {
        McpException reset = sentNoAnswer();
        Script script = new Script(reset);

        StepVerifier.withVirtualTime(() -> script.call().retryWhen(SafeRetry.of(3, Duration.ofMillis(100))))
            .expectErrorSatisfies(e -> assertThat(e).isSameAs(reset))
            .verify(WAIT);
        assertThat(script.attempts).hasValue(1);
    }

    @Test
    void waitsForTheRetryAfterOfA503WhenItIsLongerThanTheBackoff() {
        Script script = new Script(HttpAnswer.status(503).header("Retry-After", "3").raise());

        StepVerifier.withVirtualTime(() -> script.call().retryWhen(SafeRetry.of(3, Duration.ofMillis(100)).jitter(0)))
            .expectSubscription()
            .expectNoEvent(Duration.ofMillis(2999)).as("the server asked for 3 s")
            .thenAwait(Duration.ofMillis(1))
            .expectNext("ok")
            .expectComplete()
            .verify(WAIT);
        assertThat(script.attempts).hasValue(2);
    }

    @Test
    void readsAnHttpDateRetryAfterAgainstTheSchedulersClock() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        time.advanceTimeTo(Instant.parse("2026-12-06T12:00:00Z"));
        String inFiveSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(
            Instant.parse("2026-12-06T12:00:05Z").atOffset(ZoneOffset.UTC));
        Script script = new Script(HttpAnswer.status(429).header("Retry-After", inFiveSeconds).raise());

        StepVerifier.withVirtualTime(() -> script.call()
                .retryWhen(SafeRetry.of(1, Duration.ofMillis(100)).jitter(0).scheduler(time)), () -> time, 8)
            .expectSubscription()
            .expectNoEvent(Duration.ofMillis(4999))
            .thenAwait(Duration.ofMillis(1))
            .expectNext("ok")
            .expectComplete()
            .verify(WAIT);
    }

    @Test
    void aServerAskingForLongerThanTheLimitIsNotRetried() {
        Throwable busy = HttpAnswer.status(503).header("Retry-After", "120").raise();
        Script script = new Script(busy);

        StepVerifier.withVirtualTime(() -> script.call()
                .retryWhen(SafeRetry.of(3, Duration.ofMillis(100)).maxRetryAfter(Duration.ofSeconds(60))))
            .expectErrorSatisfies(e -> assertThat(e).isSameAs(busy))
            .verify(WAIT);
        assertThat(script.attempts).hasValue(1);
    }

    @Test
    void whenTheRetriesAreSpentTheLastFailurePassesThrough() {
        McpException last = notSent();
        Script script = new Script(notSent(), notSent(), last);

        StepVerifier.withVirtualTime(() -> script.call().retryWhen(SafeRetry.of(2, Duration.ofMillis(10)).jitter(0)))
            .thenAwait(Duration.ofSeconds(1))
            .expectErrorSatisfies(e -> assertThat(e).isSameAs(last))
            .verify(WAIT);
        assertThat(script.attempts).hasValue(3);
    }

    @Test
    void backoffIsCappedAndJitterStaysWithinItsBounds() {
        SafeRetry retry = SafeRetry.of(100, Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(1));

        for (int attempt = 0; attempt < 80; attempt++) {
            Duration d = retry.backoffFor(attempt);
            Duration base = attempt >= 4 ? Duration.ofSeconds(1) : Duration.ofMillis(100L << attempt);
            assertThat(d).as("attempt %d", attempt).isBetween(base.dividedBy(2), Duration.ofSeconds(1));
        }
        assertThat(retry.jitter(0).backoffFor(70)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void rejectsNonsenseSettings() {
        assertThatThrownBy(() -> SafeRetry.of(-1, Duration.ofMillis(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SafeRetry.of(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SafeRetry.of(1, Duration.ofMillis(1)).jitter(1.5))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
