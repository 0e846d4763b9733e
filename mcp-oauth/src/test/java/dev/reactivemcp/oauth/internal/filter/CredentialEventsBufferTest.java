package dev.reactivemcp.oauth.internal.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.CredentialEvent;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.oauth.internal.filter.RefreshTransaction.Reason;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** A subscriber that does not keep up loses the oldest events, never the newest, and never slows the emitter. */
class CredentialEventsBufferTest {

    private static final StoredCredentials CREDENTIALS = new StoredCredentials("https://mcp.example.com/mcp",
            new CredentialKey("https://mcp.example.com/mcp", "https://as.example.com", "client-1"),
            new ClientRegistration("https://as.example.com", "client-1", null, "none", List.of()),
            new OAuthTokens("at-0", "Bearer", "rt-0", TestClock.BASE, Set.of()), "https://as.example.com/token",
            false, TestClock.BASE);

    @Test
    void aSubscriberThatRequestsNothingKeepsTheNewestEventsUpToTheBoundAndTheEmitterNeverWaits() {
        CredentialEvents events = new CredentialEvents(TestClock.manual());
        Flux<CredentialEvent> stuck = events.flux();

        StepVerifier.create(stuck, 0)
                .then(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        events.refreshStarted(events.nextRefreshId(), CREDENTIALS, Reason.PREFETCH);
                    }
                    events.complete();
                })
                .thenRequest(Long.MAX_VALUE)
                .recordWith(java.util.ArrayList::new)
                .thenConsumeWhile(e -> true)
                .consumeRecordedWith(received -> {
                    List<Long> ids = received.stream().map(CredentialEvent::refreshId).toList();
                    assertThat(ids.size()).as("at most the buffer and the delivery queue")
                            .isBetween(1, 2 * CredentialEvents.BUFFER);
                    assertThat(ids.get(ids.size() - 1)).as("the newest event is kept").isEqualTo(10_000L);
                })
                .expectComplete()
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void nothingIsBuiltWhileNobodyListens() {
        CredentialEvents events = new CredentialEvents(TestClock.manual());
        assertThat(events.active()).isFalse();
        var subscription = events.flux().subscribe();
        assertThat(events.active()).isTrue();
        subscription.dispose();
        assertThat(events.active()).as("a cancelled subscriber is forgotten").isFalse();
    }
}
