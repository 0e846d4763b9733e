package dev.reactivemcp.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.HttpFailurePayload;
import dev.reactivemcp.errors.JsonRpcErrorPayload;
import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.McpHttpException;
import dev.reactivemcp.transport.ProtocolNegotiation;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A hostile server on loopback echoes the bearer token it received, the refresh token and the client secret it was
 * sent, in bodies, headers, challenges, JSON-RPC error messages and OAuth error descriptions. None of them reaches any
 * text of the error the caller gets: messages, {@code toString()}, stack trace text, body previews, response headers,
 * JSON-RPC error messages, and the classifier's verdict (issue 9, item 7).
 */
class EchoedSecretsTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final String ACCESS = "at-Echo-0123456789abcdef";
    private static final String REFRESH = "rt-Echo-fedcba9876543210";
    private static final String CLIENT_SECRET = "cs-Echo-5f4dcc3b5aa765d6";
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+|\"[^\"]*\")");

    /** What the MCP endpoint answers. */
    enum Echo {
        SERVER_ERROR_BODY_AND_HEADERS, JSON_RPC_ERROR_IN_200, JSON_RPC_ERROR_IN_400, CHALLENGE_THEN_REFRESH_REJECTED,
        CHALLENGE_THEN_REFRESH_UNAVAILABLE, INSUFFICIENT_SCOPE
    }

    private final AtomicReference<Echo> mode = new AtomicReference<>();
    private final AtomicInteger echoedToken = new AtomicInteger();
    private final AtomicInteger echoedRefresh = new AtomicInteger();
    private final InMemoryTokenStore store = new InMemoryTokenStore();
    private DisposableServer server;
    private URI endpoint;

    @BeforeEach
    void start() {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes
                        .post("/mcp", (request, response) -> request.receive().aggregate().asString()
                                .defaultIfEmpty("")
                                .flatMap(body -> mcp(request.requestHeaders().get("Authorization"), body, response)))
                        .post("/token", (request, response) -> request.receive().aggregate().asString()
                                .flatMap(body -> token(body, response))))
                .bindNow();
        endpoint = URI.create("http://127.0.0.1:" + server.port() + "/mcp");
        String issuer = "http://127.0.0.1:" + server.port();
        ClientRegistration registration = new ClientRegistration(issuer, "client-1", new String(CLIENT_SECRET),
                "client_secret_post", List.of());
        store.save(new StoredCredentials(endpoint.toString(), new CredentialKey(endpoint.toString(), issuer, "client-1"),
                registration, new OAuthTokens(new String(ACCESS), "Bearer", new String(REFRESH),
                NOW.plusSeconds(3600), Set.of("mcp")), issuer + "/token", false, NOW.minusSeconds(60))).block();
    }

    @AfterEach
    void stop() {
        server.disposeNow();
    }

    @ParameterizedTest
    @EnumSource(Echo.class)
    void noEchoedSecretReachesAnyTextOfTheError(Echo echo) {
        mode.set(echo);
        McpOAuth oauth = McpOAuth.builder().tokenStore(store).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
        McpClient client = McpClient.builder(endpoint).negotiation(ProtocolNegotiation.legacyOnly())
                .listeningStream(false).requestTimeout(Duration.ofSeconds(10)).filter(oauth.filterFor(endpoint)).build();

        Throwable error = client.connect().then(Mono.<Throwable>empty()).onErrorResume(Mono::just)
                .block(Duration.ofSeconds(20));

        assertThat(error).as("the connect failed").isNotNull();
        assertThat(echoedToken.get()).as("the server echoed the bearer token it received").isPositive();
        List<String> texts = texts(error);
        for (String text : texts) {
            assertThat(text).doesNotContain(ACCESS, REFRESH, CLIENT_SECRET);
        }
        McpFailure failure = McpFailures.classify(error);
        switch (echo) {
            case CHALLENGE_THEN_REFRESH_REJECTED -> assertThat(failure.isAuthenticationRequired()).isTrue();
            case INSUFFICIENT_SCOPE -> assertThat(failure).isInstanceOf(McpFailure.InsufficientScope.class);
            case JSON_RPC_ERROR_IN_200, JSON_RPC_ERROR_IN_400 -> assertThat(failure).isInstanceOf(McpFailure.JsonRpcError.class);
            case SERVER_ERROR_BODY_AND_HEADERS -> assertThat(failure).isInstanceOf(McpFailure.ServerError.class);
            default -> assertThat(failure.isAuthenticationRequired() || failure instanceof McpFailure.TokenRefreshFailed)
                    .isTrue();
        }
        if (echo.name().startsWith("CHALLENGE")) {
            assertThat(echoedRefresh.get()).as("the token endpoint echoed the refresh token").isPositive();
        }
        System.out.printf("EchoedSecretsTest %s: %d texts checked, verdict %s%n", echo, texts.size(), failure.describe());
        client.close().onErrorResume(e -> Mono.empty()).block(Duration.ofSeconds(10));
    }

    private Mono<Void> mcp(String authorization, String body, HttpServerResponse response) {
        String token = authorization == null ? "" : authorization.substring(authorization.indexOf(' ') + 1);
        if (token.equals(ACCESS)) {
            echoedToken.incrementAndGet();
        }
        String echo = "token " + token + " refresh " + REFRESH + " secret " + CLIENT_SECRET;
        Matcher id = ID.matcher(body);
        String rpcError = "{\"jsonrpc\":\"2.0\",\"id\":" + (id.find() ? id.group(1) : "null")
                + ",\"error\":{\"code\":-32603,\"message\":\"" + echo + "\",\"data\":{\"echo\":\"" + token + "\"}}}";
        return switch (mode.get()) {
            case SERVER_ERROR_BODY_AND_HEADERS -> response.status(500).header("X-Echo", token)
                    .header("Set-Cookie", "session=" + token).header("X-Api-Key", CLIENT_SECRET)
                    .header("Content-Type", "text/plain").sendString(Mono.just("upstream said: " + echo)).then();
            case JSON_RPC_ERROR_IN_200 -> response.header("Content-Type", "application/json")
                    .sendString(Mono.just(rpcError)).then();
            case JSON_RPC_ERROR_IN_400 -> response.status(400).header("Content-Type", "application/json")
                    .sendString(Mono.just(rpcError)).then();
            case INSUFFICIENT_SCOPE -> response.status(403).header("WWW-Authenticate",
                    "Bearer error=\"insufficient_scope\", scope=\"" + token + "\", error_description=\"" + echo + "\"")
                    .header("X-Echo", token).sendString(Mono.just(echo)).then();
            default -> response.status(401).header("WWW-Authenticate",
                    "Bearer error=\"invalid_token\", error_description=\"" + echo + "\"").header("X-Echo", token)
                    .header("Content-Type", "application/json")
                    .sendString(Mono.just("{\"error\":\"invalid_token\",\"error_description\":\"" + echo + "\"}")).then();
        };
    }

    private Mono<Void> token(String form, HttpServerResponse response) {
        String refresh = param(form, "refresh_token");
        String secret = param(form, "client_secret");
        if (REFRESH.equals(refresh)) {
            echoedRefresh.incrementAndGet();
        }
        String echo = "refresh token " + refresh + " of client secret " + secret + " access " + ACCESS;
        int status = mode.get() == Echo.CHALLENGE_THEN_REFRESH_UNAVAILABLE ? 503 : 400;
        String code = status == 503 ? "temporarily_unavailable" : "invalid_grant";
        return response.status(status).header("Content-Type", "application/json").header("X-Echo", refresh)
                .sendString(Mono.just("{\"error\":\"" + code + "\",\"error_description\":\"" + echo + "\"}")).then();
    }

    private static String param(String form, String name) {
        for (String pair : form.split("&")) {
            if (pair.startsWith(name + "=")) {
                return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    /** Every text the error graph offers a caller or a log line. */
    private static List<String> texts(Throwable root) {
        List<String> out = new ArrayList<>();
        StringWriter trace = new StringWriter();
        root.printStackTrace(new PrintWriter(trace));
        out.add(trace.toString());
        McpFailure verdict = McpFailures.classify(root);
        out.add(verdict.toString());
        out.add(verdict.describe());
        out.add(McpFailures.toException(root).toString());
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> pending = new ArrayList<>(List.of(root));
        while (!pending.isEmpty()) {
            Throwable t = pending.remove(pending.size() - 1);
            if (t == null || !seen.add(t)) {
                continue;
            }
            out.add(String.valueOf(t));
            out.add(String.valueOf(t.getMessage()));
            if (t instanceof HttpFailurePayload p) {
                out.add(p.bodyPreview());
                out.add(p.headers().toString());
            }
            if (t instanceof McpHttpException h) {
                out.add(h.responseHeaders().toString());
            }
            if (t instanceof JsonRpcErrorPayload rpc) {
                out.add(rpc.errorMessage());
            }
            if (t instanceof McpException m) {
                out.add(m.failure().toString());
                out.add(m.failure().describe());
            }
            pending.add(t.getCause());
            pending.addAll(List.of(t.getSuppressed()));
        }
        return out;
    }
}
