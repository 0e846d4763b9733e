package dev.reactivemcp.oauth.owners;

import dev.reactivemcp.oauth.fakes.DpopProofVerifier;
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
 *
 * <p>With DPoP ({@code new LoginServer(true)}, RFC 9449): the metadata lists ES256 proofs; the authorize endpoint
 * binds the code to the {@code dpop_jkt} it received (section 10); the token endpoint verifies the proof
 * ({@link DpopProofVerifier}), refuses a code bound to another key, and binds the token to the proof key
 * ({@code cnf.jkt}, kept here: the tokens are opaque); the MCP server accepts only {@code DPoP} tokens with a proof
 * by the key they are bound to. Anything wrong is recorded in {@link #problems}.
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

    /** With DPoP: the thumbprint each access token is bound to, and what went wrong. */
    final Map<String, String> bindings = new ConcurrentHashMap<>();
    final java.util.Queue<String> problems = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** With DPoP: the {@code dpop_jkt} of each authorization request, in order, and the user it was for. */
    final java.util.Queue<String> dpopJktsRequested = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final boolean dpop;
    private final DpopProofVerifier verifier;

    private record Grant(String user, Set<String> scopes, String challenge, String redirectUri, String jkt) { }

    LoginServer() {
        this(false, java.time.Clock.systemUTC());
    }

    /** With {@code dpop}, checking proof freshness on {@code clock} (the client's). */
    LoginServer(boolean dpop, java.time.Clock clock) {
        super("\"response_types_supported\":[\"code\"],\"grant_types_supported\":[\"authorization_code\"],"
                + "\"code_challenge_methods_supported\":[\"S256\"],"
                + (dpop ? "\"dpop_signing_alg_values_supported\":[\"ES256\"]," : "")
                + "\"authorization_response_iss_parameter_supported\":true");
        this.dpop = dpop;
        this.verifier = new DpopProofVerifier(clock);
    }

    /** With DPoP: the thumbprints the tokens of {@code user} are bound to, one per token, in issue order. */
    List<String> keysOf(String user) {
        return tokens.entrySet().stream().filter(e -> e.getValue().user().equals(user))
                .map(e -> bindings.get(e.getKey())).toList();
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
        if (dpop) {
            dpopJktsRequested.add(user + " " + q.get("dpop_jkt"));
        }
        codes.put(code, new Grant(user, scopes, q.get("code_challenge"), q.get("redirect_uri"), q.get("dpop_jkt")));
        String iss = issSent == null ? base() : issSent;
        String location = REDIRECT_URI + "?code=" + enc(code) + "&state=" + enc(q.get("state"))
                + (iss.isEmpty() ? "" : "&iss=" + enc(iss));
        return resp.status(302).header("Location", location).send();
    }

    @Override
    protected Mono<Void> token(HttpServerRequest req, HttpServerResponse resp) {
        String proof = req.requestHeaders().get("DPoP");
        return req.receive().aggregate().asString().defaultIfEmpty("").flatMap(body -> {
            Map<String, String> form = parse(body);
            Grant grant = form.get("code") == null ? null : codes.remove(form.get("code"));
            if (grant == null || !"authorization_code".equals(form.get("grant_type"))
                    || !CLIENT_ID.equals(form.get("client_id")) || !grant.redirectUri().equals(form.get("redirect_uri"))
                    || form.get("code_verifier") == null || !s256(form.get("code_verifier")).equals(grant.challenge())) {
                return json(resp, 400, "{\"error\":\"invalid_grant\"}");
            }
            String jkt = null;
            if (dpop) {
                try {
                    jkt = verifier.verify(proof, "POST", base() + "/token", null).jkt();
                } catch (IllegalArgumentException e) {
                    problems.add("/token: " + e.getMessage());
                    return json(resp, 400, "{\"error\":\"invalid_dpop_proof\"}");
                }
                if (grant.jkt() != null && !grant.jkt().equals(jkt)) {
                    problems.add("/token: the code was bound to another key (dpop_jkt)");
                    return json(resp, 400, "{\"error\":\"invalid_grant\"}");
                }
            }
            int n = tokenRequests.computeIfAbsent(grant.user(), u -> new AtomicInteger()).incrementAndGet();
            String at = grant.user() + "-at-" + n;
            if (jkt != null) {
                bindings.put(at, jkt);
            }
            tokens.put(at, grant);
            return json(resp, 200, "{\"access_token\":\"" + at + "\",\"token_type\":\"" + (dpop ? "DPoP" : "Bearer")
                    + "\",\"expires_in\":3600,"
                    + "\"scope\":\"" + String.join(" ", grant.scopes()) + "\"}");
        });
    }

    @Override
    @SuppressWarnings("unchecked")
    protected Mono<Void> mcp(HttpServerRequest req, HttpServerResponse resp) {
        String h = req.requestHeaders().get("Authorization");
        String scheme = dpop ? "DPoP " : "Bearer ";
        Grant grant = h == null || !h.startsWith(scheme) ? null : tokens.get(h.substring(scheme.length()));
        String proof = req.requestHeaders().get("DPoP");
        return req.receive().aggregate().asString().defaultIfEmpty("{}").flatMap(body -> {
            if (grant != null && dpop) {
                String token = h.substring(scheme.length());
                try {
                    String jkt = verifier.verify(proof, "POST", mcp().toString(), token).jkt();
                    if (!jkt.equals(bindings.get(token))) {
                        problems.add("/mcp: the proof key is not the key the token is bound to");
                        return challenge(resp, "DPoP error=\"invalid_token\"");
                    }
                } catch (IllegalArgumentException e) {
                    problems.add("/mcp: " + e.getMessage());
                    return challenge(resp, "DPoP error=\"invalid_token\"");
                }
            } else if (h != null && dpop) {
                problems.add("/mcp: a token presented as " + h.split(" ")[0]);
            }
            if (grant == null) {
                return challenge(resp, (dpop ? "DPoP algs=\"ES256\", " : "Bearer ") + resourceMetadata()
                        + ", scope=\"mcp\"");
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
                    return resp.status(403).header("WWW-Authenticate", scheme + "error=\"insufficient_scope\", "
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
