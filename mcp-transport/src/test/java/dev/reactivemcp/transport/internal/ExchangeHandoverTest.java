package dev.reactivemcp.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.McpHttpResponse;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;
import reactor.test.StepVerifier;

/**
 * A cancelled call never leaves its connection neither pooled nor closed, whatever moment the cancel arrives at
 * (the race behind a cancelled SSE call whose server kept the stream open: the connection stayed open for good).
 * The moments are replayed one by one, deterministically, on {@link ReactorNettyExchange.Handover}.
 */
class ExchangeHandoverTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final Connection connection = Connection.from(channel);
    private final Sinks.One<McpHttpResponse> head = Sinks.one();
    private final AtomicInteger released = new AtomicInteger();

    private McpHttpResponse response() {
        return McpHttpResponse.streaming(200, Headers.builder().set("Content-Type", "text/event-stream").build(),
                Flux::never, () -> Mono.fromRunnable(released::incrementAndGet));
    }

    @Test
    void aCancelBeforeTheConnectionIsReadyClosesTheConnectionThatArrivesLater() {
        ReactorNettyExchange.Handover handover = new ReactorNettyExchange.Handover(true);
        Disposable call = ReactorNettyExchange.guarded(head.asMono(), handover).subscribe();
        call.dispose();

        handover.writing(connection);

        assertThat(channel.isOpen()).isFalse();
        assertThat(handover.headArrived(connection)).as("a head after the cancel is not handed on").isFalse();
    }

    @Test
    void aCancelWhileTheRequestIsOnTheWireClosesItsConnection() {
        ReactorNettyExchange.Handover handover = new ReactorNettyExchange.Handover(true);
        Disposable call = ReactorNettyExchange.guarded(head.asMono(), handover).subscribe();
        handover.writing(connection);
        assertThat(channel.isOpen()).isTrue();

        call.dispose();

        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aResponseThatArrivesAfterTheCancelIsReleasedNotDropped() {
        ReactorNettyExchange.Handover handover = new ReactorNettyExchange.Handover(true);
        Disposable call = ReactorNettyExchange.guarded(head.asMono(), handover).subscribe();
        call.dispose();

        // Reactor Netty may still deliver a response it already built when the cancel arrived
        handover.onNext(response());

        assertThat(released).hasValue(1);
    }

    @Test
    void aResponseHandedOverBelongsToTheCallerAndACancelAfterwardsLeavesItsConnectionAlone() {
        ReactorNettyExchange.Handover handover = new ReactorNettyExchange.Handover(true);
        handover.writing(connection);
        McpHttpResponse response = response();
        head.tryEmitValue(response);

        StepVerifier.create(ReactorNettyExchange.guarded(head.asMono(), handover))
                .expectNext(response)
                .thenCancel()
                .verify();

        assertThat(channel.isOpen()).as("the caller owns the body now; cancelling the body closes it").isTrue();
        assertThat(released).hasValue(0);
    }

    @Test
    void aPostSaysHowFarItGotAndOtherMethodsDoNot() {
        ReactorNettyExchange.Handover post = new ReactorNettyExchange.Handover(true);
        assertThat(post.delivery()).isEqualTo(dev.reactivemcp.errors.Delivery.NOT_SENT);
        post.writing(connection);
        assertThat(post.delivery()).isEqualTo(dev.reactivemcp.errors.Delivery.SENT_NO_ANSWER);
        assertThat(new ReactorNettyExchange.Handover(false).delivery()).isNull();
    }
}
