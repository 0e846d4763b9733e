package dev.reactivemcp.transport.internal;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.transport.McpHttpResponse;
import dev.reactivemcp.transport.McpTransportException;
import dev.reactivemcp.transport.internal.sse.SseDecoder;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * The client-wide budget for response bytes held in memory: JSON bodies being collected (and parsed) and the buffers
 * of SSE decoders. The per-message limit bounds one response; this bounds them all together, so a server sending
 * many huge bodies at once gets typed failures instead of an {@code OutOfMemoryError}. Every buffer allocation is
 * reserved before it is made and released when the body is done: on success, error and cancellation alike (an
 * {@link Account} is closed once, releasing whatever it still holds).
 */
public final class BodyBudget {

    private static final long MIB = 1024 * 1024;

    private final long max;
    // plain volatile fields with updaters, not AtomicLong boxes (issue 16, heap per idle client)
    private static final AtomicLongFieldUpdater<BodyBudget> USED =
            AtomicLongFieldUpdater.newUpdater(BodyBudget.class, "used");
    private static final AtomicLongFieldUpdater<BodyBudget> REFUSALS =
            AtomicLongFieldUpdater.newUpdater(BodyBudget.class, "refusals");
    private volatile long used;
    private volatile long refusals;

    /** A budget of {@code max} bytes. */
    public BodyBudget(long max) {
        if (max < 1) {
            throw new IllegalArgumentException("the budget must be positive");
        }
        this.max = max;
    }

    /**
     * The default: a quarter of the JVM's maximum heap, between 16 MiB and 256 MiB, and never below two messages of
     * {@code maxMessageBytes}.
     */
    public static long defaultMax(int maxMessageBytes) {
        long quarter = Runtime.getRuntime().maxMemory() / 4;
        long clamped = Math.max(16 * MIB, Math.min(256 * MIB, quarter));
        return Math.max(clamped, 2L * maxMessageBytes);
    }

    /** The budget in bytes. */
    public long max() {
        return max;
    }

    /** Bytes reserved now. */
    public long inUse() {
        return used;
    }

    /** How many reservations were refused so far. */
    public long refusals() {
        return refusals;
    }

