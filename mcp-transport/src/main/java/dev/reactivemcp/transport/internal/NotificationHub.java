package dev.reactivemcp.transport.internal;

import dev.reactivemcp.transport.McpNotification;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Hands server notifications to the subscribers of {@code notifications()}. Streams of several concurrent calls
 * publish from different event loops: each subscriber's sink serialises them (a publisher that finds the sink busy
 * queues its notification and returns; whoever holds the sink delivers it), so no thread spins and no emission
 * fails. Each subscriber has a buffer of {@link #BUFFER} notifications for the time it does not request: when it
 * falls further behind, the oldest are dropped and counted ({@link #dropped()}), and the first drop of a
 * subscription is logged at WARN. The publishing call never waits for a subscriber.
 */
public final class NotificationHub {

    /** Notifications buffered per subscriber that has not requested them. */
    public static final int BUFFER = 1024;

    private static final Logger log = Loggers.getLogger(NotificationHub.class);

    private final Set<FluxSink<McpNotification>> sinks = ConcurrentHashMap.newKeySet();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean completed;

    /** A hot view: the notifications published from its subscription on, until {@link #complete()}. */
    public Flux<McpNotification> flux() {
        return Flux.defer(() -> {
            boolean[] warned = new boolean[1];
            return Flux.<McpNotification>create(this::register, FluxSink.OverflowStrategy.BUFFER)
                    .onBackpressureBuffer(BUFFER, n -> onDrop(warned), BufferOverflowStrategy.DROP_OLDEST);
        });
    }

    private void register(FluxSink<McpNotification> sink) {
        sinks.add(sink);
        sink.onDispose(() -> sinks.remove(sink));
        if (completed) {
            sinks.remove(sink);
            sink.complete();
        }
    }

    private void onDrop(boolean[] warned) {
        long total = dropped.incrementAndGet();
        if (!warned[0]) { // the overflow callback runs serialised per subscription
            warned[0] = true;
            log.warn("a notifications() subscriber fell more than {} notifications behind: dropping the oldest"
                    + " ({} dropped by this client so far)", BUFFER, total);
        }
    }

    /** Delivers {@code n} to every current subscriber; never blocks, spins or fails. */
    public void publish(McpNotification n) {
        for (FluxSink<McpNotification> sink : sinks) {
            sink.next(n);
        }
    }

    /** Completes every subscriber, present and future. */
    public void complete() {
        completed = true;
        for (FluxSink<McpNotification> sink : sinks) {
            sink.complete();
        }
    }

    /** Notifications dropped so far, summed over all subscribers. */
    public long dropped() {
        return dropped.get();
    }
}
