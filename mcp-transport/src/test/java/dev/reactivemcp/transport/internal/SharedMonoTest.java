package dev.reactivemcp.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

class SharedMonoTest {

    private final AtomicInteger subscriptions = new AtomicInteger();
    private final AtomicInteger cancellations = new AtomicInteger();

    private <T> Mono<T> counted(Mono<T> source) {
        return source.doOnSubscribe(s -> subscriptions.incrementAndGet())
                .doOnCancel(cancellations::incrementAndGet);
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void tenThousandWaitersShareOneRunAndJoinInConstantSpaceEach() {
        Sinks.One<String> outcome = Sinks.one();
        SharedMono<String> shared = SharedMono.cached(counted(outcome.asMono()));
        List<String> received = new ArrayList<>();

        long before = allocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            shared.subscribe(received::add);
        }
        long joined = allocatedBytes() - before;
        outcome.tryEmitValue("token");

        assertThat(subscriptions).hasValue(1);
        assertThat(received).hasSize(10_000).containsOnly("token");
        // Reactor's cache() copies its subscriber array on each join: about 400 MB for 10,000 joiners.
        assertThat(joined).as("bytes allocated by 10,000 joins").isLessThan(20L * 1024 * 1024);
    }

    @Test
    void aLateSubscriberGetsTheKeptOutcomeWithoutARun() {
        SharedMono<String> shared = SharedMono.cached(counted(Mono.just("v")));
        StepVerifier.create(shared).expectNext("v").verifyComplete();
        StepVerifier.create(shared).expectNext("v").verifyComplete();
        assertThat(subscriptions).hasValue(1);

        SharedMono<String> failing = SharedMono.refCounted(Mono.error(new IllegalStateException("no")));
        StepVerifier.create(failing).expectErrorMessage("no").verify(Duration.ofSeconds(5));
        StepVerifier.create(failing).expectErrorMessage("no").verify(Duration.ofSeconds(5));
        StepVerifier.create(SharedMono.cached(Mono.empty())).verifyComplete();
    }

    @Test
    void theValueWaitsForTheSubscribersDemand() {
        StepVerifier.create(SharedMono.cached(Mono.just("v")), 0)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(10))
                .thenRequest(1)
                .expectNext("v")
                .verifyComplete();
    }

    @Test
    void aRefCountedRunIsCancelledWhenEveryWaiterLeavesAndRestartedByTheNext() {
        Sinks.One<String> never = Sinks.one();
        SharedMono<String> shared = SharedMono.refCounted(counted(never.asMono()));
        Disposable a = shared.subscribe();
        Disposable b = shared.subscribe();

        a.dispose();
        assertThat(cancellations).as("one waiter is left").hasValue(0);
        b.dispose();
        assertThat(cancellations).hasValue(1);

        StepVerifier.create(shared)
                .then(() -> assertThat(subscriptions).as("started again").hasValue(2))
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aSubscriberThatCancelsAtOnceStartsNothing() {
        SharedMono<String> shared = SharedMono.refCounted(counted(Mono.never()));
        shared.subscribe(new reactor.core.publisher.BaseSubscriber<String>() {
            @Override
            protected void hookOnSubscribe(org.reactivestreams.Subscription subscription) {
                subscription.cancel();
            }
        });
        assertThat(subscriptions).hasValue(0);
    }

    @Test
    void aCachedRunOutlivesItsWaiters() {
        Sinks.One<String> outcome = Sinks.one();
        SharedMono<String> shared = SharedMono.cached(counted(outcome.asMono()));
        shared.subscribe().dispose();

        outcome.tryEmitValue("done");

        assertThat(cancellations).hasValue(0);
        StepVerifier.create(shared).expectNext("done").verifyComplete();
        assertThat(subscriptions).hasValue(1);
    }

    @Test
    void theSourceRunsWithTheContextOfTheSubscriberThatStartedIt() {
        SharedMono<String> shared = SharedMono.cached(Mono.deferContextual(ctx -> Mono.just(ctx.get("who"))));
        StepVerifier.create(shared.contextWrite(ctx -> ctx.put("who", "first"))).expectNext("first").verifyComplete();
        StepVerifier.create(shared.contextWrite(ctx -> ctx.put("who", "second"))).expectNext("first").verifyComplete();
    }
}
