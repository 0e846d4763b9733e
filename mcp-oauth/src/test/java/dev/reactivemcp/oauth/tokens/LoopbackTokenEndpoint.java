package dev.reactivemcp.oauth.tokens;

import dev.reactivemcp.oauth.fakes.Forms;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A token endpoint on loopback, port 0, that rotates refresh tokens: each refresh token works once; presenting a
 * used one is answered {@code invalid_grant} (as providers that revoke on reuse do). Counts every request.
 */
final class LoopbackTokenEndpoint implements AutoCloseable {

    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger invalidGrants = new AtomicInteger();
    private final AtomicReference<String> validRefreshToken;
    private final AtomicInteger generation = new AtomicInteger();
    private final DisposableServer server;

    LoopbackTokenEndpoint(String initialRefreshToken, Duration answerDelay) {
        this.validRefreshToken = new AtomicReference<>(initialRefreshToken);
        this.server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes.post("/token", (request, response) -> request.receive().aggregate().asString()
                        .delayElement(answerDelay)
                        .flatMap(body -> {
                            requests.incrementAndGet();
                            Map<String, String> form = Forms.parse(body);
                            String presented = form.get("refresh_token");
                            int n = generation.get() + 1;
                            if (!"refresh_token".equals(form.get("grant_type")) || !rotate(presented, "rt-" + n)) {
                                invalidGrants.incrementAndGet();
                                return response.status(400).header("Content-Type", "application/json")
                                        .sendString(Mono.just("{\"error\":\"invalid_grant\"}")).then();
                            }
                            generation.set(n);
                            return response.header("Content-Type", "application/json")
                                    .sendString(Mono.just("{\"access_token\":\"at-" + n + "\",\"token_type\":\"Bearer\","
                                            + "\"expires_in\":3600,\"refresh_token\":\"rt-" + n + "\"}")).then();
                        })))
                .bindNow();
    }

    /** Accepts {@code presented} once: compares by value (not identity) and replaces it atomically. */
    private boolean rotate(String presented, String next) {
        String current = validRefreshToken.get();
        return current.equals(presented) && validRefreshToken.compareAndSet(current, next);
    }

    String url() {
        return "http://127.0.0.1:" + server.port() + "/token";
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
