package dev.reactivemcp.oauth.tokens;

import dev.reactivemcp.oauth.fakes.Forms;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * An authorization server and an MCP server on one loopback port (real HTTP, port 0), strict like production
 * providers: one grant whose refresh token rotates on every use; presenting a refresh token already used revokes
 * the whole grant (every token of it, answer {@code invalid_grant}). The rotation is committed when the request
 * arrives, the answer leaves {@code answerDelay} later. The MCP endpoint ({@code /mcp}, legacy Streamable HTTP
 * with a session id) accepts only unexpired access tokens of a live grant. Everything is counted here, on the
 * server's side.
 */
final class GrantServer implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    final AtomicInteger tokenRequests = new AtomicInteger();
    /** One permit per token request received (before it is answered). */
    final java.util.concurrent.Semaphore tokenRequestsReceived = new java.util.concurrent.Semaphore(0);
    final AtomicInteger revocations = new AtomicInteger();
    final AtomicInteger deletes = new AtomicInteger();
    final AtomicInteger toolCalls = new AtomicInteger();
    private final Clock clock;
    private final Duration lifetime;
    private final Duration answerDelay;
    private final DisposableServer server;
    // guarded by this
    private int generation;
    private int grant;
    private String currentRefresh;
    private boolean revoked;
    private final Set<String> used = new HashSet<>();
    private final Map<String, Instant> access = new HashMap<>();

    GrantServer(Clock clock, Duration lifetime, Duration answerDelay) {
        this.clock = clock;
        this.lifetime = lifetime;
        this.answerDelay = answerDelay;
        this.server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes
                        .post("/token", this::token)
                        .post("/mcp", this::mcp)
                        .delete("/mcp", (req, resp) -> {
                            if (!authorized(req)) {
                                return unauthorized(resp);
                            }
                            deletes.incrementAndGet();
                            return resp.status(200).send();
                        }))
                .bindNow();
    }

    /** Starts a new grant (a login): returns its first access token; the refresh token is {@link #newest()}. */
    synchronized String login() {
        grant++;
        generation = 0;
        revoked = false;
        used.clear();
        access.clear();
        currentRefresh = "g" + grant + "-rt-0";
        String at = "g" + grant + "-at-0";
        access.put(at, clock.instant().plus(lifetime));
        return at;
    }

    /** The refresh token the server would accept now (the newest one it issued), or null when revoked. */
    synchronized String newest() {
        return revoked ? null : currentRefresh;
    }

    String tokenUrl() {
        return "http://127.0.0.1:" + server.port() + "/token";
    }

    String mcpUrl() {
        return "http://127.0.0.1:" + server.port() + "/mcp";
    }

    String issuer() {
        return "http://127.0.0.1:" + server.port();
    }

    Duration lifetime() {
        return lifetime;
    }

    private Mono<Void> token(HttpServerRequest req, HttpServerResponse resp) {
        return req.receive().aggregate().asString().defaultIfEmpty("").flatMap(body -> {
            tokenRequests.incrementAndGet();
            tokenRequestsReceived.release();
            String answer = rotate(Forms.parse(body).get("refresh_token")); // committed now, answered later
            Mono<Void> send = answer == null
                    ? resp.status(400).header("Content-Type", "application/json")
                            .sendString(Mono.just("{\"error\":\"invalid_grant\"}")).then()
                    : resp.header("Content-Type", "application/json").sendString(Mono.just(answer)).then();
            return Mono.delay(answerDelay).then(send);
        });
    }

    private synchronized String rotate(String presented) {
        if (presented == null || revoked) {
            return null;
        }
        if (!presented.equals(currentRefresh)) {
            if (used.contains(presented)) { // reuse: revoke the whole grant, as strict providers do
                revoked = true;
                access.clear();
                revocations.incrementAndGet();
            }
            return null;
        }
        used.add(presented);
        generation++;
        currentRefresh = "g" + grant + "-rt-" + generation;
        String at = "g" + grant + "-at-" + generation;
        access.put(at, clock.instant().plus(lifetime));
        return "{\"access_token\":\"" + at + "\",\"token_type\":\"Bearer\",\"expires_in\":" + lifetime.toSeconds()
                + ",\"refresh_token\":\"" + currentRefresh + "\"}";
    }

    private synchronized boolean authorized(HttpServerRequest req) {
        String h = req.requestHeaders().get("Authorization");
        if (h == null || !h.startsWith("Bearer ")) {
            return false;
        }
        Instant expiry = access.get(h.substring(7));
        return !revoked && expiry != null && clock.instant().isBefore(expiry);
    }

    private static Mono<Void> unauthorized(HttpServerResponse resp) {
        return resp.status(401).header("WWW-Authenticate", "Bearer error=\"invalid_token\"").send();
    }

    @SuppressWarnings("unchecked")
    private Mono<Void> mcp(HttpServerRequest req, HttpServerResponse resp) {
        boolean ok = authorized(req);
        return req.receive().aggregate().asString().defaultIfEmpty("{}").flatMap(body -> {
            if (!ok) {
                return unauthorized(resp);
            }
            Map<String, Object> message = JSON.readValue(body, Map.class);
            Object id = message.get("id");
            String method = String.valueOf(message.get("method"));
            if (id == null) {
                return resp.status(202).send();
            }
            Object result;
            if ("initialize".equals(method)) {
                result = Map.of("protocolVersion", "2025-11-25", "capabilities", Map.of("tools", Map.of()),
                        "serverInfo", Map.of("name", "grant-server", "version", "1"));
                resp.header("Mcp-Session-Id", "session-" + System.nanoTime());
            } else if ("tools/call".equals(method)) {
                toolCalls.incrementAndGet();
                result = Map.of("content", java.util.List.of(Map.of("type", "text", "text", "ok")));
            } else {
                result = Map.of();
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("jsonrpc", "2.0");
            answer.put("id", id);
            answer.put("result", result);
            return resp.header("Content-Type", "application/json")
                    .sendString(Mono.just(JSON.writeValueAsString(answer))).then();
        });
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
