package dev.reactivemcp.oauth.owners;

import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.fakes.Forms;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * An authorization server and an MCP server for many owners on one loopback port (real HTTP, port 0). Every owner
 * has one grant whose refresh token rotates on every use. The MCP endpoint ({@code /mcp}) speaks both eras
 * ({@code server/discover} for 2026-07-28; {@code initialize} issuing a session id for 2025-11-25), accepts only
 * unexpired access tokens, and for each {@code tools/call} compares the owner its token belongs to with the owner
 * the caller claims in the arguments ({@code asker}): a mismatch is a crossing. A 2025 session belongs to the owner
 * whose token initialized it; a request of another owner on it is a crossing too. Everything is counted here.
 */
final class OwnersServer implements AutoCloseable {

    static final String CLIENT_ID = "service-client";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    final AtomicInteger crossings = new AtomicInteger();
    final AtomicInteger toolCalls = new AtomicInteger();
    final AtomicInteger unauthorized = new AtomicInteger();
    final AtomicInteger invalidGrants = new AtomicInteger();
    private final Map<String, AtomicInteger> tokenRequests = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> callsOf = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> listsOf = new ConcurrentHashMap<>();
    /** The {@code cacheScope} of {@code tools/list} results ({@code ttlMs} one minute); null: no caching fields. */
    volatile String listCacheScope;
    private final Map<String, Mono<Void>> holds = new ConcurrentHashMap<>();
    private final Map<String, Access> access = new ConcurrentHashMap<>();
    private final Map<String, String> currentRefresh = new ConcurrentHashMap<>();   // owner -> refresh token
    private final Map<String, AtomicInteger> generation = new ConcurrentHashMap<>();
    private final Map<String, String> sessions = new ConcurrentHashMap<>();         // session id -> owner
    private final Clock clock;
    private final Duration lifetime;
    private final DisposableServer server;

    private record Access(String owner, Instant expiresAt) { }

