package dev.reactivemcp.oauth.internal.store;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A reactive mutex per key: {@link #withPermit} runs one piece of work per key at a time, in arrival order,
 * without blocking a thread while waiting. A waiter that cancels leaves the queue; a holder that errors or is
 * cancelled releases. Queued waiters are resumed on a scheduler, so a long queue of synchronous work does not
 * grow the stack.
 *
 * @param <K> the key type
 */
public final class KeyedGate<K> {

    private final ConcurrentHashMap<K, Gate> gates = new ConcurrentHashMap<>();
    private final Scheduler handOff;

    /** A gate that resumes queued waiters on {@link Schedulers#parallel()}. */
    public KeyedGate() {
        this(Schedulers.parallel());
    }

    /** A gate that resumes queued waiters on {@code handOff}. */
    public KeyedGate(Scheduler handOff) {
        this.handOff = handOff;
    }

    /** Runs {@code work} while holding {@code key}'s permit; releases on completion, error or cancel. */
    public <T> Mono<T> withPermit(K key, Mono<T> work) {
        return Mono.defer(() -> {
            Gate gate = gates.computeIfAbsent(key, k -> new Gate(handOff));
            return Mono.usingWhen(gate.acquire(), permit -> work, Permit::release,
                    (permit, error) -> permit.release(), Permit::release);
        });
    }

    /** Whether {@code key}'s permit is held right now (for tests and diagnostics). */
    public boolean isHeld(K key) {
        Gate gate = gates.get(key);
        return gate != null && gate.isHeld();
    }

    private static final class Gate {
        private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
        private final Scheduler handOff;
        private boolean held;

        Gate(Scheduler handOff) {
            this.handOff = handOff;
        }

        synchronized boolean isHeld() {
            return held;
        }

        Mono<Permit> acquire() {
            return Mono.create(sink -> {
                Waiter waiter = new Waiter(sink, this);
                boolean now;
                synchronized (this) {
                    now = !held;
                    if (now) {
                        held = true;
                    } else {
                        waiters.add(waiter);
                    }
                }
                sink.onCancel(waiter::abandon);
                if (now) {
                    waiter.grant(false);
                }
            });
        }

        void release() {
            Waiter next;
            synchronized (this) {
                next = waiters.poll();
                if (next == null) {
                    held = false;
                    return;
                }
            }
            next.grant(true);
        }

        synchronized boolean dequeue(Waiter waiter) {
            return waiters.remove(waiter);
        }
    }

    private static final class Waiter {
        private static final int WAITING = 0;
        private static final int GRANTED = 1;
        private static final int ABANDONED = 2;

        private final MonoSink<Permit> sink;
        private final Gate gate;
        private final AtomicInteger state = new AtomicInteger(WAITING);
        private final Permit permit;

        Waiter(MonoSink<Permit> sink, Gate gate) {
            this.sink = sink;
            this.gate = gate;
            this.permit = new Permit(gate);
        }

        void grant(boolean handOff) {
            if (!state.compareAndSet(WAITING, GRANTED)) {
                gate.release();
                return;
            }
            if (handOff) {
                gate.handOff.schedule(() -> sink.success(permit));
            } else {
                sink.success(permit);
            }
        }

        /** The subscriber cancelled before receiving the permit. */
        void abandon() {
            if (state.compareAndSet(WAITING, ABANDONED)) {
                // Either still queued (removed here) or just polled: the grant then finds us abandoned and passes on.
                gate.dequeue(this);
                return;
            }
            // Granted but never delivered: pass it on.
            permit.releaseNow();
        }
    }

    private static final class Permit {
        private final Gate gate;
        private final AtomicBoolean released = new AtomicBoolean();

        Permit(Gate gate) {
            this.gate = gate;
        }

        Mono<Void> release() {
            return Mono.fromRunnable(this::releaseNow);
        }

        void releaseNow() {
            if (released.compareAndSet(false, true)) {
                gate.release();
            }
        }
    }
}
