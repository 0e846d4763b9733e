package dev.reactivemcp.transport.internal.sse;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Incremental decoder for {@code text/event-stream}, as specified by WHATWG HTML 9.2.6 "Interpreting
 * an event stream". It takes raw bytes in chunks of any size and split at any byte.
 *
 * <pre>{@code
 * SseDecoder decoder = new SseDecoder(4 << 20, 1 << 20);
 * Flux<SseEvent> events = SseFlux.decode(body, decoder)   // body: Flux<byte[]>
 *     .doFinally(s -> resumeWith(decoder.lastEventId(), decoder.retryMillis()));
 * }</pre>
 *
 * <ul>
 *   <li>Lines end with CRLF, LF or CR, also when the CR and the LF arrive in different chunks.
 *   <li>One leading UTF-8 BOM is skipped. Text is decoded per complete line, so a character split
 *       across chunks decodes correctly. Malformed UTF-8 becomes U+FFFD; it never fails.
 *   <li>End of stream: the spec discards an event without its closing blank line, and a last line
 *       without a line terminator. So {@link #finish()} never dispatches anything;
 *       {@link #endedMidEvent()} tells whether something was discarded.
 *   <li>{@link #lastEventId()} is the spec's "last event ID string": the {@code id} field value
 *       committed by the blank line that ends an event, even if that event has no {@code data} and
 *       is not dispatched. The {@code id} of an event that the end of stream cut off does not count,
 *       so reconnecting with it does not skip that event. An {@code id} containing NUL is ignored.
 *   <li>Bounds: a line longer than {@code maxLineBytes}, or a data buffer plus current line longer
 *       than {@code maxEventBytes}, throws {@link SseDecodingException}. The decoder is then unusable.
 * </ul>
 *
 * <p>Not thread-safe: feed it from one thread at a time (as a {@code Flux} does).
 * {@link #lastEventId()}, {@link #retryMillis()} and {@link #eventCount()} may be read from any thread.
 */
public final class SseDecoder {

    /**
     * Accounts for the bytes held in the decoder's buffers (a budget shared by many streams): each buffer is
     * reserved before it is allocated and released when dropped. Must be thread-safe.
     */
    public interface Memory {
        /** Reserves {@code bytes}; false when they are not available (decoding then fails). */
        boolean tryReserve(long bytes);

        /** Gives back {@code bytes} reserved before. */
        void release(long bytes);
    }

    private static final Memory UNACCOUNTED = new Memory() {
        @Override
        public boolean tryReserve(long bytes) {
            return true;
        }

        @Override
        public void release(long bytes) {
        }
    };

    private static final byte LF = '\n';
    private static final byte CR = '\r';
    private static final byte COLON = ':';
    private static final byte SPACE = ' ';
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};
    private static final byte[] RETRY = {'r', 'e', 't', 'r', 'y'};
    private static final byte[] MESSAGE = {'m', 'e', 's', 's', 'a', 'g', 'e'};
    private static final byte[] EMPTY = new byte[0];
    private static final int INITIAL_CAPACITY = 256;
    /** Buffers grown beyond this are dropped after use, so one big event does not pin memory. */
    private static final int RETAINED_CAPACITY = 16 * 1024;
    private static final long NO_RETRY = -1;
    /**
     * The largest reconnection time kept, in milliseconds (5 minutes): a larger {@code retry} (a hostile or broken
     * server; beyond about 9.2e12 ms it would overflow a {@code Duration} in nanoseconds) is clamped to it.
     */
    public static final long MAX_RETRY_MILLIS = 5 * 60 * 1000;

    private final int maxEventBytes;
    private final int maxLineBytes;
    private final Memory memory;
    /** Whether the chunks are handed over (never written after {@code feed}): an event may then be a window of one. */
    private final boolean chunksHandedOver;

    private byte[] line = EMPTY;
    private int lineLength;
    /** Each {@code data} value followed by LF, as the spec's data buffer (in UTF-8). */
    private byte[] data = EMPTY;
    /** Bytes of the data buffer, counting the pending line below (and its LF) as if it were copied. */
    private int dataLength;
    /**
     * The event's first data value, not yet copied: {@code pending[pendingFrom, pendingTo)} of the chunk or line
     * being scanned. The usual event has one data line, which is then copied once, straight into the event's own
     * array. Copied into {@link #data} before that array can change (end of the chunk, reuse of the line buffer,
     * a second data line).
     */
    private byte[] pending;
    private int pendingFrom;
    private int pendingTo;
    /** {@code null} means the default type. */
    private String eventType;
    private String idBuffer = "";
    private boolean fieldsPending;
    private boolean skipLf;
    private int bomMatched;
    private boolean bomDone;
    private boolean attached;
    private boolean closed;
    private boolean endedMidEvent;

    private volatile String lastEventId = "";
    private volatile long retryMillis = NO_RETRY;
    /** Written only by the feeding thread, so the non-atomic increment is safe. */
    private volatile long eventCount;

    /**
     * @param maxEventBytes bound on the data buffer plus the current line, in bytes
     * @param maxLineBytes  bound on one line without its terminator, in bytes
     */
    public SseDecoder(int maxEventBytes, int maxLineBytes) {
        this(maxEventBytes, maxLineBytes, UNACCOUNTED);
    }

    /**
     * As {@link #SseDecoder(int, int)}, reserving every buffer in {@code memory} before allocating it; a refused
     * reservation throws {@link SseDecodingException} ({@link SseDecodingException.Limit#MEMORY}). The owner
     * releases what is still held when the stream ends (the decoder's buffers are then garbage).
     */
    public SseDecoder(int maxEventBytes, int maxLineBytes, Memory memory) {
        this(maxEventBytes, maxLineBytes, memory, false);
    }

    /**
     * As {@link #SseDecoder(int, int, Memory)}; with {@code chunksHandedOver} the caller promises that nobody writes
     * to a chunk once it is fed (as a body of fresh arrays, each emitted once), so the usual event, whose one
     * {@code data} line lies within one chunk, keeps a window of that chunk instead of a copy.
     */
    public SseDecoder(int maxEventBytes, int maxLineBytes, Memory memory, boolean chunksHandedOver) {
        this.memory = Objects.requireNonNull(memory, "memory");
        this.chunksHandedOver = chunksHandedOver;
        if (maxEventBytes < 1 || maxLineBytes < 1) {
            throw new IllegalArgumentException(
                    "limits must be positive: maxEventBytes=" + maxEventBytes + ", maxLineBytes=" + maxLineBytes);
        }
        this.maxEventBytes = maxEventBytes;
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * Feeds one chunk and returns the events it completed, in order. If this throws, the events the
     * chunk completed before the failure are lost; the {@link #feed(byte[], Consumer)} variant keeps them.
     */
    public List<SseEvent> feed(byte[] chunk) {
        EventBatch batch = new EventBatch();
        feed(chunk, batch);
        return batch.drainList();
    }

    /**
     * Feeds one chunk, passing each event it completes to {@code sink}, in order. If this throws, the
     * events completed before the failure have been passed on.
     *
     * @throws SseDecodingException if a bound is exceeded
     */
    public void feed(byte[] chunk, Consumer<? super SseEvent> sink) {
        Objects.requireNonNull(chunk, "chunk");
        Objects.requireNonNull(sink, "sink");
        checkOpen();
        boolean ok = false;
        try {
            scan(chunk, sink);
            materializePending(); // the chunk is the caller's: do not keep a reference to it
            ok = true;
        } finally {
            closed = !ok;
            if (!ok) {
                pending = null;
            }
        }
    }

    /**
     * Ends the stream. Per the spec an event without its closing blank line (and a last line without
     * a terminator) is discarded, so the result is always empty; see {@link #endedMidEvent()}.
     */
    public List<SseEvent> finish() {
        checkOpen();
        closed = true;
        endedMidEvent = lineLength > 0 || fieldsPending || (!bomDone && bomMatched > 0);
        memory.release((long) line.length + data.length);
        line = EMPTY;
        data = EMPTY;
        pending = null;
        lineLength = 0;
        dataLength = 0;
        return List.of();
    }

    /** The last event ID committed by a completed event; empty if none. See the class notes. */
    public String lastEventId() {
        return lastEventId;
    }

    /**
     * The last valid {@code retry} value: ASCII digits only, clamped to {@link #MAX_RETRY_MILLIS}. As
     * the spec says, it applies as soon as its line is read, even in an event never completed.
     */
    public OptionalLong retryMillis() {
        long retry = retryMillis;
        return retry == NO_RETRY ? OptionalLong.empty() : OptionalLong.of(retry);
    }

    /** How many events were dispatched so far. */
    public long eventCount() {
        return eventCount;
    }

    /** Whether {@link #finish()} discarded an incomplete event or line. */
    public boolean endedMidEvent() {
        return endedMidEvent;
    }

    /** Marks this decoder as owned by one stream subscription. */
    void attach() {
        if (attached) {
            throw new IllegalStateException("this SseDecoder is already attached to a stream");
        }
        attached = true;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this SseDecoder is finished or failed");
        }
    }

    private void scan(byte[] chunk, Consumer<? super SseEvent> sink) {
        int n = chunk.length;
        int i = bomDone ? 0 : skipBom(chunk);
        if (skipLf && i < n) {
            skipLf = false;
            if (chunk[i] == LF) {
                i++;
            }
        }
        int start = i;
        while (i < n) {
            byte b = chunk[i];
            if (b != LF && b != CR) {
                i++;
                continue;
            }
            if (lineLength == 0) {
                processLine(chunk, start, i, sink);
            } else {
                appendToLine(chunk, start, i);
                int length = lineLength;
                lineLength = 0;
                processLine(line, 0, length, sink);
                if (pending == line) {
                    materializePending(); // the line buffer is about to be reused
                }
                releaseLineIfLarge();
            }
            i++;
            if (b == CR) {
                if (i == n) {
                    skipLf = true;
                } else if (chunk[i] == LF) {
                    i++;
                }
            }
            start = i;
        }
        if (start < n) {
            appendToLine(chunk, start, n);
        }
    }

    /** Consumes a (possibly split) leading BOM; returns where the chunk's content starts. */
    private int skipBom(byte[] chunk) {
        int i = 0;
        while (bomMatched < BOM.length && i < chunk.length) {
            if (chunk[i] != BOM[bomMatched]) {
                bomDone = true;
                appendToLine(BOM, 0, bomMatched); // a partial match was content after all
                return i;
            }
            bomMatched++;
            i++;
        }
        bomDone = bomMatched == BOM.length;
        return i;
    }

    private void appendToLine(byte[] src, int from, int to) {
        int length = to - from;
        int newLength = lineLength + length;
        checkLimits(newLength);
        if (newLength > line.length) {
            line = grow(line, newLength, maxLineBytes);
        }
        System.arraycopy(src, from, line, lineLength, length);
        lineLength = newLength;
    }

    private void checkLimits(int lineBytes) {
        if (lineBytes > maxLineBytes) {
            throw new SseDecodingException(SseDecodingException.Limit.LINE, lineBytes, maxLineBytes);
        }
        long eventBytes = (long) dataLength + lineBytes;
        if (eventBytes > maxEventBytes) {
            throw new SseDecodingException(SseDecodingException.Limit.EVENT, eventBytes, maxEventBytes);
        }
    }

    private byte[] grow(byte[] buffer, int needed, int cap) {
        long doubled = Math.max(INITIAL_CAPACITY, 2L * buffer.length);
        int capacity = (int) Math.max(needed, Math.min(doubled, cap));
        if (!memory.tryReserve(capacity)) {
            throw new SseDecodingException(SseDecodingException.Limit.MEMORY, capacity, 0);
        }
        byte[] grown = Arrays.copyOf(buffer, capacity);
        memory.release(buffer.length);
        return grown;
    }

    private void releaseLineIfLarge() {
        if (line.length > RETAINED_CAPACITY) {
            memory.release(line.length);
            line = EMPTY;
        }
    }

    private void processLine(byte[] buf, int from, int to, Consumer<? super SseEvent> sink) {
        checkLimits(to - from);
        if (from == to) {
            dispatch(sink);
            return;
        }
        if (buf[from] == COLON) {
            return; // comment
        }
        int nameEnd = from;
        while (nameEnd < to && buf[nameEnd] != COLON) {
            nameEnd++;
        }
        int value = nameEnd < to ? nameEnd + 1 : to;
        if (value < to && buf[value] == SPACE) {
            value++;
        }
        field(buf, from, nameEnd, value, to);
    }

    private void field(byte[] buf, int name, int nameEnd, int value, int end) {
        fieldsPending = true;
        int nameLength = nameEnd - name;
        if (nameLength == DATA.length && startsWith(buf, name, DATA)) {
            appendData(buf, value, end);
        } else if (nameLength == EVENT.length && startsWith(buf, name, EVENT)) {
            eventType = value == end || equalsBytes(buf, value, end, MESSAGE) ? null : utf8(buf, value, end);
        } else if (nameLength == 2 && buf[name] == 'i' && buf[name + 1] == 'd') {
            setId(buf, value, end);
        } else if (nameLength == RETRY.length && startsWith(buf, name, RETRY)) {
            setRetry(buf, value, end);
        }
        // other field names are ignored
    }

    private void appendData(byte[] buf, int from, int to) {
        if (dataLength == 0) {
            pending = buf;
            pendingFrom = from;
            pendingTo = to;
            dataLength = (to - from) + 1; // <= maxEventBytes, checkLimits saw the whole line
            return;
        }
        materializePending();
        copyData(buf, from, to);
    }

    /** Copies the pending first data value into the data buffer. */
    private void materializePending() {
        byte[] p = pending;
        if (p != null) {
            pending = null;
            dataLength = 0;
            copyData(p, pendingFrom, pendingTo);
        }
    }

    private void copyData(byte[] buf, int from, int to) {
        int newLength = dataLength + (to - from) + 1; // <= maxEventBytes, checkLimits saw the whole line
        if (newLength > data.length) {
            data = grow(data, newLength, maxEventBytes);
        }
        System.arraycopy(buf, from, data, dataLength, to - from);
        data[newLength - 1] = LF;
        dataLength = newLength;
    }

    private void setId(byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == 0) {
                return;
            }
        }
        idBuffer = utf8(buf, from, to);
    }

    private void setRetry(byte[] buf, int from, int to) {
        if (from == to) {
            return;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int digit = buf[i] - '0';
            if (digit < 0 || digit > 9) {
                return;
            }
            value = value > MAX_RETRY_MILLIS ? value : value * 10 + digit; // stops growing once above the clamp
        }
        retryMillis = Math.min(value, MAX_RETRY_MILLIS);
    }

    private void dispatch(Consumer<? super SseEvent> sink) {
        fieldsPending = false;
        if (!lastEventId.equals(idBuffer)) {
            lastEventId = idBuffer;
        }
        if (dataLength == 0) {
            eventType = null;
            return;
        }
        String type = eventType == null ? SseEvent.DEFAULT_EVENT : eventType;
        SseEvent event;
        if (pending != null && chunksHandedOver && pending != line) {
            event = new SseEvent(idBuffer, type, pending, pendingFrom, pendingTo - pendingFrom); // a window, no copy
        } else {
            byte[] bytes = pending != null
                    ? copy(pending, pendingFrom, pendingTo)
                    : copy(data, 0, dataLength - 1);
            event = new SseEvent(idBuffer, type, bytes);
        }
        pending = null;
        dataLength = 0;
        eventType = null;
        if (data.length > RETAINED_CAPACITY) {
            memory.release(data.length);
            data = EMPTY;
        }
        eventCount++;
        sink.accept(event);
    }

    private static byte[] copy(byte[] buf, int from, int to) {
        return from == to ? EMPTY : Arrays.copyOfRange(buf, from, to);
    }

    private static String utf8(byte[] buf, int from, int to) {
        return from == to ? "" : new String(buf, from, to - from, UTF_8);
    }

    private static boolean startsWith(byte[] buf, int from, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (buf[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean equalsBytes(byte[] buf, int from, int to, byte[] expected) {
        return to - from == expected.length && startsWith(buf, from, expected);
    }
}
