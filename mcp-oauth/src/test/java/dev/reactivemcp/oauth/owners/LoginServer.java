package dev.reactivemcp.oauth.owners;

import dev.reactivemcp.oauth.fakes.LoopbackAuthServer;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import tools.jackson.databind.json.JsonMapper;

/**
 * An authorization server that logs users in through real redirects, and its MCP server, on one loopback port. The
 * "browser" names its user with the {@code as-session} cookie (the authorization server's own login session); the
 * authorize endpoint approves at once and redirects to the registered redirect URI with {@code code}, {@code state}
 * and {@code iss} (RFC 9207, advertised). The token endpoint checks the code (single use), the redirect URI, the
 * client and the PKCE S256 verifier. The MCP server ({@code /mcp}, 2026-07-28) serves {@code whoami} with scope
 * {@code mcp} and {@code admin}, which answers 403 {@code insufficient_scope} without scope {@code admin}; for each
 * call it compares the owner of the token with the owner the caller claims ({@code asker}): a mismatch is a
 * crossing. Everything is counted here.
 */
final class LoginServer extends LoopbackAuthServer {

    static final String CLIENT_ID = "chat-service";
    static final String REDIRECT_URI = "https://chat.example.test/oauth/callback";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    final AtomicInteger crossings = new AtomicInteger();
    final AtomicInteger codesIssued = new AtomicInteger();
    private final Map<String, AtomicInteger> tokenRequests = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> callsOf = new ConcurrentHashMap<>();
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final Map<String, Grant> tokens = new ConcurrentHashMap<>();
    /** The {@code iss} the authorize endpoint sends: null for its own issuer, "" for none. */
    volatile String issSent;

    private record Grant(String user, Set<String> scopes, String challenge, String redirectUri) { }

    LoginServer() {
        super("\"response_types_supported\":[\"code\"],\"grant_types_supported\":[\"authorization_code\"],"
                + "\"code_challenge_methods_supported\":[\"S256\"],"
                + "\"authorization_response_iss_parameter_supported\":true");
    }

    @Override
    protected void moreRoutes(HttpServerRoutes routes) {
        routes.get("/authorize", this::authorize);
    }

    int tokenRequests(String user) {
        AtomicInteger n = tokenRequests.get(user);
        return n == null ? 0 : n.get();
    }

    int totalTokenRequests() {
        return tokenRequests.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    int callsOf(String user) {
        AtomicInteger n = callsOf.get(user);
        return n == null ? 0 : n.get();
    }

    private Mono<Void> authorize(HttpServerRequest req, HttpServerResponse resp) {
        Map<String, String> q = parse(URI.create(req.uri()).getRawQuery());
        var cookie = req.cookies().get("as-session");
        String user = cookie == null || cookie.isEmpty() ? null : cookie.iterator().next().value();
        if (user == null || !CLIENT_ID.equals(q.get("client_id")) || !REDIRECT_URI.equals(q.get("redirect_uri"))
                || !"S256".equals(q.get("code_challenge_method")) || !"code".equals(q.get("response_type"))
                || !mcp().toString().equals(q.get("resource"))) {
            return resp.status(400).sendString(Mono.just("bad authorization request")).then();
        }
        String code = "code-" + user + "-" + codesIssued.incrementAndGet();
        Set<String> scopes = q.get("scope") == null ? Set.of() : Set.of(q.get("scope").split(" "));
        codes.put(code, new Grant(user, scopes, q.get("code_challenge"), q.get("redirect_uri")));
        String iss = issSent == null ? base() : issSent;
        String location = REDIRECT_URI + "?code=" + enc(code) + "&state=" + enc(q.get("state"))
                + (iss.isEmpty() ? "" : "&iss=" + enc(iss));
        return resp.status(302).header("Location", location).send();
    }

    @Override
    protected Mono<Void> token(HttpServerRequest req, HttpServerResponse resp) {
        return req.receive().aggregate().asString().defaultIfEmpty("").flatMap(body -> {
            Map<String, String> form = parse(body);
            Grant grant = form.get("code") == null ? null : codes.remove(form.get("code"));
            if (grant == null || !"authorization_code".equals(form.get("grant_type"))
                    || !CLIENT_ID.equals(form.get("client_id")) || !grant.redirectUri().equals(form.get("redirect_uri"))
                    || form.get("code_verifier") == null || !s256(form.get("code_verifier")).equals(grant.challenge())) {
                return json(resp, 400, "{\"error\":\"invalid_grant\"}");
            }
            int n = tokenRequests.computeIfAbsent(grant.user(), u -> new AtomicInteger()).incrementAndGet();
            String at = grant.user() + "-at-" + n;
            tokens.put(at, grant);
            return json(resp, 200, "{\"access_token\":\"" + at + "\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
                    + "\"scope\":\"" + String.join(" ", grant.scopes()) + "\"}");
        });
    }

    @Override
    @SuppressWarnings("unchecked")
    protected Mono<Void> mcp(HttpServerRequest req, HttpServerResponse resp) {
        String h = req.requestHeaders().get("Authorization");
        Grant grant = h == null || !h.startsWith("Bearer ") ? null : tokens.get(h.substring(7));
        return req.receive().aggregate().asString().defaultIfEmpty("{}").flatMap(body -> {
            if (grant == null) {
                return challenge(resp, "Bearer " + resourceMetadata() + ", scope=\"mcp\"");
            }
            callsOf.computeIfAbsent(grant.user(), o -> new AtomicInteger()).incrementAndGet();
            Map<String, Object> message = JSON.readValue(body, Map.class);
            Object id = message.get("id");
            if (id == null) {
                return resp.status(202).send();
            }
            Object result = Map.of();
            String method = String.valueOf(message.get("method"));
            if ("server/discover".equals(method)) {
                result = Map.of("resultType", "complete", "supportedVersions", List.of("2026-07-28"),
                        "capabilities", Map.of("tools", Map.of()), "_meta", Map.of("io.modelcontextprotocol/serverInfo",
                                Map.of("name", "login-server", "version", "1")));
            } else if ("tools/call".equals(method)) {
                Map<String, Object> params = (Map<String, Object>) message.get("params");
                Map<String, Object> args = (Map<String, Object>) params.get("arguments");
                if ("admin".equals(params.get("name")) && !grant.scopes().contains("admin")) {
                    return resp.status(403).header("WWW-Authenticate", "Bearer error=\"insufficient_scope\", "
                            + "scope=\"admin\", " + resourceMetadata()).send();
                }
                if (!grant.user().equals(args.get("asker"))) {
                    crossings.incrementAndGet();
                }
                result = Map.of("content", List.of(Map.of("type", "text", "text", grant.user())));
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("jsonrpc", "2.0");
            answer.put("id", id);
            answer.put("result", result);
            return json(resp, 200, JSON.writeValueAsString(answer));
        });
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
