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
}
