package dev.reactivemcp.demo.server;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An MCP server on {@code 127.0.0.1} (Reactor Netty, streamable HTTP) protected by an authorization server, in
 * both protocol eras at once: a request with {@code MCP-Protocol-Version: 2026-07-28} is answered in the stateless
 * era ({@code server/discover}), any other in the session era ({@code initialize}, {@code Mcp-Session-Id}).
 *
 * <p>It accepts only bearer JWTs its authorization server signed for it: signature, {@code iss}, {@code aud} = this
 * endpoint, {@code exp} (no leeway), scope {@value DemoAuthorizationServer#SCOPE}, and a grant that has not been
 * revoked (asked of the authorization server, as token introspection would). Without one it answers 401 with a
 * {@code WWW-Authenticate} challenge naming its RFC 9728 protected resource metadata, which names the
 * authorization server. Tools: {@code echo} and {@code count} (sends a progress notification per step).
 *
 * <p>Counts what it saw: calls answered, requests without a token, tokens refused by reason, and the instant each
 * distinct access token was first accepted.
 */
public final class DemoMcpServer implements AutoCloseable {

    /** The stateless protocol version. */
    public static final String MODERN = "2026-07-28";
    private static final String LATEST_LEGACY = "2025-11-25";
    private static final Set<String> LEGACY = Set.of("2025-11-25", "2025-06-18", "2025-03-26");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<String, Object> SERVER_INFO = Map.of("name", "demo-mcp-server", "version", "1.0.0");

    private final DisposableServer server;
    private final URI endpoint;
    private final URI metadata;
    private final URI issuer;
    private final DefaultJWTProcessor<SecurityContext> jwt;
    private final Predicate<String> grantActive;
    private final Consumer<String> narrator;
    private final Duration stepDelay;
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong unauthenticated = new AtomicLong();
    private final AtomicLong sessions = new AtomicLong();
    private final Map<String, AtomicLong> refused = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> eras = new ConcurrentHashMap<>();
    private final Map<String, Instant> tokensFirstSeen = new ConcurrentHashMap<>();
    private final Map<String, Integer> tokenNumbers = new ConcurrentHashMap<>();
    private final java.util.Queue<Accepted> acceptedLog = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** A request accepted at {@code at} with the {@code token}-th distinct access token (1 = the first). */
    public record Accepted(Instant at, int token) { }

    private DemoMcpServer(URI issuer, JWKSet keys, Predicate<String> grantActive, Consumer<String> narrator,
                          Duration stepDelay) {
        this.issuer = issuer;
        this.grantActive = grantActive;
        this.narrator = narrator;
        this.stepDelay = stepDelay;
        this.server = HttpServer.create().host("127.0.0.1").port(0).route(routes -> routes
                        .get("/.well-known/oauth-protected-resource/mcp", (req, res) -> metadata(res))
                        .get("/.well-known/oauth-protected-resource", (req, res) -> metadata(res))
                        .post("/mcp", this::mcp)
                        .delete("/mcp", (req, res) -> res.status(204).send())
                        .get("/mcp", (req, res) -> res.status(405).header("Allow", "POST, DELETE").send()))
                .bindNow();
        this.endpoint = URI.create("http://127.0.0.1:" + server.port() + "/mcp");
        this.metadata = URI.create("http://127.0.0.1:" + server.port() + "/.well-known/oauth-protected-resource/mcp");
        this.jwt = processor(keys, issuer, endpoint);
    }

    /**
     * Starts on a free loopback port, trusting tokens of {@code issuer} signed with {@code keys}, asking
     * {@code grantActive} whether a token's grant still exists (must not block); {@code narrator} hears one line per
     * notable request (challenges, metadata, refusals).
     */
    public static DemoMcpServer start(URI issuer, JWKSet keys, Predicate<String> grantActive,
                                      Consumer<String> narrator) {
        return new DemoMcpServer(issuer, keys, grantActive, narrator, Duration.ofMillis(250));
    }

    /** Starts one in front of {@code as}. */
    public static DemoMcpServer start(DemoAuthorizationServer as, Consumer<String> narrator) {
        return start(as.issuer(), as.publicKeys(), as::grantActive, narrator);
    }

    private static DefaultJWTProcessor<SecurityContext> processor(JWKSet keys, URI issuer, URI audience) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        // RFC 9068 says at+jwt; Spring Authorization Server sends typ JWT
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt"),
                JOSEObjectType.JWT, null));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
                new ImmutableJWKSet<>(keys)));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(audience.toString(),
                new JWTClaimsSet.Builder().issuer(issuer.toString()).build(), Set.of("exp", "sub", "scope"));
        claims.setMaxClockSkew(0);
        processor.setJWTClaimsSetVerifier(claims);
        return processor;
    }

    /** The MCP endpoint, {@code http://127.0.0.1:<port>/mcp}. */
    public URI endpoint() {
        return endpoint;
    }

    /** Requests answered with a result or a JSON-RPC error (a valid token). */
    public long answered() {
        return answered.get();
    }

    /** Requests without a bearer token. */
    public long unauthenticated() {
        return unauthenticated.get();
    }

    /** Requests whose token was refused, by reason ({@code expired}, {@code revoked}, ...). */
    public Map<String, Long> refused() {
        Map<String, Long> out = new LinkedHashMap<>();
        refused.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Requests answered per era ({@code 2026-07-28} or {@code session}). */
    public Map<String, Long> eras() {
        Map<String, Long> out = new LinkedHashMap<>();
        eras.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** When each distinct access token was first accepted, in order (tokens themselves are not exposed). */
    public List<Instant> tokensFirstAccepted() {
        return tokensFirstSeen.values().stream().sorted().toList();
    }

    /** Every request accepted, in order, with which token (by number) it carried. */
    public List<Accepted> accepted() {
        return List.copyOf(acceptedLog);
    }

    private Mono<Void> metadata(HttpServerResponse res) {
        narrator.accept("[mcp server] served its protected resource metadata (RFC 9728): authorization server "
                + issuer + ", scope " + DemoAuthorizationServer.SCOPE);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("resource", endpoint.toString());
        doc.put("authorization_servers", List.of(issuer.toString()));
        doc.put("scopes_supported", List.of(DemoAuthorizationServer.SCOPE));
        doc.put("bearer_methods_supported", List.of("header"));
        return json(res, 200, doc);
    }

    private Mono<Void> mcp(HttpServerRequest req, HttpServerResponse res) {
        String authorization = req.requestHeaders().get("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            unauthenticated.incrementAndGet();
            narrator.accept("[mcp server] 401 to a request without a token; WWW-Authenticate names " + metadata.getPath());
            return challenge(res, null);
        }
        String token = authorization.substring(7).strip();
        String refusal = validate(token);
        if (refusal != null) {
            refused.computeIfAbsent(refusal, k -> new AtomicLong()).incrementAndGet();
            narrator.accept("[mcp server] 401 invalid_token: the token is " + refusal);
            return challenge(res, "invalid_token");
        }
        Instant now = Instant.now();
        tokensFirstSeen.putIfAbsent(token, now);
        acceptedLog.add(new Accepted(now, tokenNumbers.computeIfAbsent(token, t -> tokenNumbers.size() + 1)));
        boolean modern = MODERN.equals(req.requestHeaders().get("MCP-Protocol-Version"));
        return req.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("{}")
                .flatMap(body -> answer(JSON.readTree(body), modern, res));
    }

    /** Null when the token is good, else why not (never the token itself). */
    private String validate(String token) {
        try {
            JWTClaimsSet claims = jwt.process(token, null);
            Object scope = claims.getClaim("scope"); // a string (RFC 9068) or, from Spring, a list
            List<?> scopes = scope instanceof List<?> list ? list
                    : scope == null ? List.of() : List.of(scope.toString().split(" "));
            if (!scopes.contains(DemoAuthorizationServer.SCOPE)) {
                return "missing the scope";
            }
            Object grant = claims.getClaim(DemoAuthorizationServer.GRANT_CLAIM);
            if (!grantActive.test(grant == null ? null : grant.toString())) {
                return "revoked (its grant no longer exists)";
            }
            return null;
        } catch (BadJOSEException e) {
            String message = String.valueOf(e.getMessage());
            return message.contains("xpired") ? "expired" : message.contains("audience") ? "for another audience"
                    : "invalid";
        } catch (Exception e) {
            return "malformed";
        }
    }

    private Mono<Void> challenge(HttpServerResponse res, String error) {
        String value = "Bearer resource_metadata=\"" + metadata + "\", scope=\"" + DemoAuthorizationServer.SCOPE + "\""
                + (error == null ? "" : ", error=\"" + error + "\"");
        return res.status(401).header("WWW-Authenticate", value).send();
    }

    private Mono<Void> answer(JsonNode message, boolean modern, HttpServerResponse res) {
        JsonNode id = message.get("id");
        String method = message.path("method").asString("");
        if (id == null || id.isNull()) {
            return res.status(202).send(); // notifications/initialized, notifications/cancelled
        }
        answered.incrementAndGet();
        eras.computeIfAbsent(modern ? MODERN : "session", k -> new AtomicLong()).incrementAndGet();
        JsonNode params = message.path("params");
        Map<String, Object> result;
        switch (method) {
            case "server/discover" -> {
                result = new LinkedHashMap<>();
                result.put("supportedVersions", List.of(MODERN, LATEST_LEGACY));
                result.put("capabilities", Map.of("tools", Map.of()));
                result.put("instructions", "A demo server: echo and count.");
            }
            case "initialize" -> {
                String offered = params.path("protocolVersion").asString(LATEST_LEGACY);
                res.header("Mcp-Session-Id", "session-" + sessions.incrementAndGet());
                result = Map.of("protocolVersion", LEGACY.contains(offered) ? offered : LATEST_LEGACY,
                        "capabilities", Map.of("tools", Map.of()), "serverInfo", SERVER_INFO);
            }
            case "tools/list" -> result = new LinkedHashMap<>(Map.of("tools", List.of(
                    tool("echo", "Answers its message.", Map.of("message", Map.of("type", "string")), true),
                    tool("count", "Counts to n, one step every 250 ms, reporting progress.",
                            Map.of("n", Map.of("type", "integer")), true))));
            case "tools/call" -> {
                return call(id, params, modern, res);
            }
            case "ping" -> result = new LinkedHashMap<>();
            default -> {
                return json(res, 200, Map.of("jsonrpc", "2.0", "id", id,
                        "error", Map.of("code", -32601, "message", "method not found: " + method)));
            }
        }
        return json(res, 200, response(id, result, modern));
    }

    private Mono<Void> call(JsonNode id, JsonNode params, boolean modern, HttpServerResponse res) {
        String name = params.path("name").asString("");
        JsonNode args = params.path("arguments");
        if ("echo".equals(name)) {
            return json(res, 200, response(id, text("echo: " + args.path("message").asString(""), false), modern));
        }
        if (!"count".equals(name)) {
            return json(res, 200, response(id, text("no tool named '" + name + "'", true), modern));
        }
        int n = Math.max(1, Math.min(20, args.path("n").asInt(3)));
        JsonNode progressToken = params.path("_meta").get("progressToken");
        Map<String, Object> done = text("counted to " + n, false);
        if (progressToken == null) {
            return Mono.delay(stepDelay.multipliedBy(n)).then(json(res, 200, response(id, done, modern)));
        }
        Flux<String> events = Flux.interval(stepDelay).take(n)
                .map(i -> sse(Map.of("jsonrpc", "2.0", "method", "notifications/progress",
                        "params", Map.of("progressToken", progressToken, "progress", i + 1, "total", n,
                                "message", "step " + (i + 1) + " of " + n))))
                .concatWith(Mono.fromSupplier(() -> sse(response(id, done, modern))));
        return res.status(200).header("Content-Type", "text/event-stream").header("Cache-Control", "no-cache")
                .sendString(events).then();
    }

    private static Map<String, Object> tool(String name, String description, Map<String, Object> properties,
                                            boolean readOnly) {
        return Map.of("name", name, "description", description,
                "inputSchema", Map.of("type", "object", "properties", properties),
                "annotations", Map.of("readOnlyHint", readOnly));
    }

    private static Map<String, Object> text(String text, boolean isError) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("content", List.of(Map.of("type", "text", "text", text)));
        result.put("isError", isError);
        return result;
    }

    private static Map<String, Object> response(JsonNode id, Map<String, Object> result, boolean modern) {
        Map<String, Object> r = new LinkedHashMap<>(result);
        if (modern) {
            r.put("resultType", "complete");
            r.put("_meta", Map.of("io.modelcontextprotocol/serverInfo", SERVER_INFO));
        }
        return Map.of("jsonrpc", "2.0", "id", id, "result", r);
    }

    private static String sse(Object message) {
        return "event: message\ndata: " + JSON.writeValueAsString(message) + "\n\n";
    }

    private static Mono<Void> json(HttpServerResponse res, int status, Object body) {
        return res.status(status).header("Content-Type", "application/json")
                .sendString(Mono.just(JSON.writeValueAsString(body))).then();
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
