package dev.reactivemcp.transport.internal.sse;

/**
 * An event stream broke one of the {@link SseDecoder} bounds. Internal: the transport translates it
 * at its boundary. The message names the limit and the sizes, never payload content; no stack trace
 * is captured (the decoder state, not the call path, explains the failure).
 */
public final class SseDecodingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Which bound was exceeded. */
    public enum Limit {
        /** A single line (field or comment), in bytes, without its terminator. */
        LINE,
        /** The data buffer of the event being built plus the current line, in bytes. */
        EVENT,
        /** The memory granted to the decoder's buffers ({@link SseDecoder.Memory}) is spent. */
        MEMORY
    }

    private final Limit limit;
    private final long size;
    private final long max;

    SseDecodingException(Limit limit, long size, long max) {
        super(describe(limit, size, max), null, false, false);
        this.limit = limit;
        this.size = size;
        this.max = max;
    }

    private static String describe(Limit limit, long size, long max) {
        if (limit == Limit.MEMORY) {
            return "SSE buffers would exceed the client's budget for buffered response bodies (" + size
                    + " bytes more requested)";
        }
        String what = limit == Limit.LINE ? "line length" : "event size";
        return "SSE " + what + " limit exceeded: at least " + size + " bytes, maximum " + max + " bytes";
    }

    public Limit limit() {
        return limit;
    }

    /** The size reached when decoding stopped (a lower bound of the real size). */
    public long size() {
        return size;
    }

    public long max() {
        return max;
    }
}
