package dev.reactivemcp.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.transport.ListeningState;
import dev.reactivemcp.transport.McpTransportException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The reconnect loop alone, in virtual time: backoff bounds, no give-up, stop and wait. */
class ListeningStreamTest {

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final List<ListeningState> states = new CopyOnWriteArrayList<>();

    private ListeningStream stream(ListeningStream.Attempt attempt) {
        return new ListeningStream("test stream", attempt, time, Duration.ofSeconds(1), Duration.ofSeconds(30),
                Duration.ofSeconds(60), states::add);
    }

    private static Mono<ListeningStream.Outcome> refused() {
        return Mono.error(new McpTransportException(new McpFailure.ConnectionFailure(
                McpFailure.ConnectionFailure.Kind.REFUSED, "refused"), "refused", null));
    }

    @Test
    void backoffDoublesFromTheReconnectDelayWithUpwardJitterUpToTheCap() {
        ListeningStream s = stream(events -> refused());
        for (int n = 1; n <= 40; n++) {
            long expected = Math.min(30_000, 1000L << Math.min(n - 1, 20));
            for (int i = 0; i < 50; i++) {
                long d = s.backoff(n).toMillis();
                assertThat(d).as("attempt %d", n).isBetween(expected, Math.min(30_000, expected + expected / 4));
            }
        }
    }

    @Test
    void theServersRetryIsTheBaseOfTheBackoffEvenAboveTheCap() {
        ListeningStream s = stream(events -> {
            events.retryHint(45_000);
            return refused();
        });
        s.start();
        assertThat(s.backoff(1)).isEqualTo(Duration.ofSeconds(45));
        assertThat(s.backoff(7)).isEqualTo(Duration.ofSeconds(45));
        s.stop().block(Duration.ofSeconds(5));
    }

    @Test
    void retriesAHundredFailuresInARowAndOpensOnTheNextAttempt() {
        AtomicInteger attempts = new AtomicInteger();
        ListeningStream s = stream(events -> attempts.incrementAndGet() <= 100 ? refused() : Mono.defer(() -> {
            events.opened();
            return Mono.never();
        })).start();

        for (int i = 0; i < 100; i++) {
            time.advanceTimeBy(Duration.ofSeconds(30));
        }

        assertThat(attempts).hasValue(101);
        assertThat(states.get(states.size() - 1).kind()).isEqualTo(ListeningState.Kind.OPEN);
        assertThat(states).filteredOn(st -> st.kind() == ListeningState.Kind.RECONNECTING)
                .extracting(ListeningState::attempts).hasSize(100).endsWith(100);
        s.stop().block(Duration.ofSeconds(5));
        assertThat(states.get(states.size() - 1).kind()).isEqualTo(ListeningState.Kind.STOPPED);
    }

    @Test
    void stopEndsAWaitInProgressAndNoFurtherAttemptIsMade() {
        AtomicInteger attempts = new AtomicInteger();
        ListeningStream s = stream(events -> {
            attempts.incrementAndGet();
            return refused();
        }).start();

        s.stop().block(Duration.ofSeconds(5));
        time.advanceTimeBy(Duration.ofHours(1));

        assertThat(attempts).hasValue(1);
        assertThat(states).extracting(ListeningState::kind).containsExactly(ListeningState.Kind.CONNECTING,
                ListeningState.Kind.RECONNECTING, ListeningState.Kind.STOPPED);
    }

    @Test
    void aSucceedingCallReopensAStreamThatIsBackingOffAfterFailuresAtMostOncePerReconnectDelay() {
        AtomicInteger attempts = new AtomicInteger();
        ListeningStream s = stream(events -> attempts.incrementAndGet() <= 5 ? refused() : Mono.defer(() -> {
            events.opened();
            return Mono.never();
        })).start();
        for (int i = 0; i < 300 && attempts.get() < 5; i++) {
            time.advanceTimeBy(Duration.ofMillis(100)); // attempts 2..5 after 1, 2, 4 and 8 s
        }
        assertThat(attempts).hasValue(5); // the fifth failed just now: waiting 16-20 s

        s.serverReachable(); // too early: the wait began less than the reconnect delay ago
        assertThat(attempts).hasValue(5);
        time.advanceTimeBy(Duration.ofSeconds(1));
        s.serverReachable();

        assertThat(attempts).hasValue(6);
        assertThat(states.get(states.size() - 1).kind()).isEqualTo(ListeningState.Kind.OPEN);
        s.serverReachable(); // open: nothing to do
        assertThat(attempts).hasValue(6);
        s.stop().block(Duration.ofSeconds(5));
    }
}
