package dev.reactivemcp.spring.webflux;

import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.fakes.LoopbackAuthServer;
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
import reactor.core.publisher.Sinks;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import tools.jackson.databind.json.JsonMapper;

/**
 * An MCP server with a REST API beside it and their authorization server, on one loopback port (real HTTP, port 0):
 * {@code /mcp} speaks MCP 2026-07-28 ({@code server/discover}, {@code tools/call} answering the owner of the token it got),
 * {@code GET /api/whoami} the same. Both accept only unexpired access tokens this server
 * issued and not revoked; every owner's refresh token rotates on each use (an old one is {@code invalid_grant}).
 * Everything is counted here, on the server's side.
 */
final class ResourceServer extends LoopbackAuthServer {

    static final String CLIENT_ID = "web-client";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    final AtomicInteger invalidGrants = new AtomicInteger();
    final AtomicInteger unauthorized = new AtomicInteger();
    final AtomicInteger apiRequests = new AtomicInteger();
    final AtomicInteger mcpCalls = new AtomicInteger();
    /** When set, {@code /api} rejects every token (a server that lost its keys, or a revoked grant). */
    volatile boolean apiRejectsAll;
    private final Map<String, AtomicInteger> tokenRequests = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> apiCallsOf = new ConcurrentHashMap<>();
    private final Map<String, Access> access = new ConcurrentHashMap<>();
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    private final Map<String, String> currentRefresh = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> generation = new ConcurrentHashMap<>();
    private final Sinks.Many<String> tokenRequestsSeen = Sinks.many().replay().all();
    private volatile Mono<Void> tokenGate = Mono.empty();
    private final Clock clock;
    private final Duration lifetime;

    private record Access(String owner, Instant expiresAt) { }

    ResourceServer(Clock clock, Duration lifetime) {
        super("\"grant_types_supported\":[\"refresh_token\"]");
        this.clock = clock;
        this.lifetime = lifetime;
    }

    @Override
    protected void moreRoutes(HttpServerRoutes routes) {
        routes.get("/api/whoami", this::whoami).delete("/api/whoami", this::whoami);
    }

    /** The credentials a service stored for {@code owner} after its login, the access token expiring at {@code at}. */
    StoredCredentials login(String owner, Instant expiresAt) {
        String at = owner + "-at-0";
        String rt = owner + "-rt-0";
        access.put(at, new Access(owner, expiresAt));
        currentRefresh.put(owner, rt);
        generation.put(owner, new AtomicInteger());
        String mcp = mcp().toString();
        ClientRegistration registration = new ClientRegistration(base(), CLIENT_ID, null, "none", List.of());
        return new StoredCredentials(mcp, new CredentialKey(mcp, base(), CLIENT_ID, owner), registration,
                new OAuthTokens(at, "Bearer", rt, expiresAt, Set.of("mcp"), null), base() + "/token", false,
                expiresAt.minus(lifetime));
    }

    /** Revokes {@code owner}'s access token of generation {@code g}, issued or not: the server answers 401 for it. */
    void revoke(String owner, int g) {
        revoked.add(owner + "-at-" + g);
    }

    /** Holds every token response until {@code gate} completes. */
    void holdTokenResponses(Mono<Void> gate) {
        this.tokenGate = gate;
    }

    /** Emits the owner of each token request as it arrives (before a held response). */
    reactor.core.publisher.Flux<String> tokenRequestsSeen() {
        return tokenRequestsSeen.asFlux();
    }

    int tokenRequests(String owner) {
        AtomicInteger n = tokenRequests.get(owner);
        return n == null ? 0 : n.get();
    }

    int totalTokenRequests() {
        return tokenRequests.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    int apiCallsOf(String owner) {
        AtomicInteger n = apiCallsOf.get(owner);
        return n == null ? 0 : n.get();
    }

    @Override
    protected Mono<Void> token(HttpServerRequest req, HttpServerResponse resp) {
        return req.receive().aggregate().asString().defaultIfEmpty("").flatMap(body -> {
            Map<String, String> form = parse(body);
            String presented = form.get("refresh_token");
            String owner = presented == null || !presented.contains("-rt-") ? null
                    : presented.substring(0, presented.lastIndexOf("-rt-"));
            if (!"refresh_token".equals(form.get("grant_type")) || owner == null
                    || !presented.equals(currentRefresh.get(owner))) {
                invalidGrants.incrementAndGet();
                return json(resp, 400, "{\"error\":\"invalid_grant\"}");
            }
            tokenRequests.computeIfAbsent(owner, o -> new AtomicInteger()).incrementAndGet();
            tokenRequestsSeen.tryEmitNext(owner);
            int g = generation.get(owner).incrementAndGet();
            String at = owner + "-at-" + g;
            String rt = owner + "-rt-" + g;
            currentRefresh.put(owner, rt);
            access.put(at, new Access(owner, clock.instant().plus(lifetime)));
            String answer = "{\"access_token\":\"" + at + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                    + lifetime.toSeconds() + ",\"refresh_token\":\"" + rt + "\"}";
            return tokenGate.then(json(resp, 200, answer));
        });
    }

    /** What both endpoints answer for {@code owner}: {@code as:<owner>} (the default owner's id is empty). */
    static String answerFor(String owner) {
        return "as:" + owner;
    }

    private String owner(HttpServerRequest req) {
        String h = req.requestHeaders().get("Authorization");
        Access a = h == null || !h.startsWith("Bearer ") || revoked.contains(h.substring(7)) ? null
                : access.get(h.substring(7));
        return a != null && clock.instant().isBefore(a.expiresAt()) ? a.owner() : null;
    }

    private Mono<Void> rejected(HttpServerResponse resp) {
        unauthorized.incrementAndGet();
        return challenge(resp, "Bearer error=\"invalid_token\", " + resourceMetadata());
    }

    private Mono<Void> whoami(HttpServerRequest req, HttpServerResponse resp) {
        apiRequests.incrementAndGet();
        String owner = owner(req);
        if (owner == null || apiRejectsAll) {
            return rejected(resp);
        }
        apiCallsOf.computeIfAbsent(owner, o -> new AtomicInteger()).incrementAndGet();
        return resp.header("Content-Type", "text/plain").sendString(Mono.just(answerFor(owner))).then();
    }

    @Override
    @SuppressWarnings("unchecked")
    protected Mono<Void> mcp(HttpServerRequest req, HttpServerResponse resp) {
        String owner = owner(req);
        return req.receive().aggregate().asString().defaultIfEmpty("{}").flatMap(body -> {
            if (owner == null) {
                return rejected(resp);
            }
            Map<String, Object> message = JSON.readValue(body, Map.class);
            Object id = message.get("id");
            if (id == null) {
                return resp.status(202).send();
            }
            String method = String.valueOf(message.get("method"));
            Object result;
            if ("server/discover".equals(method)) {
                result = Map.of("resultType", "complete", "supportedVersions", List.of("2026-07-28"),
                        "capabilities", Map.of("tools", Map.of()), "_meta", Map.of("io.modelcontextprotocol/serverInfo",
                                Map.of("name", "resource-server", "version", "1")));
            } else if ("tools/call".equals(method)) {
                mcpCalls.incrementAndGet();
                result = Map.of("content", List.of(Map.of("type", "text", "text", answerFor(owner))));
            } else {
                result = Map.of();
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("jsonrpc", "2.0");
            answer.put("id", id);
            answer.put("result", result);
            return json(resp, 200, JSON.writeValueAsString(answer));
        });
    }
}
