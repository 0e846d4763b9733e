package dev.reactivemcp.oauth.tokens;

import static dev.reactivemcp.oauth.tokens.Fixtures.ENDPOINT;
import static dev.reactivemcp.oauth.tokens.Fixtures.credentials;
import static dev.reactivemcp.oauth.tokens.Fixtures.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.oauth.InMemoryTokenStore;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.oauth.internal.filter.TokenEngine;
import dev.reactivemcp.oauth.tokens.Fixtures.EngineBuilder;
import dev.reactivemcp.oauth.tokens.Fixtures.FakeExchange;
import dev.reactivemcp.oauth.tokens.Fixtures.FakeRefresher;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The renewal deadline runs on the engine's injected scheduler: it fires in virtual time, to the millisecond. */
class InjectedTimeTest {

    private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    private final TestClock clock = TestClock.following(vts);
    private final InMemoryTokenStore store = new InMemoryTokenStore();
    private final FakeRefresher refresher = new FakeRefresher(clock);

    @AfterEach
    void stop() {
        vts.dispose();
    }

    @Test
    void aTokenEndpointThatNeverAnswersFailsTheWaitingCallerAtTheRefreshTimeoutInVirtualTime() {
        store.save(credentials("at-0", "rt-0", TestClock.BASE.minusSeconds(1))).block();
        refresher.holdUntil = Mono.never();
        EngineBuilder b = new EngineBuilder(store, refresher);
        b.clock = clock;
        b.timer = vts;
        TokenEngine engine = b.build();
        AtomicReference<Throwable> failed = new AtomicReference<>();

        engine.filterFor(ENDPOINT).filter(post(), FakeExchange.accepting(t -> true)).subscribe(r -> { }, failed::set);
        vts.advanceTimeBy(Fixtures.NO_JITTER.refreshTimeout().minusMillis(1));
        assertThat(failed.get()).as("1 ms before the refresh timeout").isNull();
        assertThat(refresher.calls).hasValue(1);

        vts.advanceTimeBy(Duration.ofMillis(1));
        assertThat(failed.get()).as("at the refresh timeout").isNotNull();
        assertThat(McpFailures.classify(failed.get())).isInstanceOfSatisfying(McpFailure.TokenRefreshFailed.class,
                f -> assertThat(f.terminal()).as("a timeout is transient").isFalse());
        assertThat(store.findByEndpoint(ENDPOINT).collectList().block()).singleElement()
                .satisfies(c -> assertThat(c.rejected()).as("not marked rejected").isFalse());
    }
}
