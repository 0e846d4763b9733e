package dev.reactivemcp.oauth.internal.dpop;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A loopback server on port 0 playing an authorization server ({@code POST /token}, {@code GET /.well-known/meta},
 * {@code POST /register}) or an MCP server ({@code POST /mcp}) that demands DPoP. It checks every proof as RFC 9449
 * section 4.3 says, with Nimbus alone ({@link Fixtures.Proof}), records what it saw, and demands nonces as told.
 */
final class DpopServer implements AutoCloseable {

    /** How the server hands out nonces. */
    enum Nonces {
        /** Never: proofs without a nonce are fine. */
        NONE,
        /** A proof without the current nonce is challenged once with it. */
        REQUIRE,
        /** Every proof is challenged with a new nonce (a broken server). */
        ALWAYS_NEW,
        /** The challenge has no DPoP-Nonce header (a broken server). */
        CHALLENGE_WITHOUT_NONCE
    }

    /** One request as the server saw it. */
    record Seen(String method, String path, String authorization, String proof, Map<String, Object> claims) { }

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    final List<String> problems = new CopyOnWriteArrayList<>();
    final AtomicReference<Nonces> nonces = new AtomicReference<>(Nonces.NONE);
    /** Answers the next token request with this status and body instead (once), when set. */
    final AtomicReference<String> tokenError = new AtomicReference<>();
    private final AtomicInteger generation = new AtomicInteger();
    private final String prefix;
    private final Clock clock;
    private final DisposableServer server;

    DpopServer(String noncePrefix, Clock clock) {
        this.prefix = noncePrefix;
        this.clock = clock;
        this.server = HttpServer.create().host("127.0.0.1").port(0)
                .route(r -> r.post("/token", (req, res) -> handle(req, res, true))
                        .post("/mcp", (req, res) -> handle(req, res, false))
                        .post("/register", (req, res) -> plain(req, res))
                        .get("/.well-known/meta", (req, res) -> plain(req, res)))
                .bindNow();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    String currentNonce() {
        return prefix + "-" + generation.get();
    }

    long count(String path) {
        return seen.stream().filter(s -> s.path().equals(path)).count();
    }

    List<Seen> at(String path) {
        return seen.stream().filter(s -> s.path().equals(path)).toList();
    }

    private Mono<Void> plain(HttpServerRequest req, HttpServerResponse res) {
        return req.receive().aggregate().asString().defaultIfEmpty("").flatMap(body -> {
            seen.add(new Seen(req.method().name(), req.path().isEmpty() ? "/" : "/" + req.path(),
                    req.requestHeaders().get("Authorization"), req.requestHeaders().get("DPoP"), Map.of()));
            return res.header("Content-Type", "application/json").sendString(Mono.just("{}")).then();
        });
    }

    private Mono<Void> handle(HttpServerRequest req, HttpServerResponse res, boolean tokenEndpoint) {
        return req.receive().aggregate().asString().defaultIfEmpty("").flatMap(body -> {
            String path = tokenEndpoint ? "/token" : "/mcp";
            String authorization = req.requestHeaders().get("Authorization");
            List<String> proofs = req.requestHeaders().getAll("DPoP");
            String proof = proofs.size() == 1 ? proofs.get(0) : null;
            Map<String, Object> claims = Map.of();
            if (proof == null) {
                problems.add(path + ": " + proofs.size() + " DPoP headers");
            } else {
                try {
                    claims = check(proof, req.method().name(), uri(path), tokenEndpoint ? null : token(authorization));
                } catch (AssertionError | RuntimeException e) {
                    problems.add(path + ": " + e.getMessage());
                }
            }
            seen.add(new Seen(req.method().name(), path, authorization, proof, claims));
            Nonces mode = nonces.get();
            boolean demand = switch (mode) {
                case NONE -> false;
                case REQUIRE -> !currentNonce().equals(claims.get("nonce"));
                case ALWAYS_NEW, CHALLENGE_WITHOUT_NONCE -> true;
            };
            if (demand) {
                if (mode == Nonces.ALWAYS_NEW) {
                    generation.incrementAndGet();
                }
                if (mode != Nonces.CHALLENGE_WITHOUT_NONCE) {
                    res.header("DPoP-Nonce", currentNonce());
                }
                if (tokenEndpoint) {
                    return res.status(400).header("Content-Type", "application/json")
                            .sendString(Mono.just("{\"error\":\"use_dpop_nonce\",\"error_description\":\"nonce\"}"))
                            .then();
                }
                return res.status(401).header("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\", algs=\"ES256\"")
                        .sendString(Mono.just("{\"error\":\"use_dpop_nonce\"}")).then();
            }
            String error = tokenEndpoint ? tokenError.getAndSet(null) : null;
            if (error != null) {
                return res.status(400).header("Content-Type", "application/json").sendString(Mono.just(error)).then();
            }
            return res.header("Content-Type", "application/json")
                    .sendString(Mono.just(tokenEndpoint ? "{\"access_token\":\"at-1\",\"token_type\":\"DPoP\"}"
                            : "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}")).then();
        });
    }

    private static String token(String authorization) {
        if (authorization == null || !authorization.startsWith("DPoP ")) {
            throw new AssertionError("no Authorization: DPoP header");
        }
        return authorization.substring(5);
    }

    /** RFC 9449 section 4.3, checks 1 to 12 that do not need server state beyond the clock. */
    private Map<String, Object> check(String compact, String method, URI target, String accessToken) {
        Fixtures.Proof proof = Fixtures.Proof.verify(compact);
        if (!"dpop+jwt".equals(proof.header().get("typ"))) {
            throw new AssertionError("typ is not dpop+jwt");
        }
        Map<String, Object> c = proof.claims();
        if (!(c.get("jti") instanceof String) || !method.equals(c.get("htm")) || !target.toString().equals(c.get("htu"))) {
            throw new AssertionError("jti, htm or htu wrong: " + c);
        }
        long iat = ((Number) c.get("iat")).longValue();
        if (Math.abs(iat - clock.instant().getEpochSecond()) > 60) {
            throw new AssertionError("iat not fresh");
        }
        Object ath = c.get("ath");
        if (accessToken == null ? ath != null : !sha256(accessToken).equals(ath)) {
            throw new AssertionError("ath wrong");
        }
        return c;
    }

    private static String sha256(String token) {
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
