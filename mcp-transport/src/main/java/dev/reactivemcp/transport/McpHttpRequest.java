package dev.reactivemcp.transport;

import dev.reactivemcp.errors.KnownSecrets;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One HTTP request the client is about to send to the MCP endpoint (or, from the OAuth module, to an
 * authorization server). Immutable: filters derive modified copies with {@link #withHeader(String, String)} and
 * friends. The body is kept as bytes exactly as they will be written.
 *
 * <pre>{@code
 * ExchangeFilterFunction tenant = (request, next) -> next.exchange(request.withHeader("X-Tenant", "acme"));
 * }</pre>
 *
 * <p>Implements the request side of the MCP Streamable HTTP transport (spec 2025-11-25 and 2026-07-28,
 * "basic/transports", section "Streamable HTTP").
 */
public final class McpHttpRequest {

    private final String method;
    private final URI uri;
    private final Headers headers;
    private final byte[] body;
    private final String jsonRpcMethod;
    private final int attempt;

    static {
        dev.reactivemcp.transport.internal.RequestAccess.register(
                (method, uri, headers, body, jsonRpcMethod) -> new McpHttpRequest(method, uri, headers, body,
                        jsonRpcMethod, 0));
    }

    private McpHttpRequest(String method, URI uri, Headers headers, byte[] body, String jsonRpcMethod, int attempt) {
        this.method = method;
        this.uri = uri;
        this.headers = headers;
        this.body = body;
        this.jsonRpcMethod = jsonRpcMethod;
        this.attempt = attempt;
    }

    /**
     * A request with no headers and no body. {@code method} is an HTTP method such as {@code POST}.
     *
     * @param method the HTTP method, for example {@code GET}; not {@code null}
     * @param uri    the target URI; not {@code null}
     * @return the request, at attempt 0
     * @throws NullPointerException when {@code method} or {@code uri} is {@code null}
     */
    public static McpHttpRequest of(String method, URI uri) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        return new McpHttpRequest(method, uri, Headers.empty(), new byte[0], null, 0);
    }

    /**
     * A complete request at once (one copy of {@code body}); {@code jsonRpcMethod} may be null.
     *
     * @param method        the HTTP method, for example {@code POST}; not {@code null}
     * @param uri           the target URI; not {@code null}
     * @param headers       the request headers; not {@code null}
     * @param body          the body bytes exactly as they will be written (copied); not {@code null}
     * @param jsonRpcMethod the JSON-RPC method the body carries, for example {@code tools/call}, or {@code null}
     * @return the request, at attempt 0
     * @throws NullPointerException when {@code method}, {@code uri}, {@code headers} or {@code body} is {@code null}
     */
    public static McpHttpRequest of(String method, URI uri, Headers headers, byte[] body, String jsonRpcMethod) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        return new McpHttpRequest(method, uri, Objects.requireNonNull(headers, "headers"), body.clone(),
                jsonRpcMethod, 0);
    }

    /**
     * The HTTP method, e.g. {@code POST}, {@code GET} or {@code DELETE}.
     *
     * @return the method as given
     */
    public String method() {
        return method;
    }

    /**
     * The target URI.
     *
     * @return the URI the request goes to
     */
    public URI uri() {
        return uri;
    }

    /**
     * The request headers.
     *
     * @return the headers (immutable)
     */
    public Headers headers() {
        return headers;
    }

    /**
     * A copy of the body bytes (empty for GET and DELETE).
     *
     * @return a fresh array on each call; prefer {@link #bodyBuffer()} to read without copying
     */
    public byte[] body() {
        return body.clone();
    }

    /**
     * The body as a read-only buffer (no copy).
     *
     * @return a new read-only buffer over the body, positioned at 0
     */
    public java.nio.ByteBuffer bodyBuffer() {
        return java.nio.ByteBuffer.wrap(body).asReadOnlyBuffer();
    }

    /**
     * The body length in bytes.
     *
     * @return 0 or more
     */
    public int bodyLength() {
        return body.length;
    }

    /**
     * The body decoded as UTF-8.
     *
     * @return the body text; empty when there is no body. May contain secrets (a token request's form): do not log
     */
    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * The JSON-RPC method the body carries ({@code tools/call}, ...), when it carries one.
     *
     * @return the method, or empty when none was recorded (GET, DELETE, a request to an authorization server)
     */
    public Optional<String> jsonRpcMethod() {
        return Optional.ofNullable(jsonRpcMethod);
    }

    /**
     * How many times a filter has already replayed this request (0 for the first send).
     *
     * @return 0 or more; raised by {@link #nextAttempt()}
     */
    public int attempt() {
        return attempt;
    }

    /**
     * A copy with {@code name} set to {@code value}.
     *
     * @param name  the header name, compared case-insensitively; earlier values are replaced
     * @param value the value
     * @return the new request; this one is unchanged
     * @throws IllegalArgumentException when {@code name} is not a valid header name
     * @throws NullPointerException     when {@code value} is {@code null}
     */
    public McpHttpRequest withHeader(String name, String value) {
        return new McpHttpRequest(method, uri, headers.with(name, value), body, jsonRpcMethod, attempt);
    }

    /**
     * A copy without header {@code name}.
     *
     * @param name the header name, compared case-insensitively; not {@code null}
     * @return the new request; this one is unchanged
     */
    public McpHttpRequest withoutHeader(String name) {
        return new McpHttpRequest(method, uri, headers.without(name), body, jsonRpcMethod, attempt);
    }

    /**
     * A copy with these headers instead.
     *
     * @param newHeaders the complete new headers; not {@code null}
     * @return the new request; this one is unchanged
     * @throws NullPointerException when {@code newHeaders} is {@code null}
     */
    public McpHttpRequest withHeaders(Headers newHeaders) {
        return new McpHttpRequest(method, uri, Objects.requireNonNull(newHeaders), body, jsonRpcMethod, attempt);
    }

    /**
     * A copy with this body (copied).
     *
     * @param newBody the new body bytes; not {@code null}
     * @return the new request; this one is unchanged
     * @throws NullPointerException when {@code newBody} is {@code null}
     */
    public McpHttpRequest withBody(byte[] newBody) {
        return new McpHttpRequest(method, uri, headers, newBody.clone(), jsonRpcMethod, attempt);
    }

    /**
     * A copy that records the JSON-RPC method carried by the body.
     *
     * @param rpcMethod the JSON-RPC method, or {@code null} for none
     * @return the new request; this one is unchanged
     */
    public McpHttpRequest withJsonRpcMethod(String rpcMethod) {
        return new McpHttpRequest(method, uri, headers, body, rpcMethod, attempt);
    }

    /**
     * A copy marked as one more replay; filters use it to bound their retries.
     *
     * @return the same request with {@link #attempt()} one higher
     */
    public McpHttpRequest nextAttempt() {
        return new McpHttpRequest(method, uri, headers, body, jsonRpcMethod, attempt + 1);
    }

    /**
     * Whether the request carries credentials ({@code Authorization}).
     *
     * @return {@code true} when an {@code Authorization} header is present
     */
    public boolean carriesCredentials() {
        return headers.contains("Authorization");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof McpHttpRequest r && method.equals(r.method) && uri.equals(r.uri)
                && headers.equals(r.headers) && Arrays.equals(body, r.body) && attempt == r.attempt;
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, uri, headers, Arrays.hashCode(body), attempt);
    }

    /**
     * Method, URI, headers and body length; never the body. Credential-bearing headers (Authorization,
     * Proxy-Authorization, Cookie, Set-Cookie, DPoP, names containing key, token, secret, password or credential)
     * and query parameters of such names show as {@code <redacted>}; known secrets anywhere are masked.
     */
    @Override
    public String toString() {
        return "McpHttpRequest[" + method + " " + safeUri() + ", " + headers + ", body=" + body.length + " bytes"
                + (jsonRpcMethod == null ? "" : ", rpc=" + jsonRpcMethod) + "]";
    }

    private String safeUri() {
        String text = uri.toString();
        String query = uri.getRawQuery();
        if (query != null) {
            StringBuilder safe = new StringBuilder();
            for (String param : query.split("&", -1)) {
                int eq = param.indexOf('=');
                String name = eq < 0 ? param : param.substring(0, eq);
                safe.append(safe.length() == 0 ? "" : "&")
                        .append(eq >= 0 && Headers.isSensitive(name) ? name + "=<redacted>" : param);
            }
            text = text.replace("?" + query, "?" + safe);
        }
        return KnownSecrets.mask(text);
    }
}
