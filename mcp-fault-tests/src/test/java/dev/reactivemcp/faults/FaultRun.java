package dev.reactivemcp.faults;

import dev.reactivemcp.testsupport.EverythingServer;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.transport.CallToolResult;
import dev.reactivemcp.transport.McpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionPoolMetrics;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.retry.Retry;

/**
 * One run of one fault: a fresh client through the proxy, {@code calls} echo calls at concurrency 16 with a 5 s
 * timeout and the README's retry while the fault is injected, then 100 recovery calls, a notification check and the
 * connection counts. Every figure is counted from outside the client: results and errors as the caller sees them,
 * executions and connections at the proxy.
 */
final class FaultRun {

    static final int CONCURRENCY = 16;
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    static final int RETRIES = 3;
    static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    /** 4 attempts of 5 s, backoffs of at most 0.15 + 0.3 + 0.6 s (Reactor's 50% jitter), and 3 s of slack. */
    static final Duration HANG_LIMIT = CALL_TIMEOUT.multipliedBy(RETRIES + 1).plusMillis(1050).plusSeconds(3);
    static final int RECOVERY_CALLS = 100;
    static final Duration NOTIFICATION_WAIT = Duration.ofSeconds(6);

    /**
     * The retry filter under test: the README's {@code McpFailures::isSafeToRetry} (before issue 10 item 3 it was
     * {@code isRetryable}, which retried resets after the request was written). {@code echo} is annotated read-only
     * and idempotent, but this client never lists tools, so its calls count as not idempotent here.
     */
    static final Predicate<Throwable> RETRY_FILTER = McpFailures::isSafeToRetry;

    private static final AtomicInteger RUNS = new AtomicInteger();

