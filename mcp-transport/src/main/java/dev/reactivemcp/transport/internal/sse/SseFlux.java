package dev.reactivemcp.transport.internal.sse;

import java.util.Objects;
import reactor.core.publisher.Flux;

/**
 * Reactor adapter for {@link SseDecoder}: turns a body of byte chunks into {@link SseEvent}s.
 * Decoding failures are signalled as {@link SseDecodingException}, after the events decoded before
 * them (including those from the same chunk), and cancel the body.
 *
 * <pre>{@code
 * SseDecoder decoder = new SseDecoder(maxEventBytes, maxLineBytes);
 * SseFlux.decode(body, decoder)
 *     .doFinally(signal -> maybeResume(decoder.lastEventId(), decoder.retryMillis()));
 * }</pre>
 */
public final class SseFlux {

    private SseFlux() {
    }

    /** Decodes {@code chunks} with a fresh decoder per subscription. */
    public static Flux<SseEvent> decode(Flux<byte[]> chunks, int maxEventBytes, int maxLineBytes) {
        Objects.requireNonNull(chunks, "chunks");
        new SseDecoder(maxEventBytes, maxLineBytes); // rejects bad limits at assembly time
        return Flux.defer(() -> decode(chunks, new SseDecoder(maxEventBytes, maxLineBytes)));
    }

    /**
     * Decodes {@code chunks} with a decoder the caller owns, so that it can read
     * {@link SseDecoder#lastEventId()} and {@link SseDecoder#retryMillis()} while or after streaming
     * (to resume with {@code Last-Event-ID}). The result may be subscribed to once: a decoder holds the
     * state of one stream, so a second subscription fails with {@link IllegalStateException}.
     */
    public static Flux<SseEvent> decode(Flux<byte[]> chunks, SseDecoder decoder) {
        Objects.requireNonNull(chunks, "chunks");
        Objects.requireNonNull(decoder, "decoder");
        return Flux.defer(() -> {
            decoder.attach();
            EventBatch batch = new EventBatch();
            // No prefetch: the body source queues chunks itself, and no queue is allocated per stream. finish()
            // never emits (the spec discards an unterminated event), it only records how the stream ended.
            return chunks.concatMap(chunk -> feed(decoder, chunk, batch), 0)
                    .doOnComplete(decoder::finish);
        });
    }

    private static Flux<SseEvent> feed(SseDecoder decoder, byte[] chunk, EventBatch batch) {
        try {
            decoder.feed(chunk, batch);
        } catch (SseDecodingException e) {
            return batch.drainFlux().concatWith(Flux.error(e));
        }
        return batch.drainFlux();
    }
}
