package dev.reactivemcp.tokenstore.redis;

import dev.reactivemcp.oauth.fakes.LoopbackAuthServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The shared {@link LoopbackAuthServer} (metadata, {@code /token}, {@code /mcp} on one loopback port) with what its
 * other subclasses do not do: a token endpoint that rotates refresh tokens and revokes on reuse, as the providers that
 * detect replay do. Each refresh token works once; presenting a used one is answered {@code invalid_grant} and revokes
 * the grant (no later refresh succeeds); answers can be delayed, to widen the window in which replicas race. Counts
 * every token request on the server's side; {@code /mcp} answers 200 and records the Authorization header it got.
 * Runs in the parent JVM of the multi-process tests, so both children's requests are counted in one place.
 */
final class RotatingTokenEndpoint extends LoopbackAuthServer {

    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger invalidGrants = new AtomicInteger();
    final List<String> mcpAuthorizations = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> valid;
    private final AtomicInteger generation = new AtomicInteger();
    private final Duration answerDelay;

    RotatingTokenEndpoint(String initialRefreshToken, Duration answerDelay) {
        super("\"grant_types_supported\":[\"authorization_code\",\"refresh_token\"]");
        this.valid = new AtomicReference<>(initialRefreshToken);
        this.answerDelay = answerDelay;
    }

    @Override
    protected Mono<Void> token(HttpServerRequest req, HttpServerResponse resp) {
        return req.receive().aggregate().asString().delayElement(answerDelay).flatMap(body -> {
            requests.incrementAndGet();
            Map<String, String> form = parse(body);
            String presented = form.get("refresh_token");
            String current = valid.get();
            int n = generation.get() + 1;
            if (!"refresh_token".equals(form.get("grant_type")) || current == null
                    || !current.equals(presented) || !valid.compareAndSet(current, "rt-" + n)) {
                invalidGrants.incrementAndGet();
                valid.set(null);   // reuse detected: the whole grant is revoked
                return json(resp, 400, "{\"error\":\"invalid_grant\"}");
            }
            generation.set(n);
            return json(resp, 200, "{\"access_token\":\"at-" + n + "\",\"token_type\":\"Bearer\","
                    + "\"expires_in\":3600,\"refresh_token\":\"rt-" + n + "\"}");
        });
    }

    @Override
    protected Mono<Void> mcp(HttpServerRequest req, HttpServerResponse resp) {
        mcpAuthorizations.add(req.requestHeaders().get("Authorization", "none"));
        return req.receive().then(json(resp, 200, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}"));
    }

    String url() {
        return base() + "/token";
    }

    /** The refresh token the endpoint accepts now (null once revoked). */
    String validRefreshToken() {
        return valid.get();
    }
}
