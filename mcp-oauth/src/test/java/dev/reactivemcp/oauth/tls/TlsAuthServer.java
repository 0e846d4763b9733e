package dev.reactivemcp.oauth.tls;

import dev.reactivemcp.oauth.fakes.Forms;
import dev.reactivemcp.testsupport.TestPki;
import dev.reactivemcp.transport.spi.Json;
import dev.reactivemcp.transport.spi.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * One HTTPS server on loopback (port 0) playing an MCP resource server (legacy era, 401 with an RFC 9728 challenge
 * until a token it issued is presented) and its authorization server: RFC 9728 protected resource metadata, RFC 8414
 * metadata, RFC 7591 registration, an authorization endpoint that approves at once, and a token endpoint. Counts
 * every request by {@code METHOD path}. Where the metadata points (the issuer, each endpoint) can be changed, so that
 * one step of the flow lands on another server.
 */
final class TlsAuthServer implements AutoCloseable {

    static final String ACCESS_TOKEN = "tls-access-token-1";

    private final DisposableServer server;
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    /** The issuer named by the protected resource metadata; default this server. */
    volatile String issuer;
    /** The resource metadata URL named by the 401 challenge; default this server's. */
    volatile String resourceMetadata;
    /** Base URLs of {@code authorize}, {@code token} and {@code register}; default this server. */
    final Map<String, String> endpointBase = new ConcurrentHashMap<>();

    TlsAuthServer(TestPki.Identity identity) {
        this.server = HttpServer.create().host("127.0.0.1").port(0)
                .secure(spec -> spec.sslContext(identity.serverContext()))
                .handle(this::handle)
                .bindNow();
        this.issuer = base();
        this.resourceMetadata = base() + "/.well-known/oauth-protected-resource/mcp";
    }

    String base() {
        return "https://127.0.0.1:" + server.port();
    }

    String mcp() {
        return base() + "/mcp";
    }

    /** Requests received as {@code METHOD path} (no query). */
    int count(String methodAndPath) {
        AtomicInteger n = counts.get(methodAndPath);
        return n == null ? 0 : n.get();
    }

    int total() {
        return counts.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    private String endpoint(String name) {
        return endpointBase.getOrDefault(name, base()) + "/" + name;
    }

    private Publisher<Void> handle(HttpServerRequest req, HttpServerResponse resp) {
        String path = req.fullPath();
        counts.computeIfAbsent(req.method().name() + " " + path, k -> new AtomicInteger()).incrementAndGet();
        return req.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                .flatMap(body -> Mono.from(route(req, resp, path, body)));
    }

    private Publisher<Void> route(HttpServerRequest req, HttpServerResponse resp, String path, String body) {
        switch (path) {
            case "/.well-known/oauth-protected-resource/mcp":
                return json(resp, 200, Map.of("resource", mcp(), "authorization_servers", List.of(issuer)));
            case "/.well-known/oauth-authorization-server": {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("issuer", base());
                m.put("authorization_endpoint", endpoint("authorize"));
                m.put("token_endpoint", endpoint("token"));
                m.put("registration_endpoint", endpoint("register"));
                m.put("response_types_supported", List.of("code"));
                m.put("grant_types_supported", List.of("authorization_code", "refresh_token"));
                m.put("code_challenge_methods_supported", List.of("S256"));
                m.put("authorization_response_iss_parameter_supported", true);
                m.put("token_endpoint_auth_methods_supported", List.of("none"));
                return json(resp, 200, m);
            }
            case "/register": {
                Map<String, Object> request = Json.asObject(JsonCodec.get().read(body, "registration"));
                return json(resp, 201, Map.of("client_id", "tls-client", "client_name", "tls test",
                        "redirect_uris", request.get("redirect_uris")));
            }
            case "/authorize": {
                Map<String, String> q = Forms.parse(req.uri().contains("?") ? req.uri().substring(req.uri().indexOf('?') + 1)
                        : "");
                String location = q.get("redirect_uri") + "?code=tls-code&state=" + enc(q.get("state"))
                        + "&iss=" + enc(base());
                return resp.status(302).header("Location", location).send();
            }
            case "/token":
                return json(resp, 200, Map.of("access_token", ACCESS_TOKEN, "token_type", "Bearer",
                        "expires_in", 3600, "refresh_token", "tls-refresh-token-1"));
            case "/mcp":
                return mcp(req, resp, body);
            default:
                return resp.status(404).send();
        }
    }

    private Publisher<Void> mcp(HttpServerRequest req, HttpServerResponse resp, String body) {
        if (!("Bearer " + ACCESS_TOKEN).equals(req.requestHeaders().get("Authorization"))) {
            return resp.status(401).header("WWW-Authenticate", "Bearer error=\"invalid_token\", resource_metadata=\""
                    + resourceMetadata + "\"").send();
        }
        if (body.isEmpty()) {
            return resp.status(200).send();
        }
        Map<String, Object> rpc = Json.asObject(JsonCodec.get().read(body, "rpc"));
        String method = Json.string(rpc, "method");
        Object id = rpc.get("id");
        if ("initialize".equals(method)) {
            return json(resp.header("Mcp-Session-Id", "tls-session"), 200, Map.of("jsonrpc", "2.0", "id", id,
                    "result", Map.of("protocolVersion", "2025-11-25", "capabilities", Map.of("tools", Map.of()),
                            "serverInfo", Map.of("name", "tls-server", "version", "1.0"))));
        }
        if ("tools/call".equals(method)) {
            return json(resp, 200, Map.of("jsonrpc", "2.0", "id", id, "result",
                    Map.of("content", List.of(Map.of("type", "text", "text", "authorized over tls")))));
        }
        return resp.status(202).send();
    }

    private static Publisher<Void> json(HttpServerResponse resp, int status, Object body) {
        return resp.status(status).header("Content-Type", "application/json")
                .sendByteArray(Mono.just(JsonCodec.get().write(body)));
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
