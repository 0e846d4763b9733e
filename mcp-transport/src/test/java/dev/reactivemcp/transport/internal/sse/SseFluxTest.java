package dev.reactivemcp.transport.internal.sse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

class SseFluxTest {

    private static final int LIMIT = 1 << 20;

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    private static Flux<byte[]> chunks(String... texts) {
        return Flux.fromArray(texts).map(SseFluxTest::bytes);
    }

    private static SseEvent message(String id, String data) {
        return new SseEvent(id, "message", data);
    }

    @Test
    void emitsEventsInOrderAcrossChunkBoundaries() {
        StepVerifier.create(SseFlux.decode(chunks("id: 1\nda", "ta: a\n\ndata: b\n\nid: 2\r", "\ndata: c\n\n"), LIMIT, LIMIT))
                .expectNext(message("1", "a"), message("1", "b"), message("2", "c"))
                .verifyComplete();
    }

    @Test
    void honoursBackpressureWhenOneChunkHoldsManyEvents() {
        StepVerifier.create(SseFlux.decode(chunks("data: a\n\ndata: b\n\ndata: c\n\n"), LIMIT, LIMIT), 0)
                .expectSubscription()
                .expectNoEvent(java.time.Duration.ZERO)
                .thenRequest(1)
                .expectNext(message("", "a"))
                .thenRequest(2)
                .expectNext(message("", "b"), message("", "c"))
                .verifyComplete();
    }

