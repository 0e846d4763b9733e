package dev.reactivemcp.oauth.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.oauth.internal.store.KeyedGate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class KeyedGateTest {

    @Test
    void runsOneHolderPerKeyAtATime() {
        KeyedGate<String> gate = new KeyedGate<>();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        List<Integer> done = Flux.range(0, 200)
                .flatMap(i -> gate.withPermit("k", Mono.fromCallable(() -> maxInside.accumulateAndGet(
                                inside.incrementAndGet(), Math::max))
                        .delayElement(Duration.ofMillis(1), Schedulers.parallel())
                        .doOnNext(x -> inside.decrementAndGet()).thenReturn(i)), 200)
                .collectList().block(Duration.ofSeconds(10));

        assertThat(done).hasSize(200);
        assertThat(maxInside).hasValue(1);
    }

    @Test
    void aWaiterThatCancelsLeavesTheQueueAndAHolderThatCancelsReleases() {
        KeyedGate<String> gate = new KeyedGate<>();
        Sinks.Empty<Void> firstRelease = Sinks.empty();
        Disposable holder = gate.withPermit("k", firstRelease.asMono()).subscribe();
        Disposable waiter = gate.withPermit("k", Mono.just("never")).subscribe();
        waiter.dispose();
        holder.dispose();

        StepVerifier.create(gate.withPermit("k", Mono.just("next"))).expectNext("next")
                .verifyComplete();
        assertThat(gate.isHeld("k")).isFalse();
    }
}
