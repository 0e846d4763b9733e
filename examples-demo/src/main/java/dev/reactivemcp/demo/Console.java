package dev.reactivemcp.demo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Where the demo's lines go: one writer thread behind a lock-free queue, so that a line from an event loop (a
 * progress notification, a server's log) never blocks it. Lines are prefixed with the seconds since the demo
 * started. A ticking line ({@link #tick}) is rewritten in place on a terminal and printed every few seconds
 * otherwise; a normal line first ends it. Every line is also kept ({@link #lines()}) for the test.
 */
final class Console implements AutoCloseable {

    private final PrintStream out;
    private final boolean terminal;
    private final long t0 = System.nanoTime();
    private final long startMillis = System.currentTimeMillis();
    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final Thread writer = new Thread(this::drain, "demo-console");
    private volatile boolean closed;
    private final List<String> lines = new ArrayList<>();
    private boolean ticking;
    private long lastTickPrinted = System.nanoTime() - TimeUnit.SECONDS.toNanos(60);

    Console(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
        writer.setDaemon(true);
        writer.start();
    }

    /** Lock-free for the caller (an event loop may print): a queue and an unpark, no lock to wait for. */
    private void submit(Runnable task) {
        queue.add(task);
        LockSupport.unpark(writer);
    }

    private void drain() {
        while (true) {
            Runnable task = queue.poll();
            if (task != null) {
                task.run();
            } else if (closed) {
                return;
            } else {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(50));
            }
        }
    }

    /** Standard output; ticks in place when it is a terminal. */
    static Console system() {
        return new Console(System.out, System.console() != null);
    }

    /** Seconds since start. */
    double seconds() {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Seconds since start at {@code instant} (wall clock). */
    double secondsAt(java.time.Instant instant) {
        return (instant.toEpochMilli() - startMillis) / 1e3;
    }

    /** A line, stamped now. */
    void line(String text) {
        String stamped = String.format("%6.1f s  %s", seconds(), text);
        submit(() -> {
            endTick();
            out.println(stamped);
            out.flush();
            lines.add(stamped);
        });
    }

    /** A heading: a blank line and the text. */
    void step(String text) {
        submit(() -> {
            endTick();
            out.println();
            out.println(text);
            out.flush();
            lines.add(text);
        });
    }

    /** A line without a stamp. */
    void plain(String text) {
        submit(() -> {
            endTick();
            out.println(text);
            out.flush();
            lines.add(text);
        });
    }

    /** The ticking line: rewritten in place on a terminal, else printed at most every 5 s. */
    void tick(String text) {
        String stamped = String.format("%6.1f s  %s", seconds(), text);
        long now = System.nanoTime();
        submit(() -> {
            if (terminal) {
                out.print("\r\033[K" + stamped);
                out.flush();
                ticking = true;
            } else if (now - lastTickPrinted >= TimeUnit.SECONDS.toNanos(5)) {
                out.println(stamped);
                out.flush();
                lastTickPrinted = now;
            }
        });
    }

    private void endTick() {
        if (ticking) {
            out.println();
            ticking = false;
        }
    }

    /** Every line printed so far (waits for the writer). */
    List<String> lines() {
        CompletableFuture<List<String>> copy = new CompletableFuture<>();
        submit(() -> copy.complete(List.copyOf(lines)));
        try {
            return copy.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        submit(this::endTick);
        closed = true;
        LockSupport.unpark(writer);
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
