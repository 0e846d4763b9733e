package dev.reactivemcp.tokenstore.redis;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A token endpoint on loopback, port 0, that rotates refresh tokens and revokes on reuse, as the providers that
 * detect replay do: each refresh token works once; presenting a used one is answered {@code invalid_grant} and
 * revokes the grant (no later refresh succeeds). Counts every request on the server's side. Runs in the parent JVM of
 * the multi-process tests, so both children's requests are counted in one place.
 */
final class RotatingTokenEndpoint implements AutoCloseable {

    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger invalidGrants = new AtomicInteger();
    private final AtomicReference<String> valid;
    private final AtomicInteger generation = new AtomicInteger();
    private final DisposableServer server;

    RotatingTokenEndpoint(String initialRefreshToken, Duration answerDelay) {
        this.valid = new AtomicReference<>(initialRefreshToken);
        this.server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes.post("/token", (request, response) -> request.receive().aggregate().asString()
                        .delayElement(answerDelay)
                        .flatMap(body -> {
                            requests.incrementAndGet();
                            Map<String, String> form = form(body);
                            String presented = form.get("refresh_token");
                            String current = valid.get();
                            int n = generation.get() + 1;
                            if (!"refresh_token".equals(form.get("grant_type")) || current == null
                                    || !current.equals(presented) || !valid.compareAndSet(current, "rt-" + n)) {
                                invalidGrants.incrementAndGet();
                                valid.set(null);   // reuse detected: the whole grant is revoked
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

    String url() {
        return "http://127.0.0.1:" + server.port() + "/token";
    }

    /** The refresh token the endpoint accepts now (null once revoked). */
    String validRefreshToken() {
        return valid.get();
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
