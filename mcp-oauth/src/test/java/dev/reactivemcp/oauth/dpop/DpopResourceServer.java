package dev.reactivemcp.oauth.dpop;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.reactivemcp.oauth.fakes.DpopProofVerifier;
import dev.reactivemcp.oauth.fakes.LoopbackAuthServer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * An MCP server that accepts only DPoP-bound tokens, and its authorization server, on one loopback port (real HTTP,
 * port 0). Every proof is verified here, with Nimbus and nothing of the client (RFC 9449 section 4.3: {@code typ},
 * signature by the embedded public {@code jwk}, {@code htm}, {@code htu}, {@code iat} within 60 s, {@code jti} never
 * seen before, {@code ath} of the presented token, the nonce when demanded); tokens are bound to the proof key's
 * thumbprint ({@code cnf.jkt}, section 6) and so are refresh tokens (section 5). The token endpoint implements the
 * client credentials and refresh token grants. Everything is counted on this side.
 */
final class DpopResourceServer extends LoopbackAuthServer {

    /** One token request: its grant type, the thumbprint of its proof key (null without a valid proof). */
    record TokenRequest(String grantType, String jkt, String nonce) { }

    final Queue<TokenRequest> tokenRequests = new ConcurrentLinkedQueue<>();
    final Queue<String> problems = new ConcurrentLinkedQueue<>();
    final Queue<String> schemesSeen = new ConcurrentLinkedQueue<>();
    final AtomicInteger mcpRequests = new AtomicInteger();
    final AtomicInteger nonceChallenges = new AtomicInteger();
    /** Access token and refresh token to the thumbprint it is bound to. */
    final Map<String, String> bindings = new ConcurrentHashMap<>();
    /** The JWS {@code alg} of every proof that reached the token endpoint. */
    final Queue<String> proofAlgorithms = new ConcurrentLinkedQueue<>();
    /** The refresh tokens presented at the token endpoint, in order. */
    final Queue<String> refreshTokensPresented = new ConcurrentLinkedQueue<>();
    /** Metadata {@code dpop_signing_alg_values_supported} as a JSON array, or null to publish none. */
    volatile String dpopAlgorithms = "[\"ES256\"]";
    /** Metadata {@code grant_types_supported} as a JSON array, or null to publish none. */
    volatile String grantTypes = "[\"client_credentials\",\"refresh_token\"]";
    /** A broken server: refreshes answer with a JWT access token whose {@code cnf.jkt} names another key. */
    volatile boolean refreshBindsToAnotherKey;
    private final Map<String, Instant> expiries = new ConcurrentHashMap<>();
    private final AtomicInteger counter = new AtomicInteger();
    private final Clock clock;
    private final DpopProofVerifier verifier;
    private final Duration lifetime;
    private final boolean requireNonces;
    private final boolean acceptsBearer;

    DpopResourceServer(Clock clock, Duration lifetime, boolean requireNonces) {
        this(clock, lifetime, requireNonces, false);
    }

    /** With {@code acceptsBearer}: the challenge offers {@code Bearer} too, and requests without proofs get Bearer tokens. */
    DpopResourceServer(Clock clock, Duration lifetime, boolean requireNonces, boolean acceptsBearer) {
        super("");
        this.clock = clock;
        this.verifier = new DpopProofVerifier(clock);
        this.lifetime = lifetime;
        this.requireNonces = requireNonces;
        this.acceptsBearer = acceptsBearer;
    }

    /** Publishes {@link #grantTypes} and {@link #dpopAlgorithms} as they are when the metadata is asked for. */
    @Override
    protected String metadataFields() {
        return (grantTypes == null ? "" : "\"grant_types_supported\":" + grantTypes + ",")
                + "\"token_endpoint_auth_methods_supported\":[\"client_secret_basic\"],"
                + (dpopAlgorithms == null ? "" : "\"dpop_signing_alg_values_supported\":" + dpopAlgorithms + ",")
                + "\"code_challenge_methods_supported\":[\"S256\"]";
    }

    String nonce(String where) {
        return where + "-nonce-1";
    }

    long grants(String grantType) {
        return tokenRequests.stream().filter(r -> grantType.equals(r.grantType())).count();
    }