    boolean tryReserve(long bytes) {
        for (;;) {
            long u = used;
            if (u + bytes > max) {
                REFUSALS.incrementAndGet(this);
                return false;
            }
            if (USED.compareAndSet(this, u, u + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        USED.addAndGet(this, -bytes);
    }

    /** An account for one body or stream; close it when done. */
    public Account open() {
        return new Account(this);
    }

    /** The typed failure when the budget is spent: a protocol error, as for a single body above its limit. */
    McpTransportException exhausted(String what) {
        String detail = what + " would exceed the client's budget of " + max + " bytes for buffered response bodies"
                + " (McpClient.Builder#maxBufferedBytes)";
        return new McpTransportException(new McpFailure.ProtocolError(detail), detail, null);
    }

    /**
     * Collects the body of {@code response} (at most {@code maxBytes}) within the budget and hands it to
     * {@code parse} (array and length) before releasing it, so the bytes are counted until parsed. Fails with a
     * typed protocol error beyond {@code maxBytes} or beyond the budget; the connection is then cancelled.
     */
    public <T> Mono<T> collect(McpHttpResponse response, int maxBytes, Parser<T> parse) {
        return Mono.defer(() -> {
            Account account = open();
            Collector collector = new Collector(maxBytes, account, initialCapacity(response, maxBytes));
            // takeWhile, not an accumulator that throws: Reactor Netty's body completes when cancelled.
            return response.body().takeWhile(collector::tryAppend)
                    .then(Mono.fromCallable(() -> collector.parse(parse)))
                    .doFinally(s -> account.close());
        });
    }

    /** Parses {@code length} bytes of {@code bytes}. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(byte[] bytes, int length);
    }

    private static int initialCapacity(McpHttpResponse response, int maxBytes) {
        String length = response.headers().first("Content-Length").orElse(null);
        if (length != null) {
            try {
                long n = Long.parseLong(length.trim());
                if (n >= 0) {
                    return (int) Math.min(n, Math.min(maxBytes, 1 << 20));
                }
            } catch (NumberFormatException e) {
                return 256;
            }
        }
        return 256;
    }

    /**
     * The bytes one body or SSE stream holds. Thread-safe: a cancellation may close it while the event loop still
     * feeds; after close, reservations are refused and releases are ignored (all was given back at close).
     */
    public static final class Account implements SseDecoder.Memory {
        private static final long CLOSED = Long.MIN_VALUE;
        private final BodyBudget budget;
        private final AtomicLong held = new AtomicLong();

        private Account(BodyBudget budget) {
            this.budget = budget;
        }

        @Override
        public boolean tryReserve(long bytes) {
            if (bytes <= 0) {
                return true;
            }
            if (held.get() == CLOSED || !budget.tryReserve(bytes)) {
                return false;
            }
            for (;;) {
                long h = held.get();
                if (h == CLOSED) {
                    budget.release(bytes);
                    return false;
                }
                if (held.compareAndSet(h, h + bytes)) {
                    return true;
                }
            }
        }

        @Override
        public void release(long bytes) {
            if (bytes <= 0) {
                return;
            }
            for (;;) {
                long h = held.get();
                if (h == CLOSED) {
                    return;
                }
                long next = Math.max(0, h - bytes);
                if (held.compareAndSet(h, next)) {
                    budget.release(h - next);
                    return;
                }
            }
        }

        /** Gives back everything held; later calls do nothing. */
        public void close() {
            long h = held.getAndSet(CLOSED);
            if (h > 0) {
                budget.release(h);
            }
        }

        /** The typed failure for a refused reservation. */
        public McpTransportException exhausted(String what) {
            return budget.exhausted(what);
        }
    }

    /** A bounded body buffer whose allocations are reserved first; the first chunk is adopted, not copied. */
    private static final class Collector {
        private final int max;
        private final Account account;
        private final int initial;
        private byte[] first;
        private byte[] buf;
        private int size;
        private boolean tooLarge;
        private boolean overBudget;

        Collector(int max, Account account, int initial) {
            this.max = max;
            this.account = account;
            this.initial = initial;
        }

        boolean tryAppend(byte[] chunk) {
            if ((long) size + chunk.length > max) {
                tooLarge = true;
                return false;
            }
            if (chunk.length == 0) {
                return true;
            }
            if (size == 0) {
                if (!reserve(chunk.length)) {
                    return false;
                }
                first = chunk;
                size = chunk.length;
                return true;
            }
            int needed = size + chunk.length;
            if (buf == null) {
                int capacity = Math.max(initial, needed);
                if (!reserve(capacity)) {
                    return false;
                }
                buf = Arrays.copyOf(first, capacity);
                account.release(first.length);
                first = null;
            } else if (needed > buf.length) {
                int capacity = (int) Math.max(Math.min(2L * buf.length, max), needed);
                if (!reserve(capacity)) {
                    return false;
                }
                int old = buf.length;
                buf = Arrays.copyOf(buf, capacity);
                account.release(old);
            }
            System.arraycopy(chunk, 0, buf, size, chunk.length);
            size = needed;
            return true;
        }

        private boolean reserve(long bytes) {
            if (account.tryReserve(bytes)) {
                return true;
            }
            overBudget = true;
            return false;
        }

        <T> T parse(Parser<T> parser) {
            if (tooLarge) {
                String detail = "response body exceeds the limit of " + max + " bytes";
                throw new McpTransportException(new McpFailure.ProtocolError(detail), detail, null);
            }
            if (overBudget) {
                throw account.exhausted("a response body of more than " + size + " bytes");
            }
            byte[] bytes = first != null ? first : buf != null ? buf : new byte[0];
            return parser.parse(bytes, size);
        }
    }
}
