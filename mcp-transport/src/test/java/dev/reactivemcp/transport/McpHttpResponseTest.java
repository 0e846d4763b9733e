package dev.reactivemcp.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The response body contract filters and the channel rely on. */
class McpHttpResponseTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void collectsABodyOfManyChunksWithinTheBound() {
        McpHttpResponse r = McpHttpResponse.streaming(200, Headers.empty(),
                () -> Flux.just(bytes("ab"), bytes("cd"), bytes("e")), Mono::empty);

        StepVerifier.create(r.bodyAsString(5)).expectNext("abcde").verifyComplete();
    }

    @Test
    void failsWithAProtocolErrorOnceTheBodyExceedsTheBound() {
        McpHttpResponse r = McpHttpResponse.of(200, Headers.empty(), new byte[5000]);

        StepVerifier.create(r.bodyBytes(1024))
                .expectErrorSatisfies(e -> assertThat(((McpException) e).failure())
                        .isInstanceOf(McpFailure.ProtocolError.class))
                .verify();
    }

    @Test
    void reportsTheOverflowEvenWhenTheSourceCompletesAsItIsCancelled() {
        AtomicBoolean cancelled = new AtomicBoolean();
        // like Reactor Netty's inbound: cancelling completes the stream
        Flux<byte[]> body = Flux.<byte[]>create(sink -> {
            sink.onCancel(() -> {
                cancelled.set(true);
                sink.complete();
            });
            sink.next(new byte[600]);
            sink.next(new byte[600]);
        });
        McpHttpResponse r = McpHttpResponse.streaming(200, Headers.empty(), () -> body, Mono::empty);

        StepVerifier.create(r.bodyBytes(1024)).expectError(McpTransportException.class).verify();
        assertThat(cancelled).isTrue();
    }

    @Test
    void theBodyCanBeConsumedOnceAndReleasingIsIdempotent() {
        AtomicBoolean released = new AtomicBoolean();
        McpHttpResponse r = McpHttpResponse.streaming(401, Headers.empty().with("WWW-Authenticate", "Bearer"),
                () -> Flux.just(bytes("x")), () -> Mono.fromRunnable(() -> released.set(true)));

        StepVerifier.create(r.releaseBody().then(r.releaseBody())).verifyComplete();
        assertThat(released).isTrue();
        StepVerifier.create(r.body()).expectError(IllegalStateException.class).verify();
        assertThat(r.headers().first("www-authenticate")).contains("Bearer");
    }

    @Test
    void theMediaTypeIgnoresParametersAndCase() {
        McpHttpResponse r = McpHttpResponse.of(200, Headers.empty().with("content-type", "Text/Event-Stream; charset=UTF-8"),
                new byte[0]);

        assertThat(r.mediaType()).contains("text/event-stream");
    }
}