    @Test
    void signalsTheLimitBreachAfterTheEventsBeforeItAndCancelsTheBody() {
        TestPublisher<byte[]> body = TestPublisher.create();

        StepVerifier.create(SseFlux.decode(body.flux(), LIMIT, 12))
                .then(() -> body.next(bytes("data: a\n\ndata: b\n\ndata: 0123456789\n\n")))
                .expectNext(message("", "a"), message("", "b"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(SseDecodingException.class)
                        .hasMessageContaining("line length limit"))
                .verify();
        body.assertCancelled();
    }

    @Test
    void discardsAnEventLeftOpenWhenTheBodyCompletes() {
        SseDecoder decoder = new SseDecoder(LIMIT, LIMIT);

        StepVerifier.create(SseFlux.decode(chunks("id: 1\ndata: a\n\n", "id: 2\ndata: b\n"), decoder))
                .expectNext(message("1", "a"))
                .verifyComplete();
        assertThat(decoder.endedMidEvent()).isTrue();
        assertThat(decoder.lastEventId()).isEqualTo("1");
    }

    @Test
    void exposesLastEventIdAndRetryOfTheCallerOwnedDecoderWhenTheBodyFails() {
        SseDecoder decoder = new SseDecoder(LIMIT, LIMIT);
        Flux<byte[]> body = chunks("id: event-1\nretry: 500\ndata: \n\n", "id: event-2\ndata: {}\n\n")
                .concatWith(Flux.error(new IOException("connection reset")));

        StepVerifier.create(SseFlux.decode(body, decoder))
                .expectNext(message("event-1", ""), message("event-2", "{}"))
                .verifyError(IOException.class);
        assertThat(decoder.lastEventId()).isEqualTo("event-2");
        assertThat(decoder.retryMillis()).hasValue(500);
        assertThat(decoder.eventCount()).isEqualTo(2);
    }

    @Test
    void cancelsTheBodyWhenTheSubscriberCancels() {
        TestPublisher<byte[]> body = TestPublisher.create();

        StepVerifier.create(SseFlux.decode(body.flux(), LIMIT, LIMIT))
                .then(() -> body.next(bytes("data: a\n\n")))
                .expectNext(message("", "a"))
                .thenCancel()
                .verify();
        body.assertCancelled();
    }

    @Test
    void stopsAfterTakeWithoutDecodingFurther() {
        SseDecoder decoder = new SseDecoder(LIMIT, LIMIT);

        StepVerifier.create(SseFlux.decode(chunks("data: a\n\n", "data: b\n\n", "data: c\n\n"), decoder).take(1))
                .expectNext(message("", "a"))
                .verifyComplete();
        assertThat(decoder.eventCount()).isLessThan(3);
    }

    @Test
    void usesAFreshDecoderForEverySubscription() {
        AtomicInteger subscriptions = new AtomicInteger();
        Flux<byte[]> body = Flux.defer(() -> {
            subscriptions.incrementAndGet();
            return chunks("id: 1\ndata: a\n\n", "data: b");
        });
        Flux<SseEvent> events = SseFlux.decode(body, LIMIT, LIMIT);

        StepVerifier.create(events).expectNext(message("1", "a")).verifyComplete();
        StepVerifier.create(events).expectNext(message("1", "a")).verifyComplete();
        assertThat(subscriptions).hasValue(2);
    }

    @Test
    void refusesASecondSubscriptionWithTheSameCallerOwnedDecoder() {
        Flux<SseEvent> events = SseFlux.decode(chunks("data: a\n\n"), new SseDecoder(LIMIT, LIMIT));

        StepVerifier.create(events).expectNext(message("", "a")).verifyComplete();
        StepVerifier.create(events).verifyErrorSatisfies(e -> assertThat(e)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already attached"));
    }

    @Test
    void rejectsBadLimitsAtAssembly() {
        assertThatIllegalArgumentException().isThrownBy(() -> SseFlux.decode(Flux.empty(), 0, LIMIT));
    }

    @Test
    void completesEmptyForAnEmptyBody() {
        StepVerifier.create(SseFlux.decode(Flux.empty(), LIMIT, LIMIT)).verifyComplete();
    }

    // --- the one-operator decode: every split of the body, the decoding-error map and the finally hook ---

    private static final String MULTI = "id: 7\r\nevent: message\r\ndata: {\"jsonrpc\":\"2.0\",\r\ndata:  \"id\":1}\r\n\r\n"
            + ": keep-alive\n\nretry: 250\ndata: second é\n\n";

    private static java.util.List<SseEvent> expectedMulti() {
        return java.util.List.of(message("7", "{\"jsonrpc\":\"2.0\",\n \"id\":1}"), message("7", "second é"));
    }

    @Test
    void decodesTheSameEventsWhereverTheBodyIsSplitInTwoOrThree() {
        byte[] all = bytes(MULTI);
        for (int i = 0; i <= all.length; i++) {
            for (int j = i; j <= all.length; j += 7) {
                Flux<byte[]> body = Flux.just(java.util.Arrays.copyOfRange(all, 0, i),
                        java.util.Arrays.copyOfRange(all, i, j), java.util.Arrays.copyOfRange(all, j, all.length));
                SseDecoder decoder = new SseDecoder(LIMIT, LIMIT);
                assertThat(SseFlux.decode(body, decoder).collectList().block())
                        .as("split at %d and %d", i, j).isEqualTo(expectedMulti());
                assertThat(decoder.retryMillis()).hasValue(250);
                assertThat(decoder.endedMidEvent()).isFalse();
            }
        }
    }

    @Test
    void decodesTheSameEventsFromOneByteChunksUnderOneByOneDemand() {
        byte[] all = bytes(MULTI);
        Flux<byte[]> body = Flux.range(0, all.length).map(i -> new byte[] {all[i]});

        StepVerifier.create(SseFlux.decode(body, LIMIT, LIMIT), 0)
                .thenRequest(1)
                .expectNext(expectedMulti().get(0))
                .thenRequest(1)
                .expectNext(expectedMulti().get(1))
                .verifyComplete();
    }

    @Test
    void mapsADecodingErrorAfterTheEventsBeforeItAndRunsTheFinallyHookOnce() {
        AtomicInteger finallyRuns = new AtomicInteger();
        TestPublisher<byte[]> body = TestPublisher.create();
        SseDecoder decoder = new SseDecoder(LIMIT, 12);

        StepVerifier.create(SseFlux.decode(body.flux(), decoder,
                        e -> new IllegalStateException("mapped: " + e.limit()), finallyRuns::incrementAndGet))
                .then(() -> body.next(bytes("data: a\n\ndata: 0123456789\n\n")))
                .expectNext(message("", "a"))
                .verifyErrorMessage("mapped: LINE");
        body.assertCancelled();
        assertThat(finallyRuns).hasValue(1);
    }

    @Test
    void runsTheFinallyHookOnceOnCompletionAndOnCancel() {
        AtomicInteger completed = new AtomicInteger();
        StepVerifier.create(SseFlux.decode(chunks("data: a\n\n"), new SseDecoder(LIMIT, LIMIT), e -> e,
                completed::incrementAndGet)).expectNext(message("", "a")).verifyComplete();
        assertThat(completed).hasValue(1);

        AtomicInteger cancelled = new AtomicInteger();
        TestPublisher<byte[]> body = TestPublisher.create();
        StepVerifier.create(SseFlux.decode(body.flux(), new SseDecoder(LIMIT, LIMIT), e -> e, cancelled::incrementAndGet))
                .then(() -> body.next(bytes("data: a\n\n")))
                .expectNext(message("", "a"))
                .thenCancel()
                .verify();
        body.assertCancelled();
        assertThat(cancelled).hasValue(1);
    }

    @Test
    void requestsTheNextChunkOnlyOnceTheEventsOfTheLastOneWereTaken() {
        java.util.List<Long> requests = new java.util.ArrayList<>();
        Flux<byte[]> body = chunks("data: a\n\ndata: b\n\n", "data: c\n\n").doOnRequest(requests::add);

        StepVerifier.create(SseFlux.decode(body, LIMIT, LIMIT), 1)
                .expectNext(message("", "a"))
                .then(() -> assertThat(requests).as("b is still buffered").containsExactly(1L))
                .thenRequest(1)
                .expectNext(message("", "b"))
                .thenRequest(1)
                .expectNext(message("", "c"))
                .verifyComplete();
    }
}
