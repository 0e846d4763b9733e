package dev.reactivemcp.transport;

import dev.reactivemcp.errors.HttpFailurePayload;
import dev.reactivemcp.errors.KnownSecrets;
import java.util.List;
import java.util.Map;

/**
 * The MCP endpoint answered with a non-success HTTP status. Carries the status, the response headers (so a
 * {@code WWW-Authenticate} challenge can be read) and a bounded preview of the body; never the request's
 * credentials. A server may echo them back: the preview and header values are masked
 * ({@link KnownSecrets#mask(String)}: every token, secret and code the client knows, every secret-bearing key).
 *
 * <pre>{@code
 * client.connect().onErrorResume(McpHttpException.class, e -> e.status() == 401 ? login() : Mono.error(e));
 * }</pre>
 */
public final class McpHttpException extends McpTransportException implements HttpFailurePayload {

    private static final long serialVersionUID = 1L;

    /** The HTTP status code. */
    private final int status;
    private final transient Headers headers;
    /** The start of the response body, bounded and masked. */
    private final String bodyPreview;
    /** Whether the request carried an {@code Authorization} header. */
    private final boolean requestCarriedCredentials;
    /** The request's HTTP method. */
    private final String requestMethod;
    /** Whether the request may be repeated without a second effect. */
    private final boolean requestIdempotent;

    /**
     * Creates the exception; {@code bodyPreview} must already be bounded; it and the header values are masked here.
     *
     * @param requestMethod             the JSON-RPC method of the request (its HTTP method when it carries none),
     *                                  or {@code null}
     * @param status                    the HTTP status of the answer
     * @param headers                   the response headers, or {@code null} for none; values are masked
     * @param bodyPreview               the start of the response body, already bounded, or {@code null}; masked
     * @param requestCarriedCredentials whether the request had an {@code Authorization} header (a 401 then means the
     *                                  token was rejected)
     */
    public McpHttpException(String requestMethod, int status, Headers headers, String bodyPreview,
                            boolean requestCarriedCredentials) {
        this(requestMethod, status, headers, bodyPreview, requestCarriedCredentials, false);
    }

    /**
     * As the five-argument constructor, saying whether the request is idempotent (a retry after a 5xx then cannot
     * run it twice: {@code McpFailures.isSafeToRetry}).
     *
     * @param requestMethod             the JSON-RPC method of the request (its HTTP method when it carries none),
     *                                  or {@code null}
     * @param status                    the HTTP status of the answer
     * @param headers                   the response headers, or {@code null} for none; values are masked
     * @param bodyPreview               the start of the response body, already bounded, or {@code null}; masked
     * @param requestCarriedCredentials whether the request had an {@code Authorization} header (a 401 then means the
     *                                  token was rejected)
     * @param requestIdempotent         whether the request is idempotent ({@code false} when unknown)
     */
    public McpHttpException(String requestMethod, int status, Headers headers, String bodyPreview,
                            boolean requestCarriedCredentials, boolean requestIdempotent) {
        super("HTTP " + status + " for " + (requestMethod == null ? "request" : requestMethod), null);
        this.status = status;
        this.headers = masked(headers);
        this.bodyPreview = bodyPreview == null ? "" : KnownSecrets.mask(bodyPreview);
        this.requestCarriedCredentials = requestCarriedCredentials;
        this.requestMethod = requestMethod;
        this.requestIdempotent = requestIdempotent;
    }

    /**
     * This answer for an idempotent request (same status, headers, body, stack trace).
     *
     * @return a new exception whose {@link #requestIdempotent()} is {@code true}
     */
    public McpHttpException asIdempotent() {
        McpHttpException copy = new McpHttpException(requestMethod, status, headers, bodyPreview,
                requestCarriedCredentials, true);
        copy.setStackTrace(getStackTrace());
        return copy;
    }

    @Override
    public boolean requestIdempotent() {
        return requestIdempotent;
    }

    @Override
    public int status() {
        return status;
    }

    @Override
    public Map<String, List<String>> headers() {
        return headers == null ? Map.of() : headers.asMap();
    }

    /**
     * The response headers as this SDK's type.
     *
     * @return the masked headers; empty when none were given
     */
    public Headers responseHeaders() {
        return headers == null ? Headers.empty() : headers;
    }

    @Override
    public String bodyPreview() {
        return bodyPreview;
    }

    @Override
    public boolean requestCarriedCredentials() {
        return requestCarriedCredentials;
    }

    private static Headers masked(Headers headers) {
        if (headers == null) {
            return null;
        }
        Headers.Builder copy = Headers.builder();
        headers.forEach((name, values) -> values.forEach(v -> copy.add(name, KnownSecrets.mask(v))));
        return copy.build();
    }

    /**
     * The JSON-RPC method of the request that failed, when known.
     *
     * @return the JSON-RPC method (for example {@code tools/call}), the HTTP method when the request carried none,
     *         or {@code null}
     */
    public String requestMethod() {
        return requestMethod;
    }
}
