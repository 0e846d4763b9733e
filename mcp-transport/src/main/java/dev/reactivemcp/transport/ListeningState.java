package dev.reactivemcp.transport;

import java.time.Instant;
import java.util.Objects;

/**
 * The state of the client's listening stream: the legacy era's GET stream (spec 2025-11-25, basic/transports,
 * "Listening for Messages from the Server") or the 2026-07-28 {@code subscriptions/listen} stream
 * (basic/patterns/subscriptions). The stream lives as long as the client: it is re-opened with backoff (honouring
 * the server's SSE {@code retry} field) for as long as it takes, and stops only when the client closes or the server
 * answers that it has no such stream.
 *
 * <pre>{@code
 * client.listeningState()
 *       .filter(s -> s.kind() == ListeningState.Kind.RECONNECTING && s.attempts() > 5)
 *       .subscribe(s -> metrics.gauge("mcp.listening.down", 1));
 * }</pre>
 *
 * @param kind     what the stream is doing
 * @param since    when it entered this kind of state (the client's scheduler clock); for {@code RECONNECTING} and
 *                 {@code SESSION_LOST}, when the stream went down
 * @param attempts failed attempts in a row since it was last open (0 while open or after a graceful end)
 * @param reason   why it is not open (the last failure, or why it stopped), or null while connecting or open
 */
public record ListeningState(Kind kind, Instant since, int attempts, String reason) {

    /** What the listening stream is doing. */
    public enum Kind {
        /** The first attempt to open it is under way. */
        CONNECTING,
        /** Open: server notifications arrive. */
        OPEN,
        /** Down (ended or failed); re-opened after a backoff delay, without a limit on attempts. */
        RECONNECTING,
        /**
         * The server no longer knows the session (HTTP 404 to the GET with its {@code Mcp-Session-Id}); re-opened as
         * soon as the client has a new session (and retried at the longest backoff delay meanwhile).
         */
        SESSION_LOST,
        /** Stopped for good: the client closed, or the server has no listening stream (405, or rejects the method). */
        STOPPED
    }

    /**
     * A state; {@code kind} and {@code since} are required, {@code attempts} is not negative.
     *
     * @param kind     what the stream is doing; not {@code null}
     * @param since    when it entered this kind of state; not {@code null}
     * @param attempts failed attempts in a row since it was last open; 0 or more
     * @param reason   why it is not open, or {@code null}
     * @throws NullPointerException     when {@code kind} or {@code since} is {@code null}
     * @throws IllegalArgumentException when {@code attempts} is negative
     */
    public ListeningState {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(since, "since");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must not be negative");
        }
    }

    /**
     * Whether the stream is open.
     *
     * @return {@code true} for {@link Kind#OPEN}
     */
    public boolean isOpen() {
        return kind == Kind.OPEN;
    }
}
