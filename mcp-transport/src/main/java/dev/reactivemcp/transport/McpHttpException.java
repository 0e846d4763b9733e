package dev.reactivemcp.transport;

import dev.reactivemcp.errors.HttpFailurePayload;
import java.util.List;
import java.util.Map;

/**
 * The MCP endpoint answered with a non-success HTTP status. Carries the status, the response headers (so a
 * {@code WWW-Authenticate} challenge can be read) and a bounded preview of the body; never the request's
 * credentials.
 *
 * <pre>{@code
 * client.connect().onErrorResume(McpHttpException.class, e -> e.status() == 401 ? login() : Mono.error(e));
 * }</pre>
 */
public final class McpHttpException extends McpTransportException implements HttpFailurePayload {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Headers headers;
    private final String bodyPreview;
    private final boolean requestCarriedCredentials;
    private final String requestMethod;

    /** Creates the exception; {@code bodyPreview} must already be bounded and redacted. */
    public McpHttpException(String requestMethod, int status, Headers headers, String bodyPreview,
                            boolean requestCarriedCredentials) {
        super("HTTP " + status + " for " + (requestMethod == null ? "request" : requestMethod), null);
        this.status = status;
        this.headers = headers;
        this.bodyPreview = bodyPreview == null ? "" : bodyPreview;
        this.requestCarriedCredentials = requestCarriedCredentials;
        this.requestMethod = requestMethod;
    }

    @Override
    public int status() {
        return status;
    }

    @Override
    public Map<String, List<String>> headers() {
        return headers == null ? Map.of() : headers.asMap();
    }

    /** The response headers as this SDK's type. */
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

    /** The JSON-RPC method of the request that failed, when known. */
    public String requestMethod() {
        return requestMethod;
    }
}
