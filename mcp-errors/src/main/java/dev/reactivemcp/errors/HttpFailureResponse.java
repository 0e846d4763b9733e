package dev.reactivemcp.errors;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable {@link HttpFailurePayload}: what a {@link ForeignPayloadReader} returns for another HTTP client's
 * exception, in a few lines. Headers are copied (names kept as given, compared case-insensitively by
 * {@link #headerValues(String)}, {@code null} names and values dropped), the body is kept up to
 * {@link #MAX_BODY} characters. {@link #toString()} shows the status, header names and body length only.
 *
 * <pre>{@code
 * Optional<HttpFailurePayload> httpPayload(Throwable t) {
 *     if (!(t instanceof WebClientResponseException e)) return Optional.empty();
 *     HttpFailureResponse.Builder answer = HttpFailureResponse.builder(e.getStatusCode().value())
 *         .body(e.getResponseBodyAsString());
 *     e.getHeaders().forEach(answer::header);
 *     return Optional.of(answer.build());
 * }
 * }</pre>
 *
 * @param status                    the HTTP status (RFC 9110 section 15), 100 to 999
 * @param headers                   the response headers; unmodifiable
 * @param bodyPreview               the body or its first {@link #MAX_BODY} characters; never {@code null}
 * @param requestCarriedCredentials whether the request had an {@code Authorization} header (a 401 then means the
 *                                  token was rejected, RFC 6750 section 3.1)
 */
public record HttpFailureResponse(int status, Map<String, List<String>> headers, String bodyPreview,
                                  boolean requestCarriedCredentials) implements HttpFailurePayload {

    /** Longest kept body, in characters (the classifier reads no more). */
    public static final int MAX_BODY = HttpRules.MAX_BODY;

    /**
     * Validates the status, copies the headers and bounds the body.
     *
     * @param status                    the HTTP status, 100 to 999
     * @param headers                   the response headers, or {@code null} for none; {@code null} names and values
     *                                  are dropped
     * @param bodyPreview               the body, or {@code null} for none; cut to {@link #MAX_BODY} characters
     * @param requestCarriedCredentials whether the request had an {@code Authorization} header
     * @throws IllegalArgumentException when the status is outside 100 to 999
     */
    public HttpFailureResponse {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status must be a three-digit HTTP status: " + status);
        }
        headers = copy(headers);
        bodyPreview = bodyPreview == null ? "" : bodyPreview.length() > MAX_BODY ? bodyPreview.substring(0, MAX_BODY)
            : bodyPreview;
    }

    /**
     * An answer to a request without credentials.
     *
     * @param status  the HTTP status, 100 to 999
     * @param headers the response headers, or {@code null} for none
     * @param body    the body text, or {@code null} for none
     * @return the answer
     * @throws IllegalArgumentException when the status is outside 100 to 999
     */
    public static HttpFailureResponse of(int status, Map<String, ? extends List<String>> headers, String body) {
        return builder(status).headers(headers).body(body).build();
    }

    /**
     * A builder for the answer with this status.
     *
     * @param status the HTTP status; checked by {@link Builder#build()}
     * @return a new builder without headers, body or credentials
     */
    public static Builder builder(int status) {
        return new Builder(status);
    }

    /** Status, header names and body length; never header values or the body. */
    @Override
    public String toString() {
        return "HttpFailureResponse[status=" + status + ", headers=" + headers.keySet() + ", body="
            + bodyPreview.length() + " chars, requestCarriedCredentials=" + requestCarriedCredentials + "]";
    }

    private static Map<String, List<String>> copy(Map<String, ? extends List<String>> headers) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        if (headers != null) {
            headers.forEach((name, values) -> {
                if (name != null && values != null) {
                    List<String> kept = new ArrayList<>(copy.getOrDefault(name, List.of()));
                    values.stream().filter(Objects::nonNull).forEach(kept::add);
                    copy.put(name, List.copyOf(kept));
                }
            });
        }
        return Collections.unmodifiableMap(copy);
    }

    /** Collects an answer; not thread-safe, {@link #build()} copies. */
    public static final class Builder {
        private final int status;
        private final Map<String, List<String>> headers = new LinkedHashMap<>();
        private String body = "";
        private boolean credentials;

        private Builder(int status) {
            this.status = status;
        }

        /**
         * Adds one value of a header.
         *
         * @param name  the header name; not {@code null}
         * @param value the value; a {@code null} value is dropped at {@link #build()}
         * @return this builder
         * @throws NullPointerException when {@code name} is {@code null}
         */
        public Builder header(String name, String value) {
            headers.computeIfAbsent(Objects.requireNonNull(name, "name"), n -> new ArrayList<>()).add(value);
            return this;
        }

        /**
         * Adds values of a header; fits {@code Map.forEach} and Spring's {@code HttpHeaders.forEach}.
         *
         * @param name   the header name; not {@code null} when there are values
         * @param values the values, or {@code null} for none
         * @return this builder
         * @throws NullPointerException when {@code name} is {@code null} and {@code values} is not empty
         */
        public Builder header(String name, List<String> values) {
            if (values != null) {
                values.forEach(v -> header(name, v));
            }
            return this;
        }

        /**
         * Adds every header of {@code all}; {@code null} names are skipped.
         *
         * @param all headers by name, or {@code null} for none
         * @return this builder
         */
        public Builder headers(Map<String, ? extends List<String>> all) {
            if (all != null) {
                all.forEach((name, values) -> {
                    if (name != null) {
                        header(name, values);
                    }
                });
            }
            return this;
        }

        /**
         * The body text ({@code null} for none).
         *
         * @param text the response body; cut to {@link #MAX_BODY} characters at {@link #build()}
         * @return this builder
         */
        public Builder body(String text) {
            this.body = text;
            return this;
        }

        /**
         * Whether the request carried credentials ({@code Authorization}).
         *
         * @param carried {@code true} when a token was sent, so that a 401 means it was rejected
         * @return this builder
         */
        public Builder requestCarriedCredentials(boolean carried) {
            this.credentials = carried;
            return this;
        }

        /**
         * The immutable answer.
         *
         * @return the answer, with copied headers and bounded body
         * @throws IllegalArgumentException when the status is outside 100 to 999
         */
        public HttpFailureResponse build() {
            return new HttpFailureResponse(status, headers, body, credentials);
        }
    }
}
