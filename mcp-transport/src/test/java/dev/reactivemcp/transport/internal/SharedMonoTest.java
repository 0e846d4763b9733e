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

    /** A run for the caller named in the context: refused for names in {@code refused}, else the name back. */
    private Mono<String> perCaller(java.util.Set<String> refused, Sinks.Empty<Void> gate, List<String> runsFor) {
        return Mono.deferContextual(ctx -> {
            String who = ctx.get("who");
            synchronized (runsFor) {
                runsFor.add(who);
            }
            return gate.asMono().then(refused.contains(who)
                    ? Mono.error(new IllegalStateException("refused " + who)) : Mono.just(who));
        });
    }

    private static final java.util.function.Predicate<Throwable> REFUSALS =
            e -> e.getMessage() != null && e.getMessage().startsWith("refused ");

    private static <T> Mono<String> as(Mono<T> m, String who) {
        return m.map(String::valueOf).onErrorResume(e -> Mono.just(e.getMessage()))
                .contextWrite(ctx -> ctx.put("who", who));
    }

    @Test
    void aCallersOwnFailureReachesOnlyWaitersWithTheSameContextAndTheOthersShareARunInTheirsInArrivalOrder() {
        Sinks.Empty<Void> gate = Sinks.empty();
        List<String> runsFor = new ArrayList<>();
        SharedMono<String> shared = SharedMono.refCounted(perCaller(java.util.Set.of("alice", "carol"), gate, runsFor),
                REFUSALS);
        List<String> got = java.util.Collections.synchronizedList(new ArrayList<>());
        for (String who : List.of("alice", "bob", "carol", "alice", "bob", "carol")) {
            as(shared, who).subscribe(r -> got.add(who + "<-" + r));
        }
        assertThat(runsFor).as("one run while all wait").containsExactly("alice");

        gate.tryEmitEmpty();

        assertThat(runsFor).as("alice's refusal is hers; bob's run succeeds for everyone left").containsExactly(
                "alice", "bob");
        assertThat(got).containsExactlyInAnyOrder("alice<-refused alice", "alice<-refused alice", "bob<-bob",
                "bob<-bob", "carol<-bob", "carol<-bob");
    }

    @Test
    void anOtherFailureIsSharedByEveryWaiterAsBefore() {
        Sinks.Empty<Void> gate = Sinks.empty();
        List<String> runsFor = new ArrayList<>();
        SharedMono<String> shared = SharedMono.refCounted(gate.asMono().then(Mono.<String>error(
                new IllegalStateException("server down"))).doOnSubscribe(s -> runsFor.add("run")), REFUSALS);
        List<String> got = java.util.Collections.synchronizedList(new ArrayList<>());
        for (String who : List.of("alice", "bob", "carol")) {
            as(shared, who).subscribe(got::add);
        }
        gate.tryEmitEmpty();

        assertThat(runsFor).hasSize(1);
        assertThat(got).containsExactly("server down", "server down", "server down");
    }

    @Test
    void aLongChainOfWaitersEachRefusedAtOnceEndsWithEveryoneGettingTheirOwnFailureWithoutDeepeningTheStack() {
        Sinks.Empty<Void> gate = Sinks.empty();
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger first = new AtomicInteger();
        // the first run waits for the gate; every later run fails at once, in the thread that starts it
        SharedMono<String> shared = SharedMono.refCounted(Mono.deferContextual(ctx -> {
            runs.incrementAndGet();
            Mono<Void> wait = first.getAndIncrement() == 0 ? gate.asMono() : Mono.empty();
            return wait.then(Mono.<String>error(new IllegalStateException("refused " + ctx.get("who"))));
        }), REFUSALS);
        List<String> got = java.util.Collections.synchronizedList(new ArrayList<>());
        int callers = 2_000; // each refusal hands every later waiter over: quadratic in distinct contexts waiting
        for (int i = 0; i < callers; i++) {
            String who = "user-" + i;
            as(shared, who).subscribe(r -> got.add(who + "<-" + r));
        }
        gate.tryEmitEmpty();

        assertThat(runs).as("one run per caller, each in its own context").hasValue(callers);
        assertThat(got).hasSize(callers).allSatisfy(g -> {
            String[] parts = g.split("<-refused ");
            assertThat(parts[1]).isEqualTo(parts[0]);
        });
    }

    @Test
    void aWaiterThatCancelledIsNotHandedOverAndALaterSubscriberStartsAFreshRunAfterACallersFailure() {
        Sinks.Empty<Void> gate = Sinks.empty();
        List<String> runsFor = new ArrayList<>();
        SharedMono<String> shared = SharedMono.refCounted(perCaller(java.util.Set.of("alice"), gate, runsFor),
                REFUSALS);
        List<String> got = java.util.Collections.synchronizedList(new ArrayList<>());
        as(shared, "alice").subscribe(got::add);
        Disposable bob = as(shared, "bob").subscribe(got::add);
        bob.dispose();
        gate.tryEmitEmpty();

        assertThat(got).containsExactly("refused alice");
        assertThat(runsFor).as("nobody left to run for").containsExactly("alice");
        StepVerifier.create(as(shared, "carol")).expectNext("carol").verifyComplete();
        assertThat(runsFor).containsExactly("alice", "carol");
    }
}
