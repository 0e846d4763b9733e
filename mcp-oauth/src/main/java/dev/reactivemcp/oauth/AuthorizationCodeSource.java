package dev.reactivemcp.oauth;

import java.net.URI;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * The user-agent step of the authorization code flow (RFC 6749 section 4.1.1 to 4.1.2): sends the user (or a
 * headless agent) to the authorization URL and hands back the parameters of the redirect. Implementations: a
 * loopback redirect receiver, a headless follower, print-URL/paste-back.
 *
 * <p>PLACEHOLDER shape: the login-flow work item refines this interface.
 */
public interface AuthorizationCodeSource {

    /** The redirect URI to register and send; may start a listener. */
    Mono<String> redirectUri();

    /**
     * Sends the user agent to {@code authorizationUrl} and emits the query parameters of the redirect to
     * {@code redirectUri} ({@code code}, {@code state}, {@code iss}, or {@code error}...).
     */
    Mono<Map<String, String>> authorize(URI authorizationUrl, String redirectUri);
}
