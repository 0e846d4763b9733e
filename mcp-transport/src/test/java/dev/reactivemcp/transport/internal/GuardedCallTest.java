package dev.reactivemcp.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class GuardedCallTest {

    private static final Duration LIMIT = Duration.ofSeconds(5);

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final Deadlines deadlines = new Deadlines(time, LIMIT);
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final AtomicInteger ended = new AtomicInteger();

    @AfterEach
    void tearDown() {
        time.dispose();
    }

    private <T> Mono<T> guard(Mono<T> source) {
        return new GuardedCall<>(source.doOnCancel(() -> events.add("upstream cancelled")), deadlines,
                closed -> new IllegalStateException(closed ? "closed" : "timed out"), ended::incrementAndGet);
    }

    @Test
    void passesTheResultAndUnlinksTheCall() {
        StepVerifier.create(guard(Mono.just("ok"))).expectNext("ok").verifyComplete();

        assertThat(deadlines.size()).isZero();
        assertThat(ended).hasValue(1);
        assertThat(events).isEmpty();
    }

    @Test
    void aLateAnswerIsUnlinkedBeforeItsDeadline() {
        Sinks.One<String> answer = Sinks.one();
        StepVerifier.create(guard(answer.asMono()))
                .then(() -> {
                    assertThat(deadlines.size()).isEqualTo(1);
                    time.advanceTimeBy(LIMIT.minusMillis(1));
                    answer.tryEmitValue("late");
                })
                .expectNext("late")
                .verifyComplete();
        time.advanceTimeBy(LIMIT);
        assertThat(deadlines.size()).isZero();
        assertThat(events).as("a finished call is never cancelled").isEmpty();
    }

    @Test
    void theDeadlineCancelsTheUpstreamFirstThenFailsWithTheTimeout() {
        StepVerifier.create(guard(Mono.never()).doOnError(e -> events.add("error: " + e.getMessage())))
                .then(() -> time.advanceTimeBy(LIMIT))
                .expectErrorMessage("timed out")
                .verify(Duration.ofSeconds(5));

        assertThat(events).containsExactly("upstream cancelled", "error: timed out");
        assertThat(ended).hasValue(1);
    }

    @Test
    void closingFailsEveryCallInFlightAndEveryLaterOne() {
        StepVerifier.create(Flux.merge(guard(Mono.never()), guard(Mono.never())))
                .then(deadlines::closeAll)
                .expectErrorMessage("closed")
                .verify(Duration.ofSeconds(5));
        assertThat(events).contains("upstream cancelled");

        StepVerifier.create(guard(Mono.<String>never()))
                .expectErrorMessage("closed")
                .verify(Duration.ofSeconds(5));
        assertThat(deadlines.size()).isZero();
    }

    @Test
    void aCallersCancelReachesTheUpstreamOnceAndUnlinks() {
        StepVerifier.create(guard(Mono.never()))
                .thenAwait(Duration.ofSeconds(1))
                .thenCancel()
                .verify(Duration.ofSeconds(5));

        assertThat(events).containsExactly("upstream cancelled");
        assertThat(deadlines.size()).isZero();
        assertThat(ended).hasValue(1);
        time.advanceTimeBy(LIMIT);
        assertThat(ended).hasValue(1);
    }

    @Test
    void errorsPassThroughUnchanged() {
        StepVerifier.create(guard(Mono.error(new ArithmeticException("upstream"))))
                .expectErrorMessage("upstream")
                .verify(Duration.ofSeconds(5));
        assertThat(deadlines.size()).isZero();
        assertThat(events).isEmpty();
    }

    @Test
    void theCallersContextReachesTheUpstream() {
        Mono<String> source = Mono.deferContextual(ctx -> Mono.just(ctx.get("k")));
        StepVerifier.create(guard(source).contextWrite(ctx -> ctx.put("k", "v")))
                .expectNext("v")
                .verifyComplete();
    }
}
