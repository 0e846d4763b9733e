package dev.reactivemcp.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.transport.McpNotification;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The maps a client creates on first use instead of eagerly (issue 16, heap per idle client): when the first users
 * race, they all get one map, so nothing one of them writes is lost (real threads released together, many rounds).
 */
class LazyMapsTest {

    private static final int THREADS = 4;
    private static final int ROUNDS = 300;

    private static ExecutorService pool;

    @BeforeAll
    static void startPool() {
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @AfterAll
    static void stopPool() {
        pool.shutdownNow();
    }

    /** Runs {@code action(i)} on {@link #THREADS} threads released at once, and waits for all. */
    private static void race(IntConsumer action) throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            int n = i;
            done.add(pool.submit(() -> {
                start.await(10, TimeUnit.SECONDS);
                action.accept(n);
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(10, TimeUnit.SECONDS);
        }
    }

    static final class Holder {
        static final VarHandle MAP = LazyInit.handle(MethodHandles.lookup(), "map", Map.class);
        volatile Map<Integer, Integer> map;
    }

    @Test
    void racingFirstUsersAllGetTheSameMapAndKeepEveryWrite() throws Exception {
        AtomicInteger created = new AtomicInteger();
        for (int round = 0; round < ROUNDS; round++) {
            Holder h = new Holder();
            Set<Map<Integer, Integer>> seen = ConcurrentHashMap.newKeySet();
            race(i -> {
                Map<Integer, Integer> m = LazyInit.<Map<Integer, Integer>>get(Holder.MAP, h, () -> {
                    created.incrementAndGet();
                    return new ConcurrentHashMap<>();
                });
                seen.add(m);
                m.put(i, i);
            });
            assertThat(seen).as("round %d", round).hasSize(1).containsExactly(h.map);
            assertThat(h.map).as("round %d", round).hasSize(THREADS);
        }
        assertThat(created.get()).as("a loser's fresh map may be made, but never used").isGreaterThanOrEqualTo(ROUNDS);
    }

    @Test
    void toolsListedFromSeveralThreadsAtOnceAreAllRemembered() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            Idempotence idempotence = new Idempotence();
            race(i -> idempotence.learn(Map.of("tools", List.of(
                    Map.of("name", "t" + i, "annotations", Map.of("readOnlyHint", true))))));
            for (int i = 0; i < THREADS; i++) {
                assertThat(idempotence.test("tools/call", Map.of("name", "t" + i))).as("round %d, t%d", round, i)
                        .isTrue();
            }
        }
    }

    @Test
    void subscribersArrivingTogetherEachReceiveWhatIsPublishedAfter() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            NotificationHub hub = new NotificationHub();
            List<String> received = new CopyOnWriteArrayList<>();
            race(i -> hub.flux().subscribe(n -> received.add(i + ":" + n.method())));
            hub.publish(new McpNotification("notifications/message", Map.of()));
            assertThat(received).as("round %d", round).hasSize(THREADS);
            hub.complete();
        }
    }

    @Test
    void anIdleHubPublishesToNobodyAndCompletesLaterSubscribers() {
        NotificationHub hub = new NotificationHub();
        hub.publish(new McpNotification("notifications/message", Map.of()));
        hub.complete();
        List<Object> events = new CopyOnWriteArrayList<>();
        hub.flux().subscribe(events::add, events::add, () -> events.add("complete"));
        assertThat(events).containsExactly("complete");
        assertThat(hub.dropped()).isZero();
    }
}