    record Result(Fault fault, int calls, int ok, Map<String, Integer> failures, int untyped, int hung,
                  int wrongAnswers, int reachedTwice, long sentWithoutSession, int recoveryOk, int notifications, int openBefore,
                  int openAfterRecovery, int staleAfterRecovery, int heldAfterRecovery, int pooledAfterRecovery,
                  int openAfterClose, long injected, long maxCallMillis, long millis) {

        int failed() {
            return failures.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private FaultRun() {
    }

    static Result run(Fault fault, FaultProxy proxy, EverythingServer upstream, int calls) {
        long t0 = System.nanoTime();
        String prefix = "fx" + RUNS.incrementAndGet() + "-";
        proxy.clear();
        // the pool's own view: connections acquired (held by an exchange) and allocated (held or idle in the pool)
        List<ConnectionPoolMetrics> pools = new CopyOnWriteArrayList<>();
        ConnectionProvider pool = ConnectionProvider.builder("faults-" + fault.name().toLowerCase())
                .maxConnections(500).pendingAcquireMaxCount(100_000)
                .metrics(true, () -> (name, id, address, metrics) -> pools.add(metrics))
                .build();
        McpClient client = McpClient.builder(proxy.mcpUri())
                .clientInfo("fault-tests", "1.0.0")
                .requestTimeout(Duration.ofSeconds(10))
                .connectTimeout(Duration.ofSeconds(10))
                .httpClient(HttpClient.create(pool))
                .build();
        LongAdder notifications = new LongAdder();
        Disposable listening = client.notifications()
                .filter(n -> n.method().equals("notifications/message"))
                .subscribe(n -> notifications.increment(), e -> { });
        try {
            client.connect().block(Duration.ofSeconds(15));
            Flux.range(0, 2 * CONCURRENCY).flatMap(i -> client.callTool("echo", Map.of("message", "warm-up")),
                    CONCURRENCY).blockLast(Duration.ofSeconds(15));
            int openBefore = proxy.openConnections();
            long injectedBefore = proxy.injectedFaults();
            long sessionlessBefore = proxy.forwardedWithoutSession();

            // ---- the fault phase: calls run while the schedule injects and lifts the fault
            Tally tally = new Tally();
            Mono<Void> all = Flux.range(0, calls)
                    .flatMap(i -> call(client, prefix + i, tally), CONCURRENCY)
                    .then();
            Disposable running = all.subscribe(v -> { }, e -> { }, () -> { });
            fault.inject(proxy, upstream, tally.progress(calls));
            long injected = proxy.injectedFaults() - injectedBefore;
            proxy.clear();
            tally.progress(calls).awaitDone(HANG_LIMIT.multipliedBy(calls / CONCURRENCY + 2));
            running.dispose();

            // ---- recovery: the fault is lifted; the same calls, same retry
            Tally recovery = new Tally();
            Flux.range(0, RECOVERY_CALLS)
                    .flatMap(i -> call(client, "recovery-" + i, recovery), CONCURRENCY)
                    .blockLast(HANG_LIMIT.multipliedBy(RECOVERY_CALLS / CONCURRENCY + 2));

            int openAfterRecovery = proxy.openConnections();
            long sentWithoutSession = proxy.forwardedWithoutSession() - sessionlessBefore;
            int staleAfterRecovery = proxy.openUnanswerable();
            int heldAfterRecovery = pools.stream().mapToInt(ConnectionPoolMetrics::acquiredSize).sum();
            int pooledAfterRecovery = pools.stream().mapToInt(ConnectionPoolMetrics::allocatedSize).sum();

            // ---- notifications on the listening stream: simulated logging sends one at once, then every 5 s
            long before = notifications.sum();
            startSimulatedLogging(client);
            long deadline = System.nanoTime() + NOTIFICATION_WAIT.toNanos();
            while (notifications.sum() == before && System.nanoTime() < deadline) {
                pause(50);
            }
            int delivered = (int) (notifications.sum() - before);

            listening.dispose();
            client.close().onErrorResume(e -> Mono.empty()).block(Duration.ofSeconds(10));
            pool.disposeLater().block(Duration.ofSeconds(10));
            long closeDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (proxy.openConnections() > 0 && System.nanoTime() < closeDeadline) {
                pause(20);
            }
            return new Result(fault, calls, tally.ok.get(), new TreeMap<>(tally.failures), tally.untyped.get(),
                    tally.hung.get(), tally.wrong.get(), proxy.executedMoreThanOnce(prefix), sentWithoutSession, recovery.ok.get(),
                    delivered, openBefore, openAfterRecovery, staleAfterRecovery, heldAfterRecovery, pooledAfterRecovery,
                    proxy.openConnections(), injected,
                    TimeUnit.NANOSECONDS.toMillis(tally.maxNanos.get()),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        } finally {
            listening.dispose();
            pool.dispose();
            proxy.clear();
        }
    }

    /** One call as the README writes it; never fails, records its outcome. */
    private static Mono<Void> call(McpClient client, String marker, Tally tally) {
        return Mono.defer(() -> {
            long start = System.nanoTime();
            return client.callTool("echo", Map.of("message", marker))
                    .timeout(CALL_TIMEOUT)
                    .retryWhen(Retry.backoff(RETRIES, FIRST_BACKOFF).filter(RETRY_FILTER))
                    .timeout(HANG_LIMIT, Mono.error(new Hung()))
                    .doOnNext(result -> tally.answered(result, marker))
                    .doOnError(tally::failed)
                    .doFinally(signal -> tally.ended(System.nanoTime() - start))
                    .onErrorResume(e -> Mono.empty())
                    .then();
        });
    }

    private static void startSimulatedLogging(McpClient client) {
        for (int i = 0; i < 2; i++) { // the toggle may find it on (a session that survived): then toggle twice
            String text = client.callTool("toggle-simulated-logging", Map.of())
                    .timeout(CALL_TIMEOUT).map(CallToolResult::text)
                    .onErrorResume(e -> Mono.just("failed: " + McpFailures.classify(e).describe()))
                    .block(CALL_TIMEOUT.plusSeconds(1));
            if (text == null || !text.startsWith("Stopped")) {
                return;
            }
        }
    }

    /** A call that did not end within {@link #HANG_LIMIT}: the client hung. */
    static final class Hung extends RuntimeException {
        Hung() {
            super("call did not end within " + HANG_LIMIT, null, false, false);
        }
    }

    private static final class Tally {
        final AtomicInteger ok = new AtomicInteger();
        final AtomicInteger wrong = new AtomicInteger();
        final AtomicInteger untyped = new AtomicInteger();
        final AtomicInteger hung = new AtomicInteger();
        final AtomicInteger ended = new AtomicInteger();
        final AtomicLong maxNanos = new AtomicLong();
        final Map<String, Integer> failures = new ConcurrentHashMap<>();

        void answered(CallToolResult result, String marker) {
            if (result.text() != null && result.text().contains(marker)) {
                ok.incrementAndGet();
            } else {
                wrong.incrementAndGet();
                failures.merge("WrongAnswer", 1, Integer::sum);
            }
        }

        void failed(Throwable e) {
            if (e instanceof Hung) {
                hung.incrementAndGet();
                failures.merge("Hung", 1, Integer::sum);
                return;
            }
            McpFailure f = McpFailures.classify(e);
            if (f instanceof McpFailure.Unknown) {
                untyped.incrementAndGet();
            }
            failures.merge(kind(f), 1, Integer::sum);
        }

        void ended(long nanos) {
            maxNanos.accumulateAndGet(nanos, Math::max);
            ended.incrementAndGet();
        }

        Fault.Progress progress(int total) {
            return new Fault.Progress() {
                @Override public int total() {
                    return total;
                }

                @Override public int completed() {
                    return ended.get();
                }

                @Override public boolean done() {
                    return ended.get() >= total;
                }

                @Override public void awaitDone(Duration max) {
                    awaitCompleted(total, max);
                }

                @Override public void awaitCompleted(int count, Duration max) {
                    long end = System.nanoTime() + max.toNanos();
                    while (ended.get() < count && System.nanoTime() < end) {
                        pause(20);
                    }
                }

                @Override public void sleep(Duration duration) {
                    pause(duration.toMillis());
                }
            };
        }
    }

    static String kind(McpFailure f) {
        String name = f.getClass().getSimpleName();
        if (f instanceof McpFailure.ConnectionFailure c) {
            return name + "(" + c.kind() + ")";
        }
        if (f instanceof McpFailure.ServerError s) {
            return name + "(" + s.status() + ")";
        }
        if (f instanceof McpFailure.RequestRejected r) {
            return name + "(" + r.status() + ")";
        }
        if (f instanceof McpFailure.JsonRpcError j) {
            return name + "(" + j.code() + ")";
        }
        return name;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
