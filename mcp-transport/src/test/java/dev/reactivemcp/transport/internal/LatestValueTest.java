package dev.reactivemcp.transport.internal;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** The listening states' replay-latest view, whose sink exists only once somebody subscribes. */
class LatestValueTest {

    private static final Duration FIVE_S = Duration.ofSeconds(5);

    @Test
    void aFirstSubscriberGetsTheLatestValueThenTheLaterOnes() {
        LatestValue<String> states = new LatestValue<>();
        states.next("connecting");
        states.next("open");
        StepVerifier.create(states.flux())
                .expectNext("open")
                .then(() -> states.next("reconnecting"))
                .expectNext("reconnecting")
                .then(states::complete)
                .expectComplete()
                .verify(FIVE_S);
    }

    @Test
    void aSubscriberAfterCompletionGetsTheLastValueAndCompletionAndNothingLaterIsEmitted() {
        LatestValue<String> states = new LatestValue<>();
        states.next("stopped");
        states.complete();
        states.next("ignored");
        StepVerifier.create(states.flux()).expectNext("stopped").expectComplete().verify(FIVE_S);
        StepVerifier.create(states.flux()).expectNext("stopped").expectComplete().verify(FIVE_S);
    }

    @Test
    void aSubscriberBeforeAnyValueWaitsForTheFirst() {
        LatestValue<String> states = new LatestValue<>();
        StepVerifier.create(states.flux())
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(20))
                .then(() -> states.next("connecting"))
                .expectNext("connecting")
                .then(states::complete)
                .expectComplete()
                .verify(FIVE_S);
        StepVerifier.create(new LatestValue<String>().flux().take(Duration.ofMillis(20))).verifyComplete();
    }
}
