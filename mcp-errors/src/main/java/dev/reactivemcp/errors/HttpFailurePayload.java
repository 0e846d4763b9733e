package dev.reactivemcp.errors;

import java.util.List;
import java.util.Map;

/**
 * An HTTP answer that an exception carries as data rather than as a cause: the status, the response headers
 * and a bounded preview of the body. Transport exceptions implement this so that the classifier can read a 401
 * challenge or an OAuth error body that is not in the cause chain.
 *
 * <p>Implementations never expose the request's {@code Authorization} header. The classifier reads the status
 * (RFC 9110 section 15), {@code WWW-Authenticate} (RFC 9110 section 11.6.1, RFC 6750 section 3),
 * {@code Retry-After} (RFC 9110 section 10.2.3) and OAuth or JSON-RPC error bodies (RFC 6749 section 5.2).
 *
 * <pre>{@code
 * final class McpHttpException extends McpException implements HttpFailurePayload {
 *     McpHttpException(HttpResponse response, boolean sentToken) {
 *         super("HTTP " + response.status(), null);   // failure classified lazily from this payload
 *         ...
 *     }
 * }
 * }</pre>
 */
public interface HttpFailurePayload {

    /**
     * The HTTP status code, for example {@code 401}.
     *
     * @return the status, 100 to 999
     */
    int status();

    /**
     * The response headers, names compared case-insensitively by {@link #headerValues(String)}.
     * Never {@code null}.
     *
     * @return the headers by name, as received
     */
    Map<String, List<String>> headers();

    /**
     * A bounded, possibly truncated preview of the response body as text; empty when there was none.
     *
     * @return the body text, never {@code null}
     */
    String bodyPreview();

    /**
     * Whether the request that got this answer carried credentials (an {@code Authorization} header).
     *
     * @return {@code true} when a token was sent, so that a 401 means it was rejected
     */
    boolean requestCarriedCredentials();

    /**
     * Whether the request that got this answer is idempotent, so that a retry after a 5xx cannot run it twice (see
     * {@link McpFailure#isSafeToRetry()}); {@code false} when not known.
     *
     * @return whether the request is known to be idempotent; {@code false} by default
     */
    default boolean requestIdempotent() {
        return false;
    }

    /**
     * All values of one header, the name compared case-insensitively; an empty list when absent.
     *
     * @param name the header name, for example {@code WWW-Authenticate}
     * @return the values of the first header of that name, or an empty list
     */
    default List<String> headerValues(String name) {
        for (Map.Entry<String, List<String>> e : headers().entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return List.of();
    }
}
