package dev.reactivemcp.interop;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A loopback MCP resource server (legacy era, JSON responses) that accepts only bearer JWTs the authorization
 * server signed for it: signature against the issuer's JWKS (Nimbus), {@code typ at+jwt}, {@code iss},
 * {@code aud} = this resource, {@code exp} (no leeway), and scope {@code mcp:tools}. Without a valid token it
 * answers 401 with a {@code WWW-Authenticate} challenge naming its RFC 9728 protected resource metadata, which names
 * the authorization server. Serves {@code initialize}, {@code tools/list} and {@code tools/call} (tools {@code echo}
 * and {@code whoami}, which answers the token's {@code sub}); and {@code server/discover} for the 2026-07-28 protocol
 * (stateless: every request is checked on its own token).
 *
 * <p>Counts what it saw: calls accepted, calls without a token, tokens rejected by reason, and the {@code sub} of
 * the token each {@code tools/call} carried.
 *
 * <p>Started with {@link #startDpop}, it also accepts DPoP-bound tokens (RFC 9449 section 7): {@code Authorization:
 * DPoP <token>} with a proof that {@link DpopProofCheck} verifies (signature, {@code htm}, {@code htu}, {@code ath},
 * {@code jti}, the token's {@code cnf.jkt}) and this server's nonce, demanded once with a 401 {@code use_dpop_nonce}
 * and a {@code DPoP-Nonce} header (section 9); a DPoP-bound token presented as a bearer token is refused. Its
 * challenge then offers {@code DPoP} (and {@code Bearer} only when asked to accept both).
 */
final class ResourceServer implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final String SCOPE = "mcp:tools";

    private final DisposableServer server;
    private final URI endpoint;
    private final URI metadata;
    private final URI issuer;
    private final DefaultJWTProcessor<SecurityContext> jwt;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong unauthenticated = new AtomicLong();
    private final AtomicLong sessions = new AtomicLong();
    private volatile String lastToken;
    private final Map<String, AtomicLong> rejected = new ConcurrentHashMap<>();
    private final Set<String> tokensSeen = ConcurrentHashMap.newKeySet();
    private final List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final DpopProofCheck dpop;
    private final boolean bearer;
    private final AtomicLong dpopAccepted = new AtomicLong();
    private final AtomicLong nonceChallenges = new AtomicLong();
    private final Set<String> proofKeys = ConcurrentHashMap.newKeySet();
    private final List<String> toolCallSubjects = new java.util.concurrent.CopyOnWriteArrayList<>();

    private ResourceServer(URI issuer, String jwks, int port) {
        this(issuer, jwks, port, null, true);
    }

    private ResourceServer(URI issuer, String jwks, int port, DpopProofCheck dpop, boolean bearer) {
        this.issuer = issuer;
        this.dpop = dpop;
        this.bearer = bearer;
        this.server = HttpServer.create().host("127.0.0.1").port(port).route(routes -> routes
                .get("/.well-known/oauth-protected-resource/mcp", (req, res) -> metadata(res))
                .get("/.well-known/oauth-protected-resource", (req, res) -> metadata(res))
                .post("/mcp", this::mcp)
                .delete("/mcp", (req, res) -> res.status(204).send())
                .get("/mcp", (req, res) -> res.status(405).send()))
                .bindNow();
        this.endpoint = URI.create("http://127.0.0.1:" + server.port() + "/mcp");
        this.metadata = URI.create("http://127.0.0.1:" + server.port() + "/.well-known/oauth-protected-resource/mcp");
        this.jwt = processor(jwks, issuer, endpoint);
    }

    /** Starts on a free port; {@code jwks} is the issuer's key set, read once (blocking) before. */
    static ResourceServer start(URI issuer, String jwks) {
        return new ResourceServer(issuer, jwks, 0);
    }

    /**
     * Starts on a free port accepting DPoP-bound tokens with proofs carrying its nonce {@code nonce}, and bearer
     * tokens too when {@code alsoBearer}.
     */
    static ResourceServer startDpop(URI issuer, String jwks, String nonce, boolean alsoBearer) {
        return new ResourceServer(issuer, jwks, 0, new DpopProofCheck(nonce), alsoBearer);
    }

    private static DefaultJWTProcessor<SecurityContext> processor(String jwks, URI issuer, URI audience) {
        try {
            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            // RFC 9068 says at+jwt; Spring Authorization Server sends no typ
            processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt"),
                    JOSEObjectType.JWT, null));
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
                    Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256), new ImmutableJWKSet<>(JWKSet.parse(jwks))));
            DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(audience.toString(),
                    new JWTClaimsSet.Builder().issuer(issuer.toString()).build(), Set.of("exp", "sub", "scope"));
            claims.setMaxClockSkew(0);
            processor.setJWTClaimsSetVerifier(claims);
            return processor;
        } catch (ParseException e) {
            throw new IllegalArgumentException("bad JWKS", e);
        }
    }

    URI endpoint() {
        return endpoint;
    }

    /** Calls answered with a result for a DPoP-bound token and a valid proof. */
    long dpopAccepted() {
        return dpopAccepted.get();
    }

    /** How many times it answered 401 {@code use_dpop_nonce}. */
    long nonceChallenges() {
        return nonceChallenges.get();
    }

    /** The thumbprints of the keys whose proofs it accepted. */
    Set<String> proofKeys() {
        return Set.copyOf(proofKeys);
    }

    /** Calls answered with a result (a valid token). */
    long accepted() {
        return accepted.get();
    }

    /** Requests without a bearer token. */
    long unauthenticated() {
        return unauthenticated.get();
    }

    /** Requests whose bearer token was refused, by reason. */
    Map<String, Long> rejected() {
        Map<String, Long> out = new LinkedHashMap<>();
        rejected.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Errors of this server itself (answered 500). */
    List<Throwable> failures() {
        return List.copyOf(failures);
    }

    /** The access token of the last accepted request. */
    String lastToken() {
        return lastToken;
    }

    /** The {@code sub} of the token of each {@code tools/call} answered, in the order they arrived. */
    List<String> toolCallSubjects() {
        return List.copyOf(toolCallSubjects);
    }

    /** How many distinct access tokens were accepted. */
    int distinctTokens() {
        return tokensSeen.size();
    }

    private Mono<Void> metadata(HttpServerResponse res) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("resource", endpoint.toString());
        doc.put("authorization_servers", List.of(issuer.toString()));
        doc.put("scopes_supported", List.of(SCOPE));
        doc.put("bearer_methods_supported", List.of("header"));
        return json(res, 200, doc);
    }

    private Mono<Void> mcp(HttpServerRequest req, HttpServerResponse res) {
        String authorization = req.requestHeaders().get("Authorization");
        boolean proved = dpop != null && authorization != null && authorization.regionMatches(true, 0, "DPoP ", 0, 5);
        if (!proved && (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7))) {
            unauthenticated.incrementAndGet();
            return challenge(res, null);
        }
        String token = authorization.substring(proved ? 5 : 7).strip();
        Checked checked = validate(token);
        String refusal = checked.refusal();
        if (refusal == null && !proved && (!bearer || checked.claims().getClaim("cnf") != null)) {
            refusal = bearer ? "bound token as bearer" : "bearer";   // RFC 9449 section 7.2
        }
        if (refusal == null && proved) {
            DpopProofCheck.Result proof = dpop.check(req.requestHeaders().getAll("DPoP"), "POST", endpoint.toString(),
                    token, checked.claims());
            if (proof.useNonce()) {
                nonceChallenges.incrementAndGet();
                return res.status(401).header("DPoP-Nonce", dpop.nonce())
                        .header("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\", error_description=\"nonce\"")
                        .send();
            }
            refusal = proof.ok() ? null : "dpop " + proof.refusal();
            if (proof.ok()) {
                proofKeys.add(proof.jkt());
            }
        }
        if (refusal != null) {
            rejected.computeIfAbsent(refusal, k -> new AtomicLong()).incrementAndGet();
            return challenge(res, "invalid_token");
        }
        tokensSeen.add(token);
        lastToken = token;
        return req.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("{}")
                .flatMap(body -> answer(JSON.readTree(body), res, proved, checked.claims().getSubject()))
                .onErrorResume(e -> {
                    failures.add(e);
                    return res.status(500).send();
                });
    }

    /** A token's claims, or why it was refused (no token text in the reason). */
    private record Checked(String refusal, JWTClaimsSet claims) { }

    private Checked validate(String token) {
        try {
            JWTClaimsSet claims = jwt.process(token, null);
            Object scope = claims.getClaim("scope"); // a string (RFC 9068) or, from Spring, a list
            List<?> scopes = scope instanceof List<?> list ? list
                    : scope == null ? List.of() : List.of(scope.toString().split(" "));
            if (!scopes.contains(SCOPE)) {
                return new Checked("scope", claims);
            }
            return new Checked(null, claims);
        } catch (com.nimbusds.jose.proc.BadJOSEException e) {
            String message = String.valueOf(e.getMessage());
            return new Checked(message.contains("xpired") ? "expired" : message.contains("audience") ? "audience"
                    : "invalid", null);
        } catch (Exception e) {
            return new Checked("malformed", null);
        }
    }

    private Mono<Void> challenge(HttpServerResponse res, String error) {
        String params = "resource_metadata=\"" + metadata + "\", scope=\"" + SCOPE + "\""
                + (error == null ? "" : ", error=\"" + error + "\"");
        String value = dpop == null ? "Bearer " + params
                : bearer ? "Bearer " + params + ", DPoP algs=\"ES256 RS256 PS256\""
                : "DPoP " + params + ", algs=\"ES256 RS256 PS256\"";
        return res.status(401).header("WWW-Authenticate", value).send();
    }

    private Mono<Void> answer(JsonNode message, HttpServerResponse res, boolean proved, String subject) {
        JsonNode id = message.get("id");
        String method = message.path("method").asString("");
        if (id == null || id.isNull()) {
            return res.status(202).send(); // notifications/initialized and other notifications
        }
        accepted.incrementAndGet();
        if (proved) {
            dpopAccepted.incrementAndGet();
        }
        Map<String, Object> result;
        switch (method) {
            case "initialize" -> {
                res.header("Mcp-Session-Id", "session-" + sessions.incrementAndGet()); // no SecureRandom on an event loop
                result = Map.of("protocolVersion", message.path("params").path("protocolVersion").asString("2025-06-18"),
                        "capabilities", Map.of("tools", Map.of()),
                        "serverInfo", Map.of("name", "interop-resource-server", "version", "1"));
            }
            case "server/discover" -> result = Map.of("resultType", "complete",
                    "supportedVersions", List.of("2026-07-28"), "capabilities", Map.of("tools", Map.of()),
                    "_meta", Map.of("io.modelcontextprotocol/serverInfo",
                            Map.of("name", "interop-resource-server", "version", "1")));
            case "tools/list" -> result = Map.of("tools", List.of(Map.of("name", "echo",
                    "description", "echoes its message",
                    "inputSchema", Map.of("type", "object",
                            "properties", Map.of("message", Map.of("type", "string")))),
                    Map.of("name", "whoami", "description", "the subject of the caller's access token",
                            "inputSchema", Map.of("type", "object"))));
            case "tools/call" -> {
                toolCallSubjects.add(subject);
                String text = "whoami".equals(message.path("params").path("name").asString(""))
                        ? subject
                        : "echo: " + message.path("params").path("arguments").path("message").asString("");
                result = Map.of("content", List.of(Map.of("type", "text", "text", text)), "isError", false);
            }
            case "ping" -> result = Map.of();
            default -> {
                Map<String, Object> error = Map.of("jsonrpc", "2.0", "id", id,
                        "error", Map.of("code", -32601, "message", "method not found: " + method));
                return json(res, 200, error);
            }
        }
        return json(res, 200, Map.of("jsonrpc", "2.0", "id", id, "result", result));
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
