package dev.reactivemcp.transport;

import static dev.reactivemcp.transport.Clients.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.transport.internal.NotificationHub;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/**
 * A server that floods notifications on several concurrent calls: delivery is serialised per subscriber without
 * spinning or failing a call, and a subscriber that does not keep up loses the oldest beyond its buffer, counted.
 */
class NotificationFloodTest {

    private static final int PER_CALL = 20_000;
    private static final int CALLS = 4;
    private static final String RESULT = "{\"content\":[{\"type\":\"text\",\"text\":\"ok\"}]}";

    @RegisterExtension
    final LoopbackMcp mcp = new LoopbackMcp();
    private StreamingServer server;
    private McpClient client;

    @Test
    void concurrentCallsFloodedWithNotificationsAllSucceedAndSubscribersThatFallBehindKeepTheNewestAndCountTheRest() {
        server = mcp.closeAfter(StreamingServer.start(StreamingServer.legacySession((ex, resp) -> {
            String call = String.valueOf(Map.class.cast(ex.json().get("params")).get("name"));
            Flux<String> flood = Flux.range(0, PER_CALL / 100).map(batch -> {
                StringBuilder sb = new StringBuilder();
                for (int i = batch * 100; i < batch * 100 + 100; i++) {
                    sb.append("data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":"
                            + "{\"level\":\"info\",\"data\":\"").append(call).append('-').append(i).append("\"}}\n\n");
                }
                return sb.toString();
            });
            return StreamingServer.sse(resp, flood.concatWith(Flux.just("data: " + ex.response(RESULT) + "\n\n")));
        })));
        client = mcp.client(Clients.legacy(server.uri()));
        client.connect().block(WAIT);

        // A subscriber that requests everything but now and then works for 60 ms on the thread that delivers to it
        // (longer than the 50 ms the old emitter span for before failing the call with an EmissionException): while
        // it works, the other streams queue for it, beyond 1,024 dropping the oldest.
        java.util.Queue<String> all = new java.util.concurrent.ConcurrentLinkedQueue<>();
        AtomicInteger count = new AtomicInteger();
        Set<String> deliveringThreads = ConcurrentHashMap.newKeySet();
        AtomicInteger concurrentDeliveries = new AtomicInteger();
        AtomicInteger inside = new AtomicInteger();
        client.notifications().subscribe(n -> {
            if (inside.incrementAndGet() > 1) {
                concurrentDeliveries.incrementAndGet();
            }
            deliveringThreads.add(Thread.currentThread().getName());
            all.add(String.valueOf(n.params().get("data")));
            if (count.incrementAndGet() % 5_000 == 1) {
                long until = System.nanoTime() + 60_000_000L;
                long spins = 0;
                while (System.nanoTime() < until) {
                    spins++; // CPU work, not blocking
                }
                deliveringThreads.add("spun " + (spins > 0));
            }
            inside.decrementAndGet();
        });
        // A subscriber that requests nothing until the calls are over.
        Lagging lagging = new Lagging();
        client.notifications().subscribe(lagging);
        // A subscriber that only counts.
        AtomicInteger counted = new AtomicInteger();
        client.notifications().subscribe(n -> counted.incrementAndGet());

        List<CallToolResult> results = Flux.range(0, CALLS)
                .flatMap(i -> client.callTool("c" + i, Map.of()))
                .collectList().block(WAIT);
        lagging.requestUnbounded();
        client.close().block(WAIT);

        assertThat(results).as("every call succeeded").hasSize(CALLS).allSatisfy(r -> assertThat(r.text()).isEqualTo("ok"));
        int total = CALLS * PER_CALL;
        assertThat(all).doesNotHaveDuplicates();
        assertThat(concurrentDeliveries).as("never two deliveries at once to one subscriber").hasValue(0);
        assertThat(lagging.received).as("the subscriber that requested nothing keeps the newest buffer's worth")
                .hasSize(NotificationHub.BUFFER);
        assertThat(all.size() + lagging.received.size() + counted.get())
                .as("every notification is delivered or counted as dropped, for each of the 3 subscribers")
                .isEqualTo(3 * total - client.droppedNotifications());
        assertThat(client.droppedNotifications()).isGreaterThanOrEqualTo(total - NotificationHub.BUFFER);
        assertThat(lagging.completed).as("close() completes the subscribers").isTrue();
        for (int c = 0; c < CALLS; c++) {
            int call = c;
            List<Integer> order = all.stream().filter(s -> s.startsWith("c" + call + "-"))
                    .map(s -> Integer.parseInt(s.substring(s.indexOf('-') + 1))).toList();
            assertThat(order).as("one call's notifications arrive in order").isSorted();
        }
        deliveringThreads.remove("spun true");
        System.out.printf("notification flood: %d calls x %d notifications, delivered on %s; received: counting"
                        + " subscriber %d, subscriber working 60 ms now and then %d, subscriber requesting nothing %d;"
                        + " dropped %d%n", CALLS, PER_CALL, deliveringThreads, counted.get(), all.size(),
                lagging.received.size(), client.droppedNotifications());
    }

    private static final class Lagging extends BaseSubscriber<McpNotification> {
        final java.util.Queue<McpNotification> received = new java.util.concurrent.ConcurrentLinkedQueue<>();
        volatile boolean completed;

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            // no request yet
        }

        @Override
        protected void hookOnNext(McpNotification value) {
            received.add(value);
        }

        @Override
        protected void hookOnComplete() {
            completed = true;
        }
    }
}
