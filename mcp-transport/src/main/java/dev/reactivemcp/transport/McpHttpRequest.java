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

    private McpHttpRequest(String method, URI uri, Headers headers, byte[] body, String jsonRpcMethod, int attempt) {
        this.method = method;
        this.uri = uri;
        this.headers = headers;
        this.body = body;
        this.jsonRpcMethod = jsonRpcMethod;
        this.attempt = attempt;
    }

    /** A request with no headers and no body. {@code method} is an HTTP method such as {@code POST}. */
    public static McpHttpRequest of(String method, URI uri) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        return new McpHttpRequest(method, uri, Headers.empty(), new byte[0], null, 0);
    }

    /**
     * A complete request at once (one copy of {@code body}); {@code jsonRpcMethod} may be null.
     */
    public static McpHttpRequest of(String method, URI uri, Headers headers, byte[] body, String jsonRpcMethod) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        return new McpHttpRequest(method, uri, Objects.requireNonNull(headers, "headers"), body.clone(),
                jsonRpcMethod, 0);
    }

    /** The HTTP method, e.g. {@code POST}, {@code GET} or {@code DELETE}. */
    public String method() {
        return method;
    }

    /** The target URI. */
    public URI uri() {
        return uri;
    }

    /** The request headers. */
    public Headers headers() {
        return headers;
    }

    /** A copy of the body bytes (empty for GET and DELETE). */
    public byte[] body() {
        return body.clone();
    }

    /** The body as a read-only buffer (no copy). */
    public java.nio.ByteBuffer bodyBuffer() {
        return java.nio.ByteBuffer.wrap(body).asReadOnlyBuffer();
    }

    /** The body length in bytes. */
    public int bodyLength() {
        return body.length;
    }

    /** The body decoded as UTF-8. */
    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The JSON-RPC method the body carries ({@code tools/call}, ...), when it carries one. */
    public Optional<String> jsonRpcMethod() {
        return Optional.ofNullable(jsonRpcMethod);
    }

    /** How many times a filter has already replayed this request (0 for the first send). */
    public int attempt() {
        return attempt;
    }

    /** A copy with {@code name} set to {@code value}. */
    public McpHttpRequest withHeader(String name, String value) {
        return new McpHttpRequest(method, uri, headers.with(name, value), body, jsonRpcMethod, attempt);
    }

    /** A copy without header {@code name}. */
    public McpHttpRequest withoutHeader(String name) {
        return new McpHttpRequest(method, uri, headers.without(name), body, jsonRpcMethod, attempt);
    }

    /** A copy with these headers instead. */
    public McpHttpRequest withHeaders(Headers newHeaders) {
        return new McpHttpRequest(method, uri, Objects.requireNonNull(newHeaders), body, jsonRpcMethod, attempt);
    }

    /** A copy with this body (copied). */
    public McpHttpRequest withBody(byte[] newBody) {
        return new McpHttpRequest(method, uri, headers, newBody.clone(), jsonRpcMethod, attempt);
    }

    /** A copy that records the JSON-RPC method carried by the body. */
    public McpHttpRequest withJsonRpcMethod(String rpcMethod) {
        return new McpHttpRequest(method, uri, headers, body, rpcMethod, attempt);
    }

    /** A copy marked as one more replay; filters use it to bound their retries. */
    public McpHttpRequest nextAttempt() {
        return new McpHttpRequest(method, uri, headers, body, jsonRpcMethod, attempt + 1);
    }

    /** Whether the request carries credentials ({@code Authorization}). */
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
