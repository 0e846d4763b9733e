package dev.reactivemcp.oauth.fakes;

import dev.reactivemcp.transport.McpHttpRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * The fake token endpoint the grant tests share: an MCP endpoint ({@code /mcp}) and its authorization server on one
 * loopback port (real HTTP, port 0), serving protected resource metadata (RFC 9728) and authorization server
 * metadata (RFC 8414) that point at each other. A subclass says what its token endpoint and MCP endpoint do, and
 * which grants and client authentication its metadata advertises; it counts what it sees, on the server's side.
 *
 * <pre>{@code
 * final class MyServer extends LoopbackAuthServer {
 *     MyServer() { super("\"grant_types_supported\":[\"client_credentials\"]"); }
 *     protected Mono<Void> token(HttpServerRequest req, HttpServerResponse resp) { ... }
 *     protected Mono<Void> mcp(HttpServerRequest req, HttpServerResponse resp) { ... }
 * }
 * }</pre>
 */
public abstract class LoopbackAuthServer implements AutoCloseable {

    private final String metadataFields;
    private final DisposableServer server;

    /**
     * Binds on a free loopback port. {@code metadataFields}: the authorization server metadata after
     * {@code issuer}, {@code token_endpoint} and {@code authorization_endpoint} (JSON members, comma separated).
     */
    protected LoopbackAuthServer(String metadataFields) {
        this.metadataFields = metadataFields;
        this.server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> {
                    routes.get("/.well-known/oauth-protected-resource/mcp", (req, resp) -> json(resp, 200,
                                    "{\"resource\":\"" + base() + "/mcp\",\"authorization_servers\":[\"" + base()
                                            + "\"]}"))
                            .get("/.well-known/oauth-authorization-server", (req, resp) -> json(resp, 200,
                                    "{\"issuer\":\"" + base() + "\",\"token_endpoint\":\"" + base() + "/token\","
                                            + "\"authorization_endpoint\":\"" + base() + "/authorize\","
                                            + metadataFields() + "}"))
                            .post("/token", this::token)
                            .post("/mcp", this::mcp);
                    moreRoutes(routes);
                })
                .bindNow();
    }

    /** The metadata members after the endpoints, read per request (a subclass may change what it publishes). */
    protected String metadataFields() {
        return metadataFields;
    }

    /** Answers a token request. */
    protected abstract Mono<Void> token(HttpServerRequest req, HttpServerResponse resp);

    /** Answers an MCP request. */
    protected abstract Mono<Void> mcp(HttpServerRequest req, HttpServerResponse resp);

    /** Routes beyond metadata, {@code /token} and {@code /mcp}; called while binding (use no fields here). */
    protected void moreRoutes(HttpServerRoutes routes) {
    }

    /** {@code http://127.0.0.1:<port>}, the issuer. */
    public String base() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The MCP endpoint, {@code <base>/mcp}. */
    public URI mcp() {
        return URI.create(base() + "/mcp");
    }

    /** A POST of {@code json} to the MCP endpoint, as the transport would send it. */
    public McpHttpRequest post(String json) {
        return McpHttpRequest.of("POST", mcp()).withHeader("Content-Type", "application/json")
                .withBody(json.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code resource_metadata="<base>/.well-known/oauth-protected-resource/mcp"}, for challenges. */
    protected String resourceMetadata() {
        return "resource_metadata=\"" + base() + "/.well-known/oauth-protected-resource/mcp\"";
    }

    protected static Mono<Void> json(HttpServerResponse resp, int status, String body) {
        return resp.status(status).header("Content-Type", "application/json").sendString(Mono.just(body)).then();
    }

    protected static Mono<Void> challenge(HttpServerResponse resp, String wwwAuthenticate) {
        return resp.status(401).header("WWW-Authenticate", wwwAuthenticate).send().then();
    }

    /** An {@code application/x-www-form-urlencoded} body, decoded, in order ({@link Forms#parse}). */
    protected static Map<String, String> parse(String body) {
        return Forms.parse(body);
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
