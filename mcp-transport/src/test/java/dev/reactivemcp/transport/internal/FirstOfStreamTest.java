package dev.reactivemcp.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
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

    // --- routed: each event mapped to a Mono of elements, as concatMap would, in one operator ---

    private static Mono<String> answerOnly(String event) {
        return event.startsWith("answer") ? Mono.just(event) : Mono.empty();
    }

    private <E> FirstOfStream<E, String> routed(Flux<E> stream, Function<? super E, ? extends Mono<? extends String>> route,
                                                Function<Throwable, Mono<String>> orElse) {
        return new FirstOfStream<>(stream, route, grace, null, orElse);
    }

    @Test
    void routesEveryEventOneAtATimeAndEmitsTheFirstAnswerWhenTheStreamEnds() {
        List<Long> requests = new ArrayList<>();
        Flux<String> stream = Flux.just("note", "answer-1", "note", "answer-2").doOnRequest(requests::add);
        List<String> routedEvents = new ArrayList<>();

        StepVerifier.create(routed(stream, e -> {
            routedEvents.add(e);
            return answerOnly(e);
        }, null)).expectNext("answer-1").verifyComplete();

        assertThat(routedEvents).as("events after the answer are still routed").hasSize(4);
        assertThat(requests).as("one event at a time").containsOnly(1L);
        assertThat(grace.size()).isZero();
    }

    @Test
    void waitsForAnEventsAsyncWorkBeforeRequestingTheNextEvent() {
        Sinks.One<String> handler = Sinks.one();
        AtomicInteger requested = new AtomicInteger();
        Flux<String> stream = Flux.just("request-from-server", "answer").doOnRequest(n -> requested.incrementAndGet());

        StepVerifier.create(routed(stream, e -> e.equals("answer") ? Mono.just(e) : handler.asMono().then(Mono.<String>empty()), null))
                .then(() -> assertThat(requested).as("the answer is not read while the handler runs").hasValue(1))
                .then(() -> handler.tryEmitValue("replied"))
                .expectNext("answer")
                .verifyComplete();
    }

    @Test
    void anAnswerFromAnEventsAsyncWorkIsTheFirstElement() {
        StepVerifier.create(routed(Flux.just("slow"), e -> Mono.just("answer").delayElement(Duration.ofMillis(5), time), null))
                .then(() -> time.advanceTimeBy(Duration.ofMillis(5)))
                .expectNext("answer")
                .verifyComplete();
    }

    @Test
    void aRouteThatFailsBeforeAnyAnswerFailsAndCancelsTheStream() {
        Sinks.Many<String> stream = Sinks.many().unicast().onBackpressureBuffer();
        AtomicBoolean cancelled = new AtomicBoolean();

        StepVerifier.create(routed(stream.asFlux().doOnCancel(() -> cancelled.set(true)),
                        e -> Mono.error(new IllegalStateException("not JSON-RPC: " + e)), null))
                .then(() -> stream.tryEmitNext("garbage"))
                .expectErrorMessage("not JSON-RPC: garbage")
                .verify(Duration.ofSeconds(5));
        assertThat(cancelled).isTrue();
    }

    @Test
    void aRouteThatThrowsAfterTheAnswerStillEmitsTheAnswer() {
        StepVerifier.create(routed(Flux.just("answer", "bad"), e -> {
            if (e.equals("bad")) {
                throw new IllegalArgumentException("unparsable");
            }
            return Mono.just(e);
        }, null)).expectNext("answer").verifyComplete();
    }

    @Test
    void aStreamThatEndsWithoutAnAnswerContinuesWithTheFallbackAndTellsItNoFailure() {
        List<Throwable> told = new ArrayList<>();

        StepVerifier.create(routed(Flux.just("note"), FirstOfStreamTest::answerOnly, e -> {
            told.add(e);
            return Mono.just("resumed");
        })).expectNext("resumed").verifyComplete();
        assertThat(told).containsExactly((Throwable) null);
    }

    @Test
    void aStreamThatBreaksWithoutAnAnswerContinuesWithTheFallbackForThatFailure() {
        IllegalStateException reset = new IllegalStateException("reset");
        List<Throwable> told = new ArrayList<>();

        StepVerifier.create(routed(Flux.concat(Flux.just("note"), Flux.error(reset)), FirstOfStreamTest::answerOnly, e -> {
            told.add(e);
            return Mono.just("resumed");
        })).expectNext("resumed").verifyComplete();
        assertThat(told).containsExactly(reset);
    }

    @Test
    void aFailureTheFallbackDeclinesIsSignalled() {
        StepVerifier.create(routed(Flux.<String>error(new IllegalStateException("bad request")),
                        FirstOfStreamTest::answerOnly, e -> null))
                .expectErrorMessage("bad request")
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void noFallbackOnceTheAnswerArrived() {
        AtomicInteger fallbacks = new AtomicInteger();

        StepVerifier.create(routed(Flux.concat(Flux.just("answer"), Flux.error(new IllegalStateException("reset"))),
                FirstOfStreamTest::answerOnly, e -> {
                    fallbacks.incrementAndGet();
                    return Mono.just("resumed");
                })).expectNext("answer").verifyComplete();
        assertThat(fallbacks).hasValue(0);
    }

    @Test
    void aCallersCancelReachesTheFallback() {
        Sinks.Many<String> stream = Sinks.many().unicast().onBackpressureBuffer();
        AtomicBoolean fallbackSubscribed = new AtomicBoolean();
        AtomicBoolean fallbackCancelled = new AtomicBoolean();

        StepVerifier.create(routed(stream.asFlux(), FirstOfStreamTest::answerOnly,
                        e -> Mono.<String>never().doOnSubscribe(s -> fallbackSubscribed.set(true))
                                .doOnCancel(() -> fallbackCancelled.set(true))))
                .then(() -> {
                    stream.tryEmitNext("note");
                    stream.tryEmitComplete();
                    assertThat(fallbackSubscribed).isTrue();
                })
                .thenCancel()
                .verify(Duration.ofSeconds(5));
        assertThat(fallbackCancelled).isTrue();
    }

    @Test
    void theGraceCancelsAnEventsAsyncWorkStillRunning() {
        Sinks.Many<String> stream = Sinks.many().unicast().onBackpressureBuffer();
        AtomicBoolean handlerCancelled = new AtomicBoolean();

        StepVerifier.create(routed(stream.asFlux(), e -> e.equals("answer") ? Mono.just(e)
                        : Mono.<String>never().doOnCancel(() -> handlerCancelled.set(true)), null))
                .then(() -> {
                    stream.tryEmitNext("answer");
                    stream.tryEmitNext("slow-notification");
                    time.advanceTimeBy(GRACE);
                })
                .expectNext("answer")
                .verifyComplete();
        assertThat(handlerCancelled).isTrue();
    }

    @Test
    void tellsTheStreamEndWithTheCallersContextButNotWhenTheGraceCutsIt() {
        List<Object> told = new ArrayList<>();
        FirstOfStream<String, String> first = new FirstOfStream<>(Flux.just("answer"), FirstOfStreamTest::answerOnly,
                grace, ctx -> told.add(ctx.getOrDefault("who", "nobody")), null);

        StepVerifier.create(first.contextWrite(c -> c.put("who", "caller"))).expectNext("answer").verifyComplete();
        assertThat(told).containsExactly("caller");

        told.clear();
        Sinks.Many<String> open = Sinks.many().unicast().onBackpressureBuffer();
        StepVerifier.create(new FirstOfStream<>(open.asFlux(), FirstOfStreamTest::answerOnly, grace,
                        ctx -> told.add("ended"), null))
                .then(() -> {
                    open.tryEmitNext("answer");
                    time.advanceTimeBy(GRACE);
                })
                .expectNext("answer")
                .verifyComplete();
        assertThat(told).isEmpty();
    }
}
