package dev.reactivemcp.oauth.grants;

import dev.reactivemcp.oauth.fakes.LoopbackAuthServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * A protected resource and its authorization server on one loopback port (real HTTP, port 0): protected resource
 * metadata, authorization server metadata, a token endpoint that hands every token request (its form and
 * {@code Authorization} header) to a judge, and {@code /mcp}, which accepts only unexpired tokens it issued and
 * answers 401 with {@code resource_metadata} otherwise. Counted here, on the server's side.
 */
final class CredentialsServer extends LoopbackAuthServer {

    /** What the token endpoint saw. */
    record TokenRequest(Map<String, String> form, String authorization) { }

    /** Decides a token request: null to issue a token, else the OAuth error code to answer with (HTTP 401). */
    interface Judge {
        String judge(TokenRequest request);
    }

    final Queue<TokenRequest> tokenRequests = new ConcurrentLinkedQueue<>();
    final Queue<TokenRequest> exchanges = new ConcurrentLinkedQueue<>();
    final AtomicInteger mcpRequests = new AtomicInteger();
    final Queue<String> tokensSeen = new ConcurrentLinkedQueue<>();
    private final Map<String, Instant> issued = new ConcurrentHashMap<>();
    private final AtomicInteger counter = new AtomicInteger();
    private final Clock clock;
    private final Duration lifetime;
    private final Judge judge;

    CredentialsServer(Clock clock, Duration lifetime, Judge judge) {
        super("\"grant_types_supported\":[\"client_credentials\",\"urn:ietf:params:oauth:grant-type:jwt-bearer\"],"
                + "\"token_endpoint_auth_methods_supported\":[\"client_secret_basic\",\"private_key_jwt\"],"
                + "\"code_challenge_methods_supported\":[\"S256\"]");
        this.clock = clock;
        this.lifetime = lifetime;
        this.judge = judge;
    }

    @Override
    protected void moreRoutes(HttpServerRoutes routes) {
        routes.post("/idp/token", this::exchange);
    }

    @Override
    protected Mono<Void> token(HttpServerRequest req, HttpServerResponse resp) {
        String authorization = req.requestHeaders().get("Authorization");
        return req.receive().aggregate().asString().defaultIfEmpty("").flatMap(body -> {
            TokenRequest request = new TokenRequest(parse(body), authorization);
            tokenRequests.add(request);
            String error = judge.judge(request);
            if (error != null) {
                return json(resp, 401, "{\"error\":\"" + error + "\"}").then();
            }
            String token = "cc-" + counter.incrementAndGet();
            issued.put(token, clock.instant().plus(lifetime));
            return json(resp, 200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                    + lifetime.toSeconds() + "}").then();
        });
    }

    /** The identity provider's token exchange: every request answered with a new ID-JAG {@code jag-N}. */
    private Mono<Void> exchange(HttpServerRequest req, HttpServerResponse resp) {
        String authorization = req.requestHeaders().get("Authorization");
        return req.receive().aggregate().asString().defaultIfEmpty("").flatMap(body -> {
            exchanges.add(new TokenRequest(parse(body), authorization));
            return json(resp, 200, "{\"access_token\":\"jag-" + exchanges.size() + "\",\"issued_token_type\":"
                    + "\"urn:ietf:params:oauth:token-type:id-jag\",\"token_type\":\"N_A\"}").then();
        });
    }

    @Override
    protected Mono<Void> mcp(HttpServerRequest req, HttpServerResponse resp) {
        mcpRequests.incrementAndGet();
        String authorization = req.requestHeaders().get("Authorization");
        String token = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : null;
        tokensSeen.add(token == null ? "none" : token);
        Instant expiry = token == null ? null : issued.get(token);
        return req.receive().then(Mono.defer(() -> {
            if (expiry == null || !clock.instant().isBefore(expiry)) {
                return challenge(resp, "Bearer " + resourceMetadata());
            }
            return json(resp, 200, "{}").then();
        }));
    }

    List<String> grantTypes() {
        return tokenRequests.stream().map(r -> r.form().get("grant_type")).toList();
    }
}
