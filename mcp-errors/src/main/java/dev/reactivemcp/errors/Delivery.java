package dev.reactivemcp.errors;

/**
 * How far a failed request got: whether the server may have received it, and so may have run it. Set by the
 * transport where the facts are known (whether a connection was obtained and the request written, whether an
 * answer came back); read through {@link McpFailure#delivery()}.
 *
 * <pre>{@code
 * McpFailure f = McpFailures.classify(error);
 * if (f.delivery() == Delivery.SENT_NO_ANSWER) {
 *     log.warn("the server may have run the call; check before running it again");
 * }
 * }</pre>
 *
 * <p>Retrying a request that {@linkplain #mayHaveReachedServer() may have reached the server} can run it twice
 * (RFC 9110 section 9.2.2: only idempotent methods may be retried automatically after a broken connection);
 * {@link McpFailures#isSafeToRetry(Throwable)} combines this with whether the request is idempotent.
 */
public enum Delivery {
    /**
     * Nothing of the request left the client: the connection was refused or could not be made (DNS, route, connect
     * timeout, TLS handshake), or the request was rejected before writing began.
     */
    NOT_SENT,
    /**
     * The request was written, fully or in part, and the exchange then broke (reset, closed, timed out) before the
     * answer to it arrived. The server may have run it.
     */
    SENT_NO_ANSWER,
    /** The server answered: an HTTP error status or a JSON-RPC error came back. */
    ANSWERED,
    /** Not known (an error the transport did not produce, such as the caller's own {@code timeout}). */
    UNKNOWN;

    /**
     * Whether the server may have received the request: everything but {@link #NOT_SENT}.
     *
     * @return {@code false} only when nothing of the request left the client
     */
    public boolean mayHaveReachedServer() {
        return this != NOT_SENT;
    }
}
