package dev.reactivemcp.examples.web;

import io.netty.handler.codec.http.cookie.Cookie;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The web service's own sessions: a random session id in an {@code HttpOnly} cookie, mapped to the user the session
 * belongs to. The user id (not the session id, which is a secret) is the MCP credentials' owner.
 *
 * <p>This stands in for what a real service already has (its login, its session store): there the owner is the id of
 * the signed-in user. Here every new browser becomes an anonymous visitor. Sessions live in memory and never expire:
 * fine for a demo, not for a service.
 *
 * <p>{@code SameSite=Lax}: the browser comes back to the callback from the authorization server through a top-level
 * GET navigation, which a {@code Lax} cookie accompanies ({@code Strict} would lose the session there).
 */
final class BrowserSessions {

    static final String COOKIE = "sid";

    private final Map<String, String> users = new ConcurrentHashMap<>(); // session id -> user id
    private final SecureRandom random = new SecureRandom();

    private record Session(String id, String user) { }

    /** The user of the request's session, if it has one this service issued. */
    Optional<String> user(HttpServerRequest request) {
        Set<Cookie> cookies = request.cookies().get(COOKIE);
        if (cookies == null) {
            return Optional.empty();
        }
        return cookies.stream().map(c -> users.get(c.value())).filter(u -> u != null).findFirst();
    }

    /**
     * The user of the request's session, or a new session for a new visitor (its cookie is set on {@code response}).
     * The random bytes are drawn off the event loop: {@link SecureRandom} may read the system's entropy source.
     */
    Mono<String> userOrNew(HttpServerRequest request, HttpServerResponse response) {
        return Mono.justOrEmpty(user(request)).switchIfEmpty(Mono.fromCallable(() -> {
            String session = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(32));
            String user = "visitor-" + HexFormat.of().formatHex(bytes(8));
            users.put(session, user);
            return new Session(session, user);
        }).subscribeOn(Schedulers.boundedElastic()).map(created -> {
            response.header("Set-Cookie", COOKIE + "=" + created.id() + "; Path=/; HttpOnly; SameSite=Lax");
            return created.user();
        }));
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
