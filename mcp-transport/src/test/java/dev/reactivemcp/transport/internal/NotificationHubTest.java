package dev.reactivemcp.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.transport.McpNotification;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** The per-subscriber bounded, serialised delivery of server notifications. */
class NotificationHubTest {

    private static McpNotification n(int i) {
        return new McpNotification("notifications/message", Map.of("i", i));
    }

    @Test
    void aSubscriberThatThrowsEndsItsOwnSubscriptionAndNeverThePublisher() {
        NotificationHub hub = new NotificationHub();
        StepVerifier.create(hub.flux().doOnNext(x -> {
                    throw new IllegalStateException("subscriber bug");
                }))
                .then(() -> hub.publish(n(1)))
                .expectErrorMessage("subscriber bug")
                .verify(Duration.ofSeconds(5));
        hub.publish(n(2)); // nobody left: nothing happens, nothing is thrown
        assertThat(hub.dropped()).isZero();
    }

    @Test
    void deliversOnlyWhatIsRequestedKeepsTheNewestAndCompletesAfterTheQueue() {
        NotificationHub hub = new NotificationHub();
        StepVerifier.create(hub.flux(), 0)
                .then(() -> {
                    for (int i = 0; i < NotificationHub.BUFFER + 10; i++) {
                        hub.publish(n(i));
                    }
                    hub.complete();
                })
                .expectNoEvent(Duration.ofMillis(10))
                .thenRequest(1)
                .assertNext(x -> assertThat(x.params()).containsEntry("i", 10))
                .thenRequest(Long.MAX_VALUE)
                .expectNextCount(NotificationHub.BUFFER - 1)
                .verifyComplete();
        assertThat(hub.dropped()).isEqualTo(10);
    }

    @Test
    void aSubscriptionAfterCompletionCompletesAtOnceAndACancelledOneStopsReceiving() {
        NotificationHub hub = new NotificationHub();
        StepVerifier.create(hub.flux().take(1)).then(() -> hub.publish(n(1))).expectNextCount(1).verifyComplete();
        hub.publish(n(2));
        assertThat(hub.dropped()).as("the cancelled subscriber is gone, so nothing queues for it").isZero();
        hub.complete();
        StepVerifier.create(hub.flux()).verifyComplete();
    }
}
