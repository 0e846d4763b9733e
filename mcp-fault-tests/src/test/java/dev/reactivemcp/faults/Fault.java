package dev.reactivemcp.faults;

import dev.reactivemcp.testsupport.EverythingServer;

import java.time.Duration;

/**
 * The faults of the suite and how each is applied while the driver's calls run. {@link #inject} runs on the test
 * thread, switches the fault on, keeps it on for its phase (bounded in time, ending early once every call has
 * ended), and lifts it.
 */
enum Fault {
    NONE("no fault (control)") {
        @Override void inject(FaultProxy proxy, EverythingServer upstream, Progress progress) {
            progress.awaitDone(PHASE);
        }
    },
    LATENCY("latency 100 ms per server-to-client read") {
        @Override void inject(FaultProxy proxy, EverythingServer upstream, Progress progress) {
            proxy.latency(100);
            progress.awaitDone(PHASE);
        }
    },
    BANDWIDTH("bandwidth 4 KB/s per connection") {
        @Override void inject(FaultProxy proxy, EverythingServer upstream, Progress progress) {
            proxy.bandwidth(4096);
            progress.awaitDone(PHASE);
        }
    },
    RESET_AFTER_BYTES("reset (RST) after 1..4000 bytes, every connection") {
        @Override void inject(FaultProxy proxy, EverythingServer upstream, Progress progress) {
            proxy.resetAfterBytes(4000);
            progress.awaitDone(PHASE);
        }
    },
    MID_STREAM_RESET("reset inside 10% of SSE responses") {
        @Override void inject(FaultProxy proxy, EverythingServer upstream, Progress progress) {
            proxy.midStreamReset(0.10);
            progress.awaitDone(PHASE);
        }
    },
    HALF_CLOSE("half-close (FIN) towards the client after 1..4000 bytes") {
        @Override void inject(FaultProxy proxy, EverythingServer upstream, Progress progress) {
            proxy.halfCloseAfterBytes(4000);
            progress.awaitDone(PHASE);
        }
    },
    BLACK_HOLE("black hole for 6 s (accept, never answer)") {
        @Override void inject(FaultProxy proxy, EverythingServer upstream, Progress progress) {
            proxy.blackHole(true);
            progress.awaitDone(Duration.ofSeconds(6));
        }
    },
    BURST_503_RETRY_AFTER("503 bursts with Retry-After: 1 (300 ms of every 1 s)") {
        @Override void inject(FaultProxy proxy, EverythingServer upstream, Progress progress) {
            bursts(proxy, "1", progress);
        }
    },
    BURST_503("503 bursts without Retry-After (300 ms of every 1 s)") {
        @Override void inject(FaultProxy proxy, EverythingServer upstream, Progress progress) {
            bursts(proxy, null, progress);
        }
    },
    FLAPPING("flapping: upstream away 2 s, back 0.5 s, 5 times") {
        @Override void inject(FaultProxy proxy, EverythingServer upstream, Progress progress) {
            for (int i = 0; i < 5; i++) {
                proxy.down();
                progress.sleep(Duration.ofMillis(2000));
                proxy.up();
                progress.sleep(Duration.ofMillis(500));
            }
        }
    },
    SERVER_RESTART("server-everything killed and restarted on the same port mid-run") {
        @Override void inject(FaultProxy proxy, EverythingServer upstream, Progress progress) {
            progress.awaitCompleted(progress.total() / 4, PHASE);
            upstream.restart();
            progress.awaitDone(PHASE);
        }
    };

    static final Duration PHASE = Duration.ofSeconds(10);

    final String description;

    Fault(String description) {
        this.description = description;
    }

    abstract void inject(FaultProxy proxy, EverythingServer upstream, Progress progress);

    private static void bursts(FaultProxy proxy, String retryAfter, Progress progress) {
        long end = System.nanoTime() + PHASE.toNanos();
        while (System.nanoTime() < end && !progress.done()) {
            proxy.serviceUnavailable(true, retryAfter);
            progress.sleep(Duration.ofMillis(300));
            proxy.serviceUnavailable(false, null);
            progress.sleep(Duration.ofMillis(700));
        }
    }

    /** What the fault schedule sees of the calls in flight. */
    interface Progress {
        int total();

        int completed();

        boolean done();

        /** Waits until every call has ended or the time is up. */
        void awaitDone(Duration max);

        void awaitCompleted(int count, Duration max);

        void sleep(Duration duration);
    }
}
