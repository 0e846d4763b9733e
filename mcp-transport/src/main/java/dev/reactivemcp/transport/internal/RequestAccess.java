package dev.reactivemcp.transport.internal;

import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.McpHttpRequest;
import java.lang.invoke.MethodHandles;
import java.net.URI;
import java.util.Objects;

/**
 * Builds requests from a body the transport itself has just encoded and never touches again, without the defensive
 * copy that {@link McpHttpRequest#of(String, URI, Headers, byte[], String)} makes for callers who might (one copy of
 * every request body less per call). {@link McpHttpRequest} registers the factory when its class initializes.
 */
public final class RequestAccess {

    /** The private constructor of {@link McpHttpRequest}, as a function. */
    public interface Factory {
        /**
         * A request owning {@code body}.
         *
         * @param method        the HTTP method
         * @param uri           the target URI
         * @param headers       the headers
         * @param body          the body, not copied: the caller must never change it afterwards
         * @param jsonRpcMethod the JSON-RPC method, or {@code null}
         * @return the request, at attempt 0
         */
        McpHttpRequest create(String method, URI uri, Headers headers, byte[] body, String jsonRpcMethod);
    }

    private static volatile Factory factory;

    private RequestAccess() { }

    /**
     * Called once by {@link McpHttpRequest}'s static initializer.
     *
     * @param f the factory
     */
    public static void register(Factory f) {
        factory = Objects.requireNonNull(f, "f");
    }

    /**
     * A request that owns {@code body} (no copy). Only for bodies nobody else holds.
     *
     * @param method        the HTTP method
     * @param uri           the target URI
     * @param headers       the headers
     * @param body          a body encoded for this request only
     * @param jsonRpcMethod the JSON-RPC method, or {@code null}
     * @return the request
     */
    public static McpHttpRequest owning(String method, URI uri, Headers headers, byte[] body, String jsonRpcMethod) {
        Factory f = factory;
        if (f == null) {
            initialize(); // McpHttpRequest's static initializer registers the factory
            f = factory;
        }
        return f.create(Objects.requireNonNull(method, "method"), Objects.requireNonNull(uri, "uri"),
                Objects.requireNonNull(headers, "headers"), Objects.requireNonNull(body, "body"), jsonRpcMethod);
    }

    private static void initialize() {
        try {
            // same module, public class of an exported package: accessible to this lookup, also on the module path
            MethodHandles.lookup().ensureInitialized(McpHttpRequest.class);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot initialize " + McpHttpRequest.class.getName(), e);
        }
    }
}
