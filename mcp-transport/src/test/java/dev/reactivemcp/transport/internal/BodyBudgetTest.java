package dev.reactivemcp.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.McpHttpResponse;
import dev.reactivemcp.transport.internal.sse.SseDecoder;
import dev.reactivemcp.transport.internal.sse.SseDecodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** The client-wide body budget: reserved before allocation, released on every path, typed when spent. */
class BodyBudgetTest {

    private static final BodyBudget.Parser<String> TEXT = (b, n) -> new String(b, 0, n, StandardCharsets.UTF_8);

    private static McpHttpResponse streaming(Flux<byte[]> body, AtomicBoolean cancelled) {
        return McpHttpResponse.streaming(200, Headers.empty(), () -> body.doOnCancel(() -> cancelled.set(true)),
                Mono::empty);
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 'x');
        return b;
    }

    @Test
    void aBodyWithinTheBudgetIsParsedWhileCountedAndReleasedAfterwards() {
        BodyBudget budget = new BodyBudget(10_000);
        long[] inUseWhileParsing = new long[1];
        String text = budget.collect(streaming(Flux.just(bytes(3000), bytes(3000)), new AtomicBoolean()), 8192,
                (b, n) -> {
                    inUseWhileParsing[0] = budget.inUse();
                    return new String(b, 0, n, StandardCharsets.UTF_8);
                }).block();
        assertThat(text).hasSize(6000);
        assertThat(inUseWhileParsing[0]).as("the buffer is counted until parsed").isGreaterThanOrEqualTo(6000);
        assertThat(budget.inUse()).isZero();
    }

    @Test
    void aBodyBeyondTheBudgetFailsAsATypedProtocolErrorCancelsTheBodyAndReleasesWhatItHeld() {
        BodyBudget budget = new BodyBudget(5_000);
        AtomicBoolean cancelled = new AtomicBoolean();
        assertThatThrownBy(() -> budget.collect(streaming(Flux.range(0, 1000).map(i -> bytes(1000)), cancelled),
                1 << 20, TEXT).block())
                .isInstanceOfSatisfying(McpException.class, e -> assertThat(e.failure())
                        .isInstanceOfSatisfying(McpFailure.ProtocolError.class,
                                p -> assertThat(p.detail()).contains("budget of 5000 bytes")));
        assertThat(cancelled).as("the connection is let go").isTrue();
        assertThat(budget.inUse()).isZero();
        assertThat(budget.refusals()).isEqualTo(1);
    }

    @Test
    void aBodyBeyondItsOwnLimitIsAProtocolErrorAndReleasesTheBudget() {
        BodyBudget budget = new BodyBudget(1 << 20);
        assertThatThrownBy(() -> budget.collect(streaming(Flux.range(0, 10).map(i -> bytes(1000)),
                new AtomicBoolean()), 4000, TEXT).block())
                .isInstanceOfSatisfying(McpException.class, e -> assertThat(e.failure().describe())
                        .contains("exceeds the limit of 4000 bytes"));
        assertThat(budget.inUse()).isZero();
    }

    @Test
    void aBodyThatBreaksMidwayReleasesTheBudget() {
        BodyBudget budget = new BodyBudget(1 << 20);
        Flux<byte[]> breaking = Flux.just(bytes(1000), bytes(1000)).concatWith(Flux.error(new IllegalStateException("reset")));
        StepVerifier.create(budget.collect(streaming(breaking, new AtomicBoolean()), 1 << 20, TEXT))
                .expectErrorMessage("reset").verify(Duration.ofSeconds(5));
        assertThat(budget.inUse()).isZero();
    }

    @Test
    void aCancelledCollectionReleasesTheBudgetAtOnce() {
        BodyBudget budget = new BodyBudget(1 << 20);
        Sinks.Many<byte[]> body = Sinks.many().unicast().onBackpressureBuffer();
        AtomicBoolean cancelled = new AtomicBoolean();
        var subscription = budget.collect(streaming(body.asFlux(), cancelled), 1 << 20, TEXT).subscribe();
        body.tryEmitNext(bytes(1000));
        body.tryEmitNext(bytes(2000));
        assertThat(budget.inUse()).as("held while collecting").isGreaterThanOrEqualTo(3000);
        subscription.dispose();
        assertThat(cancelled).isTrue();
        assertThat(budget.inUse()).isZero();
    }

    @Test
    void concurrentBodiesShareTheBudgetAndItIsFreeAgainWhenTheyEnd() {
        BodyBudget budget = new BodyBudget(10_000);
        Sinks.Many<byte[]> first = Sinks.many().unicast().onBackpressureBuffer();
        var holding = budget.collect(streaming(first.asFlux(), new AtomicBoolean()), 1 << 20, TEXT).toFuture();
        first.tryEmitNext(bytes(8000));

        assertThatThrownBy(() -> budget.collect(streaming(Flux.just(bytes(3000)), new AtomicBoolean()), 1 << 20, TEXT)
                .block()).isInstanceOf(McpException.class).hasMessageContaining("budget");

        first.tryEmitComplete();
        assertThat(holding.join()).hasSize(8000);
        assertThat(budget.collect(streaming(Flux.just(bytes(3000)), new AtomicBoolean()), 1 << 20, TEXT).block())
                .hasSize(3000);
        assertThat(budget.inUse()).isZero();
    }

    @Test
    void theDefaultBudgetIsAQuarterOfTheHeapWithinBoundsAndHoldsTwoMessages() {
        long quarter = Runtime.getRuntime().maxMemory() / 4;
        assertThat(BodyBudget.defaultMax(8 << 20)).isBetween(16L << 20, 256L << 20)
                .isEqualTo(Math.max(16L << 20, Math.min(256L << 20, quarter)));
        assertThat(BodyBudget.defaultMax(200 << 20)).isGreaterThanOrEqualTo(400L << 20);
    }

    @Test
    void aBuilderBudgetSmallerThanOneMessageIsRejected() {
        var builder = dev.reactivemcp.transport.McpClient.builder(java.net.URI.create("http://127.0.0.1:1/mcp"))
                .maxMessageBytes(1 << 20).maxBufferedBytes(512 * 1024);
        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBufferedBytes");
        assertThatThrownBy(() -> builder.maxBufferedBytes(100)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anSseDecoderReservesItsBuffersAndFailsTypedWhenTheBudgetIsSpent() {
        BodyBudget budget = new BodyBudget(64 * 1024);
        BodyBudget.Account account = budget.open();
        SseDecoder decoder = new SseDecoder(1 << 20, 1 << 20, account);
        decoder.feed(("data: " + "y".repeat(20_000)).getBytes(StandardCharsets.UTF_8));
        assertThat(budget.inUse()).as("the partial line is counted").isGreaterThanOrEqualTo(20_000);

        assertThatThrownBy(() -> decoder.feed("z".repeat(100_000).getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(SseDecodingException.class,
                        e -> assertThat(e.limit()).isEqualTo(SseDecodingException.Limit.MEMORY));
        account.close();
        assertThat(budget.inUse()).isZero();
        account.release(1000);
        assertThat(budget.inUse()).as("releases after close are ignored").isZero();
        assertThat(account.tryReserve(10)).as("a closed account reserves nothing").isFalse();
        assertThat(budget.inUse()).isZero();
    }

    @Test
    void anSseDecoderGivesBackALargeEventsBufferOnceItIsDispatched() {
        BodyBudget budget = new BodyBudget(1 << 20);
        BodyBudget.Account account = budget.open();
        SseDecoder decoder = new SseDecoder(1 << 20, 1 << 20, account);
        String big = "w".repeat(100_000);
        for (int i = 0; i < 20; i++) { // 20 events of 100 KB, one at a time: never more than a few buffers held
            assertThat(decoder.feed(("data: " + big.substring(0, 50_000)).getBytes(StandardCharsets.UTF_8))).isEmpty();
            assertThat(decoder.feed((big.substring(50_000) + "\ndata: x\n\n").getBytes(StandardCharsets.UTF_8)))
                    .hasSize(1);
        }
        assertThat(budget.inUse()).isLessThan(64 * 1024);
        account.close();
        assertThat(budget.inUse()).isZero();
    }
}
