package dev.reactivemcp.transport.internal;

import dev.reactivemcp.transport.McpNotification;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Hands server notifications to the subscribers of {@code notifications()}. Streams of several concurrent calls
 * publish from different event loops. Each subscriber has its own queue of at most {@link #BUFFER} notifications:
 * a publisher adds to it (dropping the oldest when it is full, counted in {@link #dropped()} and logged at WARN once
 * per subscription) and delivers only if nobody else is delivering to that subscriber; otherwise it returns at once
 * and the thread already delivering takes its notification too (a work-in-progress counter, no lock). So delivery to
 * one subscriber is never concurrent, no thread spins or waits, no publication fails, and a subscriber that is slow
 * to request, or slow in {@code onNext}, holds at most {@link #BUFFER} notifications.
 */
public final class NotificationHub {

    /** Notifications held per subscriber that has not taken them yet. */
    public static final int BUFFER = 1024;

    private static final Logger log = Loggers.getLogger(NotificationHub.class);

    private static final VarHandle SUBSCRIBERS = LazyInit.handle(MethodHandles.lookup(), "subscribers", Set.class);
    private static final AtomicLongFieldUpdater<NotificationHub> DROPPED =
            AtomicLongFieldUpdater.newUpdater(NotificationHub.class, "dropped");

    /** Created by the first subscription: most clients have none (issue 16, heap per idle client). */
    private volatile Set<Delivery> subscribers;
    private volatile long dropped;
    private volatile boolean completed;

    /** A hot view: the notifications published from its subscription on, until {@link #complete()}. */
    public Flux<McpNotification> flux() {
        return Flux.from(actual -> {
            @SuppressWarnings("unchecked")
            Delivery d = new Delivery((CoreSubscriber<? super McpNotification>) Operators.toCoreSubscriber(actual));
            d.actual.onSubscribe(d);
            subscribers().add(d);
            if (completed) {
                d.complete();
            }
        });
    }

    /** Queues {@code n} for every current subscriber and delivers what nobody else is delivering. */
    public void publish(McpNotification n) {
        Set<Delivery> current = subscribers;
        if (current == null) {
            return;
        }
        for (Delivery d : current) {
            d.offer(n);
        }
    }

    /** Completes every subscriber, present and future, after what they have queued. */
    public void complete() {
        completed = true;
        Set<Delivery> current = subscribers;
        if (current == null) {
            return; // a later subscriber sees completed
        }
        for (Delivery d : current) {
            d.complete();
        }
    }

    /** Notifications dropped so far, summed over all subscribers. */
    public long dropped() {
        return dropped;
    }

    private Set<Delivery> subscribers() {
        return LazyInit.get(SUBSCRIBERS, this, ConcurrentHashMap::newKeySet);
    }

    private final class Delivery implements Subscription {
        final CoreSubscriber<? super McpNotification> actual;
        private final Queue<McpNotification> queue = new ConcurrentLinkedQueue<>();
        private final AtomicInteger size = new AtomicInteger();
        private final AtomicLong requested = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private final AtomicBoolean warned = new AtomicBoolean();
        private volatile boolean done;
        private volatile boolean cancelled;

        Delivery(CoreSubscriber<? super McpNotification> actual) {
            this.actual = actual;
        }

        void offer(McpNotification n) {
            queue.offer(n);
            if (size.incrementAndGet() > BUFFER && queue.poll() != null) {
                size.decrementAndGet();
                long total = DROPPED.incrementAndGet(NotificationHub.this);
                if (warned.compareAndSet(false, true)) {
                    log.warn("a notifications() subscriber fell more than {} notifications behind: dropping the"
                            + " oldest ({} dropped by this client so far)", BUFFER, total);
                }
            }
            drain();
        }

        void complete() {
            done = true;
            drain();
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                requested.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
                drain();
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            subscribers().remove(this);
            if (wip.getAndIncrement() == 0) {
                queue.clear();
            }
        }

        private void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            for (;;) {
                long r = requested.get();
                long emitted = 0;
                while (emitted != r && !cancelled) {
                    McpNotification n = queue.poll();
                    if (n == null) {
                        break;
                    }
                    size.decrementAndGet();
                    try {
                        actual.onNext(n);
                    } catch (Throwable t) { // a subscriber that throws ends its subscription, never the publisher
                        cancel();
                        actual.onError(Operators.onOperatorError(t, actual.currentContext()));
                        return;
                    }
                    emitted++;
                }
                if (cancelled) {
                    queue.clear();
                    return;
                }
                if (done && queue.isEmpty()) {
                    cancelled = true;
                    subscribers().remove(this);
                    actual.onComplete();
                    return;
                }
                if (emitted != 0 && r != Long.MAX_VALUE) {
                    requested.addAndGet(-emitted);
                }
                missed = wip.addAndGet(-missed);
                if (missed == 0) {
                    return;
                }
            }
        }
    }
}
