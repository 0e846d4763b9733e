package dev.reactivemcp.transport.internal.sse;

import java.util.Objects;

/**
 * One dispatched Server-Sent Event (WHATWG HTML 9.2.6, "dispatch the event").
 *
 * @param id    the last event ID at dispatch time; empty if the server never sent one (or cleared it)
 * @param event the event type; {@code "message"} when no (or an empty) {@code event} field was seen
 * @param data  the {@code data} field values joined with LF, without a trailing LF; may be empty
 */
public record SseEvent(String id, String event, String data) {

    /** The event type used when the event has no {@code event} field. */
    public static final String DEFAULT_EVENT = "message";

    public SseEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(data, "data");
    }

    /** Length only: payloads can be large and may carry secrets, so they stay out of logs. */
    @Override
    public String toString() {
        return "SseEvent[id=" + id + ", event=" + event + ", data.length=" + data.length() + "]";
    }
}
