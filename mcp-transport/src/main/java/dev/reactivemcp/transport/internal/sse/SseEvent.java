package dev.reactivemcp.transport.internal.sse;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Arrays;
import java.util.Objects;

/**
 * One dispatched Server-Sent Event (WHATWG HTML 9.2.6, "dispatch the event").
 *
 * <p>The data is kept as the UTF-8 bytes the server sent, so that a JSON payload can be parsed without a round
 * trip through a {@code String} ({@link #dataArray()}, {@link #dataOffset()}, {@link #dataLength()}: a window of the
 * body chunk it came in when the decoder was told the chunks are handed over, so not even copied); {@link #data()}
 * decodes it on first use. Equality is by id, event and decoded data.
 */
public final class SseEvent {

    /** The event type used when the event has no {@code event} field. */
    public static final String DEFAULT_EVENT = "message";

    private static final byte[] NO_BYTES = new byte[0];

    private final String id;
    private final String event;
    /**
     * Holds the data at {@code [dataOffset, dataOffset + dataLength)}: this event's own array, or a body chunk handed
     * over to the decoder (which nobody writes to). Never handed to anyone who may write to it.
     */
    private final byte[] dataBytes;
    private final int dataOffset;
    private final int dataLength;
    /** Decoded lazily; racy but idempotent (Strings are immutable and safely published). */
    private String data;

    /**
     * @param id    the last event ID at dispatch time; empty if the server never sent one (or cleared it)
     * @param event the event type; {@code "message"} when no (or an empty) {@code event} field was seen
     * @param data  the {@code data} field values joined with LF, without a trailing LF; may be empty
     */
    public SseEvent(String id, String event, String data) {
        this.id = Objects.requireNonNull(id, "id");
        this.event = Objects.requireNonNull(event, "event");
        this.data = Objects.requireNonNull(data, "data");
        this.dataBytes = data.isEmpty() ? NO_BYTES : data.getBytes(UTF_8);
        this.dataOffset = 0;
        this.dataLength = dataBytes.length;
    }

    /** An event owning {@code dataBytes} (the caller hands it over and keeps no reference). */
    SseEvent(String id, String event, byte[] dataBytes) {
        this(id, event, dataBytes, 0, dataBytes.length);
    }

    /**
     * An event whose data is {@code length} bytes of {@code bytes} from {@code offset}; the caller hands the array
     * over (nobody writes to it any more).
     */
    SseEvent(String id, String event, byte[] bytes, int offset, int length) {
        this.id = Objects.requireNonNull(id, "id");
        this.event = Objects.requireNonNull(event, "event");
        Objects.checkFromIndexSize(offset, length, bytes.length);
        this.dataBytes = length == 0 ? NO_BYTES : bytes;
        this.dataOffset = length == 0 ? 0 : offset;
        this.dataLength = length;
        this.data = length == 0 ? "" : null;
    }

    /** The last event ID at dispatch time; empty if the server never sent one (or cleared it). */
    public String id() {
        return id;
    }

    /** The event type; {@code "message"} when no (or an empty) {@code event} field was seen. */
    public String event() {
        return event;
    }

    /**
     * The {@code data} field values joined with LF, without a trailing LF; may be empty. Malformed UTF-8 reads as
     * U+FFFD.
     */
    public String data() {
        String d = data;
        if (d == null) {
            d = new String(dataBytes, dataOffset, dataLength, UTF_8);
            data = d;
        }
        return d;
    }

    /**
     * The data as UTF-8 bytes, exactly: the event's own array when it has one (callers must not modify it), else a
     * copy of its window. Parsers that read bytes use {@link #dataArray()}, {@link #dataOffset()} and
     * {@link #dataLength()} instead (e.g. {@code JsonCodec#read(byte[], int, int, String)}), which never copy.
     */
    public byte[] dataBytes() {
        return dataOffset == 0 && dataLength == dataBytes.length
                ? dataBytes : Arrays.copyOfRange(dataBytes, dataOffset, dataOffset + dataLength);
    }

    /** The array holding the data at {@link #dataOffset()}, for {@link #dataLength()} bytes; callers must not modify it. */
    public byte[] dataArray() {
        return dataBytes;
    }

    /** Where the data starts in {@link #dataArray()}. */
    public int dataOffset() {
        return dataOffset;
    }

    /** The data length in UTF-8 bytes; 0 when the data is empty. */
    public int dataLength() {
        return dataLength;
    }

    /** Whether the data is empty. */
    public boolean isEmpty() {
        return dataLength == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SseEvent e && id.equals(e.id) && event.equals(e.event) && data().equals(e.data());
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, event, data());
    }

    /** Length only: payloads can be large and may carry secrets, so they stay out of logs. */
    @Override
    public String toString() {
        return "SseEvent[id=" + id + ", event=" + event + ", data.length=" + data().length() + "]";
    }
}