    OwnersServer(Clock clock, Duration lifetime) {
        this.clock = clock;
        this.lifetime = lifetime;
        this.server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes.post("/token", this::token).post("/mcp", this::mcp)
                        .delete("/mcp", (req, resp) -> owner(req) == null ? unauthorized(resp)
                                : resp.status(200).send()))
                .bindNow();
    }

    String mcpUrl() {
        return "http://127.0.0.1:" + server.port() + "/mcp";
    }

    String issuer() {
        return "http://127.0.0.1:" + server.port();
    }

    /** Logs {@code owner} in (its grant starts): the credentials a service would have stored, expiring at {@code expiresAt}. */
    StoredCredentials login(String owner, Instant expiresAt) {
        String at = owner + "-at-0";
        String rt = owner + "-rt-0";
        access.put(at, new Access(owner, expiresAt));
        currentRefresh.put(owner, rt);
        generation.put(owner, new AtomicInteger());
        ClientRegistration registration = new ClientRegistration(issuer(), CLIENT_ID, null, "none", List.of());
        return new StoredCredentials(mcpUrl(), new CredentialKey(mcpUrl(), issuer(), CLIENT_ID, owner), registration,
                new OAuthTokens(at, "Bearer", rt, expiresAt, Set.of("mcp"), null), issuer() + "/token", false,
                expiresAt.minus(lifetime));
    }

    /** Holds the token responses for {@code owner} until {@code gate} completes. */
    void holdTokenResponses(String owner, Mono<Void> gate) {
        holds.put(owner, gate);
    }

    int tokenRequests(String owner) {
        AtomicInteger n = tokenRequests.get(owner);
        return n == null ? 0 : n.get();
    }

    int totalTokenRequests() {
        return tokenRequests.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** MCP requests that arrived with {@code owner}'s token. */
    int callsOf(String owner) {
        AtomicInteger n = callsOf.get(owner);
        return n == null ? 0 : n.get();
    }

    /** {@code tools/list} requests that reached this server with {@code owner}'s token. */
    int listsOf(String owner) {
        AtomicInteger n = listsOf.get(owner);
        return n == null ? 0 : n.get();
    }

    private Mono<Void> token(HttpServerRequest req, HttpServerResponse resp) {
        return req.receive().aggregate().asString().defaultIfEmpty("").flatMap(body -> {
            String presented = Forms.parse(body).get("refresh_token");
            String owner = presented == null ? null : presented.substring(0, presented.lastIndexOf("-rt-"));
            if (owner == null || !presented.equals(currentRefresh.get(owner))) {
                invalidGrants.incrementAndGet();
                return resp.status(400).header("Content-Type", "application/json")
                        .sendString(Mono.just("{\"error\":\"invalid_grant\"}")).then();
            }
            tokenRequests.computeIfAbsent(owner, o -> new AtomicInteger()).incrementAndGet();
            int g = generation.get(owner).incrementAndGet();
            String at = owner + "-at-" + g;
            String rt = owner + "-rt-" + g;
            currentRefresh.put(owner, rt);
            access.put(at, new Access(owner, clock.instant().plus(lifetime)));
            String answer = "{\"access_token\":\"" + at + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                    + lifetime.toSeconds() + ",\"refresh_token\":\"" + rt + "\"}";
            return holds.getOrDefault(owner, Mono.empty()).then(resp.header("Content-Type", "application/json")
                    .sendString(Mono.just(answer)).then());
        });
    }

    private String owner(HttpServerRequest req) {
        String h = req.requestHeaders().get("Authorization");
        Access a = h == null || !h.startsWith("Bearer ") ? null : access.get(h.substring(7));
        return a != null && clock.instant().isBefore(a.expiresAt()) ? a.owner() : null;
    }

    private static Mono<Void> unauthorized(HttpServerResponse resp) {
        return resp.status(401).header("WWW-Authenticate", "Bearer error=\"invalid_token\"").send();
    }

    @SuppressWarnings("unchecked")
    private Mono<Void> mcp(HttpServerRequest req, HttpServerResponse resp) {
        String owner = owner(req);
        String session = req.requestHeaders().get("Mcp-Session-Id");
        return req.receive().aggregate().asString().defaultIfEmpty("{}").flatMap(body -> {
            if (owner == null) {
                unauthorized.incrementAndGet();
                return unauthorized(resp);
            }
            callsOf.computeIfAbsent(owner, o -> new AtomicInteger()).incrementAndGet();
            if (session != null && !owner.equals(sessions.get(session))) {
                crossings.incrementAndGet();
            }
            Map<String, Object> message = JSON.readValue(body, Map.class);
            Object id = message.get("id");
            String method = String.valueOf(message.get("method"));
            if (id == null) {
                return resp.status(202).send();
            }
            Object result;
            if ("server/discover".equals(method)) {
                result = Map.of("resultType", "complete", "supportedVersions", List.of("2026-07-28"),
                        "capabilities", Map.of("tools", Map.of()), "_meta", Map.of("io.modelcontextprotocol/serverInfo",
                                Map.of("name", "owners-server", "version", "1")));
            } else if ("initialize".equals(method)) {
                result = Map.of("protocolVersion", "2025-11-25", "capabilities", Map.of("tools", Map.of()),
                        "serverInfo", Map.of("name", "owners-server", "version", "1"));
                String issued = "session-" + owner + "-" + System.nanoTime();
                sessions.put(issued, owner);
                resp.header("Mcp-Session-Id", issued);
            } else if ("tools/call".equals(method)) {
                toolCalls.incrementAndGet();
                Map<String, Object> params = (Map<String, Object>) message.get("params");
                Map<String, Object> args = (Map<String, Object>) params.get("arguments");
                if (!owner.equals(args.get("asker"))) {
                    crossings.incrementAndGet();
                }
                result = Map.of("content", List.of(Map.of("type", "text", "text", owner)));
            } else if ("tools/list".equals(method) && listCacheScope != null) {
                listsOf.computeIfAbsent(owner, o -> new AtomicInteger()).incrementAndGet();
                // a private list names its owner; a public one is the same for everyone
                String name = "private".equals(listCacheScope) ? "tool-of-" + owner : "tool-for-all";
                result = Map.of("tools", List.of(Map.of("name", name, "inputSchema", Map.of("type", "object"))),
                        "ttlMs", 60_000, "cacheScope", listCacheScope);
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
