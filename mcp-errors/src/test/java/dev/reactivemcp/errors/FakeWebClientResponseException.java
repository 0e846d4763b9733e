package dev.reactivemcp.errors;

import java.util.List;
import java.util.Map;

/**
 * A foreign HTTP client's exception (shaped like Spring's WebClientResponseException): its answer hides in
 * private fields, reachable only through its own getters, and implements none of our contracts.
 */
public final class FakeWebClientResponseException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final int statusCode;
    private final transient Map<String, List<String>> responseHeaders;
    private final String responseBody;

    public FakeWebClientResponseException(int statusCode, Map<String, List<String>> headers, String body) {
        super(statusCode + " from POST");
        this.statusCode = statusCode;
        this.responseHeaders = headers;
        this.responseBody = body;
    }

    public int getRawStatusCode() {
        return statusCode;
    }

    public Map<String, List<String>> getResponseHeaders() {
        return responseHeaders;
    }

    public String getResponseBodyAsString() {
        return responseBody;
    }
}
