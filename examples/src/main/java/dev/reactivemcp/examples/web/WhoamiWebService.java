package dev.reactivemcp.examples.web;

import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.oauth.AuthorizationRequiredException;
import dev.reactivemcp.oauth.LoginCompletionException;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.McpOwner;
import dev.reactivemcp.transport.CallToolResult;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.ProtocolNegotiation;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * A small reactive web service (Reactor Netty, no framework) that calls an MCP tool for each of its browser users
 * with that user's own credentials, through one {@link McpClient} shared by all users, and sends a user who must
 * log in through the MCP server's authorization server with plain redirects. README "Many users in one service".
 *
 * <ul>
 *   <li>{@code GET /tools/whoami}: calls the MCP tool {@code whoami} for the user of the browser's session (the
 *       owner goes into the call's Reactor context with {@link McpOwner#of}); answers 200 with the tool's text. When
 *       the call fails with {@link AuthorizationRequiredException} (this user has no usable token, or must grant
 *       more scopes), answers 302 to its {@link AuthorizationRequiredException#authorizationUrl()}: the library
 *       made it for this user (PKCE and {@code state} kept in memory, bound to the user, 10 minutes).</li>
 *   <li>{@code GET /callback}: where the authorization server sends the browser back. Hands the redirect to
 *       {@link McpOAuth#completeLogin(URI)} in the context of the session's user (the library checks that this user
 *       started that login, that it is not replayed nor late, and the {@code iss}; then exchanges the code and stores
 *       the tokens under the user), then answers 302 back to the page. A redirect of another user's login, a
 *       replayed one or a late one gets a 400 in plain words, and nothing is stored.</li>
 * </ul>
 *
 * <p>One {@code McpClient} serves every user because the MCP server speaks the 2026-07-28 protocol (no sessions;
 * each request carries its own user's token). With a 2025-era server, keep one client per user instead.
 *
 * <pre>{@code
 * WhoamiWebService service = WhoamiWebService.wire(URI.create("https://mcp.example.com/mcp"),
 *         "https://chat.example.com");
 * HttpServer.create().port(8080).handle(service::handle).bindNow();
 * }</pre>
 *
 * <p>Run it: {@code scripts/run-example.sh dev.reactivemcp.examples.web.WhoamiWebService <mcp-url> [port]} and open
 * {@code http://127.0.0.1:<port>/tools/whoami}. The test {@code WebServiceLoginTest} (module mcp-interop-tests)
 * drives two browsers through it against a real authorization server.
 */
public final class WhoamiWebService {

    /** The page: the {@code whoami} tool's answer for the session's user. */
    public static final String PAGE = "/tools/whoami";
    /** The OAuth redirect endpoint. */
    public static final String CALLBACK = "/callback";

    private final McpClient client;
    private final McpOAuth oauth;
    private final BrowserSessions sessions = new BrowserSessions();
    private final HttpServerRoutes routes;

    /**
     * The service over a client whose filter is {@code oauth.filterFor(...)}, where {@code oauth} was built with
     * {@code serviceLogin(<this service's base URL> + CALLBACK)}.
     *
     * @param client the MCP client shared by all users
     * @param oauth  the OAuth instance of that client's token filter
     */
    public WhoamiWebService(McpClient client, McpOAuth oauth) {
        this.client = client;
        this.oauth = oauth;
        this.routes = HttpServerRoutes.newRoutes().get(PAGE, this::whoami).get(CALLBACK, this::callback);
    }

    /**
     * Wires the library for a service reachable at {@code baseUrl}: one {@link McpOAuth} with login by redirect to
     * {@code baseUrl + CALLBACK} (the client is registered dynamically at the MCP server's authorization server,
     * with that redirect URI) and every call required to name its owner; one {@link McpClient} for all users.
     *
     * @param mcpEndpoint the MCP server (2026-07-28 protocol)
     * @param baseUrl     this service's own URL as browsers reach it, such as {@code https://chat.example.com}
     * @return the service; {@link #shutdown()} it when done
     */
    public static WhoamiWebService wire(URI mcpEndpoint, String baseUrl) {
        McpOAuth oauth = McpOAuth.builder()
                .clientName("whoami web service")
                .serviceLogin(baseUrl + CALLBACK)
                .ownerRequired(true)     // a call that names no user fails; it never runs with a default identity
                .build();                // tokens in memory here: a real service passes its shared tokenStore(...)
        McpClient client = McpClient.builder(mcpEndpoint)
                .clientInfo("whoami-web-service", "1")
                .negotiation(ProtocolNegotiation.pinned("2026-07-28"))
                .requestTimeout(Duration.ofSeconds(30))
                .filter(oauth.filterFor(mcpEndpoint))
                .build();
        return new WhoamiWebService(client, oauth);
    }

    /**
     * The HTTP handler: {@code HttpServer.create().handle(service::handle)}.
     *
     * @param request  the request
     * @param response the response
     * @return completes when the response is sent
     */
    public Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        return routes.apply(request, response);
    }

    private Mono<Void> whoami(HttpServerRequest request, HttpServerResponse response) {
        return sessions.userOrNew(request, response)
                .flatMap(user -> client.callTool("whoami", Map.of()).contextWrite(McpOwner.of(user)))
                .map(result -> Answer.text(200, "The MCP server sees you as: " + result.text()))
                .onErrorResume(AuthorizationRequiredException.class,
                        login -> Mono.just(Answer.redirect(login.authorizationUrl().toString())))
                .onErrorResume(e -> Mono.just(Answer.text(502,
                        "The MCP server call failed: " + McpFailures.classify(e).describe())))
                .flatMap(answer -> answer.send(response));
    }

    private Mono<Void> callback(HttpServerRequest request, HttpServerResponse response) {
        String user = sessions.user(request).orElse(null);
        if (user == null) {
            return Answer.text(400, "This browser has no session here, so the login cannot be completed. "
                    + "Open " + PAGE + " to start again.").send(response);
        }
        return oauth.completeLogin(URI.create(request.uri()))
                .contextWrite(McpOwner.of(user))
                .thenReturn(Answer.redirect(PAGE))
                .onErrorResume(LoginCompletionException.class, refused -> Mono.just(Answer.text(400,
                        plainWords(refused.reason()) + " Open " + PAGE + " to log in again. (" + refused.reason() + ")")))
                .onErrorResume(e -> Mono.just(Answer.text(400,
                        "The login did not complete: " + McpFailures.classify(e).describe())))
                .flatMap(answer -> answer.send(response));
    }

    private static String plainWords(LoginCompletionException.Reason reason) {
        return switch (reason) {
            case OTHER_OWNER -> "This login was started in another browser session, so it was refused and discarded.";
            case EXPIRED -> "This login took too long and expired.";
            case UNKNOWN_STATE -> "This login link is unknown or was already used.";
        };
    }

    /**
     * Closes the client, then waits for token refreshes in flight to be stored.
     *
     * @return completes when both are done
     */
    public Mono<Void> shutdown() {
        return client.close().onErrorComplete().then(oauth.shutdown());
    }

    /** A response to send: a status with a redirect or a line of text. */
    private record Answer(int status, String location, String text) {

        static Answer text(int status, String text) {
            return new Answer(status, null, text);
        }

        static Answer redirect(String location) {
            return new Answer(302, location, null);
        }

        Mono<Void> send(HttpServerResponse response) {
            response.status(status).header("Cache-Control", "no-store");
            if (location != null) {
                return response.header("Location", location).send();
            }
            return response.header("Content-Type", "text/plain; charset=utf-8")
                    .sendString(Mono.just(text + "\n")).then();
        }
    }

    /**
     * {@code WhoamiWebService <mcp-url> [port]}: serves on {@code http://127.0.0.1:<port>} (default 8080) until
     * stopped.
     *
     * @param args the MCP server's URL, and optionally the port
     */
    public static void main(String[] args) {
        URI mcp = URI.create(args.length > 0 ? args[0] : "http://127.0.0.1:3001/mcp");
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 8080;
        WhoamiWebService service = wire(mcp, "http://127.0.0.1:" + port);
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(port).handle(service::handle).bindNow();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.disposeNow();
            service.shutdown().block(Duration.ofSeconds(15));
        }, "whoami-web-service-stop"));
        System.out.println("open http://127.0.0.1:" + port + PAGE);
        server.onDispose().block();
    }
}