    @Override
    protected Mono<Void> token(HttpServerRequest req, HttpServerResponse resp) {
        String proof = req.requestHeaders().get("DPoP");
        return req.receive().aggregate().asString().defaultIfEmpty("").flatMap(body -> {
            Map<String, String> form = parse(body);
            if (proof == null && acceptsBearer) {
                tokenRequests.add(new TokenRequest(form.get("grant_type"), null, null));
                String access = "bearer-" + counter.incrementAndGet();
                expiries.put(access, clock.instant().plus(lifetime));
                return json(resp, 200, "{\"access_token\":\"" + access + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                        + lifetime.toSeconds() + "}");
            }
            Verified verified = verify(proof, "POST", base() + "/token", null, "/token");
            tokenRequests.add(new TokenRequest(form.get("grant_type"), verified == null ? null : verified.jkt(),
                    verified == null ? null : verified.nonce()));
            if (verified == null) {
                return json(resp, 400, "{\"error\":\"invalid_dpop_proof\"}");
            }
            if (requireNonces && !nonce("as").equals(verified.nonce())) {
                nonceChallenges.incrementAndGet();
                resp.header("DPoP-Nonce", nonce("as"));
                return json(resp, 400, "{\"error\":\"use_dpop_nonce\",\"error_description\":\"nonce required\"}");
            }
            if ("refresh_token".equals(form.get("grant_type"))) {
                refreshTokensPresented.add(form.getOrDefault("refresh_token", ""));
                String boundTo = bindings.get(form.getOrDefault("refresh_token", ""));
                if (!verified.jkt().equals(boundTo)) {
                    problems.add("refresh with another key than the refresh token is bound to");
                    return json(resp, 400, "{\"error\":\"invalid_grant\"}");
                }
            } else if (!"client_credentials".equals(form.get("grant_type"))) {
                return json(resp, 400, "{\"error\":\"unsupported_grant_type\"}");
            }
            int n = counter.incrementAndGet();
            String access = refreshBindsToAnotherKey && "refresh_token".equals(form.get("grant_type"))
                    ? unsignedJwtBoundTo("another-key-thumbprint-" + n) : "dp-" + n;
            String refresh = "rt-" + n;
            bindings.put(access, verified.jkt());
            bindings.put(refresh, verified.jkt());
            expiries.put(access, clock.instant().plus(lifetime));
            return json(resp, 200, "{\"access_token\":\"" + access + "\",\"token_type\":\"DPoP\",\"expires_in\":"
                    + lifetime.toSeconds() + ",\"refresh_token\":\"" + refresh + "\"}");
        });
    }

    @Override
    protected Mono<Void> mcp(HttpServerRequest req, HttpServerResponse resp) {
        mcpRequests.incrementAndGet();
        String authorization = req.requestHeaders().get("Authorization");
        String proof = req.requestHeaders().get("DPoP");
        return req.receive().then(Mono.defer(() -> {
            if (authorization == null) {
                schemesSeen.add("none");
                String metadata = resourceMetadata();
                return challenge(resp, (acceptsBearer ? "Bearer " + metadata + ", " : "") + "DPoP " + metadata
                        + ", algs=\"ES256\"");
            }
            int space = authorization.indexOf(' ');
            String scheme = space < 0 ? authorization : authorization.substring(0, space);
            schemesSeen.add(scheme);
            if (acceptsBearer && "Bearer".equals(scheme) && proof == null) {
                Instant expiry = expiries.get(authorization.substring(space + 1));
                return expiry != null && clock.instant().isBefore(expiry)
                        ? json(resp, 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}")
                        : challenge(resp, "Bearer error=\"invalid_token\"");
            }
            if (!"DPoP".equals(scheme)) {
                problems.add("token presented with scheme " + scheme);
                return challenge(resp, "DPoP error=\"invalid_token\"");
            }
            String token = authorization.substring(space + 1);
            Verified verified = verify(proof, "POST", base() + "/mcp", token, "/mcp");
            if (verified == null || !verified.jkt().equals(bindings.get(token))) {
                if (verified != null) {
                    problems.add("/mcp: proof key is not the key the token is bound to");
                }
                return challenge(resp, "DPoP error=\"invalid_token\"");
            }
            if (requireNonces && !nonce("rs").equals(verified.nonce())) {
                nonceChallenges.incrementAndGet();
                resp.header("DPoP-Nonce", nonce("rs"));
                return challenge(resp, "DPoP error=\"use_dpop_nonce\", error_description=\"nonce required\"");
            }
            Instant expiry = expiries.get(token);
            if (expiry == null || !clock.instant().isBefore(expiry)) {
                return challenge(resp, "DPoP error=\"invalid_token\", error_description=\"expired\"");
            }
            return json(resp, 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
        }));
    }

    private record Verified(String jkt, String nonce) { }

    /** RFC 9449 section 4.3 ({@link DpopProofVerifier}); null (and a recorded problem) when missing or wrong. */
    private Verified verify(String compact, String method, String htu, String accessToken, String where) {
        try {
            DpopProofVerifier.Verified v = verifier.verify(compact, method, htu, accessToken);
            if ("/token".equals(where)) {
                proofAlgorithms.add(v.algorithm());
            }
            return new Verified(v.jkt(), v.nonce());
        } catch (IllegalArgumentException e) {
            problems.add(where + ": " + e.getMessage());
            return null;
        }
    }

    /** An unsecured JWT (RFC 7519 section 6) whose {@code cnf.jkt} is {@code jkt}: what a broken server might issue. */
    private static String unsignedJwtBoundTo(String jkt) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"sub\":\"svc\",\"cnf\":{\"jkt\":\"" + jkt + "\"}}")
                        .getBytes(StandardCharsets.UTF_8)) + ".";
    }
}
