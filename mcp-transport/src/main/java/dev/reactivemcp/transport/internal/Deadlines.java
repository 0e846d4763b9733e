package dev.reactivemcp.transport.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import reactor.core.scheduler.Scheduler;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The deadlines of many in-flight operations that share one duration (a session's request timeout, the drain grace
 * of its response streams), watched by at most one task scheduled at a time.
 *
 * <p>A per-call {@code timeout(...)} operator schedules and cancels one timer task per call (a delayed-queue insert
 * and removal under the executor's lock, plus the operator's own objects). Here an entry is linked into one FIFO
 * under a short lock and unlinked when its operation ends, with no allocation: the entry is the operation's own
 * subscriber. Because every entry has the same duration, the FIFO is ordered by deadline (up to the microseconds
 * between computing a deadline and taking the lock), so one task, scheduled for the oldest deadline, suffices: when
 * it runs it expires what is due and schedules itself for the next oldest deadline, if any. With a steady load that
 * is one scheduling per {@code duration}, whatever the call rate.
 *
 * <p>Time is the scheduler's ({@link Scheduler#now(TimeUnit)}), so virtual-time tests see the exact duration being
 * scheduled for a lone call and its expiry exactly at its deadline. Expiry runs on the scheduler's thread, outside
 * the lock. When the scheduler rejects the task, every linked entry expires at once (on the rejected thread).
 */
final class Deadlines {

    private static final Logger log = Loggers.getLogger(Deadlines.class);

    /** An operation with a deadline; linked into at most one {@link Deadlines} at a time. */
    abstract static class Entry {
        private Entry prev;
        private Entry next;
        private long deadline;
        private boolean linked;

        /** The deadline passed ({@code closed} false) or the owner closed everything ({@code closed} true). */
        abstract void expire(boolean closed);
    }

    private final Scheduler scheduler;
    private final long durationNanos;
    private Entry head; // guarded by this
    private Entry tail; // guarded by this
    private boolean sweepPending; // guarded by this
    private boolean closed; // guarded by this

    /** Longest duration honoured (50 years): longer ones are capped, so deadlines never overflow. */
    static final long MAX_NANOS = java.time.Duration.ofDays(365L * 50).toNanos();

    Deadlines(Scheduler scheduler, java.time.Duration duration) {
        this.scheduler = scheduler;
        this.durationNanos = duration.compareTo(java.time.Duration.ofNanos(MAX_NANOS)) > 0 ? MAX_NANOS
                : duration.toNanos();
    }

    /**
     * Links {@code e} with a deadline of now plus the duration. Answers false, linking nothing, when this was
     * {@link #closeAll() closed}: the caller fails the operation itself.
     */
    boolean add(Entry e) {
        boolean schedule;
        synchronized (this) {
            if (closed) {
                return false;
            }
            // Read under the lock, so the list stays ordered by deadline even when an adder is preempted.
            e.deadline = scheduler.now(TimeUnit.NANOSECONDS) + durationNanos;
            e.prev = tail;
            e.next = null;
            if (tail == null) {
                head = e;
            } else {
                tail.next = e;
            }
            tail = e;
            e.linked = true;
            schedule = !sweepPending;
            sweepPending = true;
        }
        if (schedule) {
            schedule(durationNanos);
        }
        return true;
    }

    /** Unlinks {@code e}; nothing when it is not linked (ended, expired, or never added). */
    void remove(Entry e) {
        synchronized (this) {
            if (e.linked) {
                unlink(e);
            }
        }
    }

    /** Expires every linked entry with {@code closed = true}; later {@link #add}s answer false. */
    void closeAll() {
        Entry chain;
        synchronized (this) {
            closed = true;
            chain = detachWhile(Long.MAX_VALUE, true);
        }
        fire(chain, true);
    }

    /** How many entries are linked (for tests). */
    synchronized int size() {
        int n = 0;
        for (Entry e = head; e != null; e = e.next) {
            n++;
        }
        return n;
    }

    private void sweep() {
        long now = scheduler.now(TimeUnit.NANOSECONDS);
        Entry due;
        long nextDelay;
        synchronized (this) {
            due = detachWhile(now, false);
            if (head == null) {
                sweepPending = false;
                nextDelay = -1;
            } else {
                nextDelay = Math.max(0, head.deadline - now);
            }
        }
        if (nextDelay >= 0) {
            schedule(nextDelay);
        }
        fire(due, false);
    }

    /** Unlinks the entries from the head whose deadline is at most {@code now}, chained through {@code next}. */
    private Entry detachWhile(long now, boolean all) {
        Entry first = null;
        Entry last = null;
        while (head != null && (all || head.deadline <= now)) {
            Entry e = head;
            unlink(e);
            if (last == null) {
                first = e;
            } else {
                last.next = e;
            }
            last = e;
        }
        return first;
    }

    private void unlink(Entry e) {
        if (e.prev == null) {
            head = e.next;
        } else {
            e.prev.next = e.next;
        }
        if (e.next == null) {
            tail = e.prev;
        } else {
            e.next.prev = e.prev;
        }
        e.prev = null;
        e.next = null;
        e.linked = false;
    }

    private static void fire(Entry chain, boolean closed) {
        Entry e = chain;
        while (e != null) {
            Entry next = e.next;
            e.next = null;
            try {
                e.expire(closed);
            } catch (RuntimeException ex) {
                log.warn("expiring an operation failed", ex);
            }
            e = next;
        }
    }

    private void schedule(long delayNanos) {
        try {
            scheduler.schedule(this::sweep, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException ex) {
            // Nothing would watch the linked entries any more (a disposed scheduler, or a bounded one that is full):
            // expire them now, as a timeout operator whose timer is rejected fails its call, and let the next add
            // try to schedule again.
            log.warn("the client's scheduler rejected a deadline check ({}); expiring the operations it watched",
                    ex.toString());
            Entry chain;
            synchronized (this) {
                chain = detachWhile(Long.MAX_VALUE, true);
                sweepPending = false;
            }
            fire(chain, false);
        }
    }
}
