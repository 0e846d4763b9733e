package dev.reactivemcp.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class FirstOfStreamTest {

    private static final Duration GRACE = Duration.ofMillis(100);

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final Deadlines grace = new Deadlines(time, GRACE);

    @AfterEach
    void tearDown() {
        time.dispose();
    }

    @Test
    void emitsTheFirstElementWhenTheStreamEndsAfterDrainingItAll() {
        AtomicLong requested = new AtomicLong();
        Flux<String> stream = Flux.just("a", "b", "c").doOnRequest(requested::addAndGet);

        StepVerifier.create(new FirstOfStream<>(stream, grace), 1).expectNext("a").verifyComplete();

        assertThat(requested).as("the whole stream is requested").hasValue(Long.MAX_VALUE);
        assertThat(grace.size()).isZero();
    }

    @Test
    void anOpenStreamIsCutAtTheGraceAfterTheFirstElementNotBefore() {
        Sinks.Many<String> stream = Sinks.many().unicast().onBackpressureBuffer();
        AtomicBoolean cancelled = new AtomicBoolean();

        StepVerifier.create(new FirstOfStream<>(stream.asFlux().doOnCancel(() -> cancelled.set(true)), grace))
                .then(() -> {
                    time.advanceTimeBy(Duration.ofSeconds(10)); // no element yet: no grace running
                    assertThat(cancelled).isFalse();
                    stream.tryEmitNext("first");
                    time.advanceTimeBy(GRACE.minusNanos(1));
                    assertThat(cancelled).isFalse();
                    stream.tryEmitNext("second");
                    time.advanceTimeBy(Duration.ofNanos(1));
                })
                .expectNext("first")
                .verifyComplete();
        assertThat(cancelled).isTrue();
    }

    @Test
    void aBreakAfterTheFirstElementStillEmitsIt() {
        Flux<String> stream = Flux.concat(Flux.just("answer"), Flux.error(new IllegalStateException("reset")));
        StepVerifier.create(new FirstOfStream<>(stream, grace)).expectNext("answer").verifyComplete();
        assertThat(grace.size()).isZero();
    }

    @Test
    void aBreakBeforeAnyElementIsTheError() {
        StepVerifier.create(new FirstOfStream<>(Flux.<String>error(new IllegalStateException("reset")), grace))
                .expectErrorMessage("reset")
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void anEmptyStreamCompletesEmpty() {
        StepVerifier.create(new FirstOfStream<>(Flux.<String>empty(), grace)).verifyComplete();
    }

    @Test
    void aCallersCancelCancelsTheStreamAndItsGrace() {
        Sinks.Many<String> stream = Sinks.many().unicast().onBackpressureBuffer();
        AtomicBoolean cancelled = new AtomicBoolean();

        StepVerifier.create(new FirstOfStream<>(stream.asFlux().doOnCancel(() -> cancelled.set(true)), grace))
                .then(() -> stream.tryEmitNext("first"))
                .thenCancel()
                .verify(Duration.ofSeconds(5));

        assertThat(cancelled).isTrue();
        assertThat(grace.size()).isZero();
    }
}
