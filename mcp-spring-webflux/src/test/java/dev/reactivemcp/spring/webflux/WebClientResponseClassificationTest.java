package dev.reactivemcp.spring.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.ForeignPayloadReader;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.errors.StartupFailureReason;
import dev.reactivemcp.errors.StoredCredentialState;
import dev.reactivemcp.spring.webflux.internal.WebClientPayloadReader;
import java.time.Duration;
import java.util.ServiceLoader;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.util.retry.Retry;

/**
 * The classifier reads Spring's {@code WebClientResponseException} out of the box (the reader this module declares
 * for {@code ServiceLoader}, nothing registered by hand): each exception comes from a real {@code WebClient}
 * exchange with a loopback server answering as real servers do.
 */
class WebClientResponseClassificationTest {

    static final Duration WAIT = Duration.ofSeconds(20);
    private static DisposableServer server;
    private static WebClient web;

    @BeforeAll
    static void start() {
        McpFailures.loadReaders();
        server = HttpServer.create().host("127.0.0.1").port(0).route(routes -> routes
                .get("/expired", (req, resp) -> resp.status(401)
                        .header("WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\"expired\"")
                        .send())
                .get("/login", (req, resp) -> resp.status(401)
                        .header("WWW-Authenticate", "Bearer resource_metadata=\"http://127.0.0.1/.well-known/x\"")
                        .send())
                .get("/scope", (req, resp) -> resp.status(403).header("WWW-Authenticate",
                        "Bearer error=\"insufficient_scope\", scope=\"files:read files:write\"").send())
                .get("/busy", (req, resp) -> resp.status(503).header("Retry-After", "7").sendString(Mono.just("busy")))
                .get("/slow-down", (req, resp) -> resp.status(429).header("Retry-After", "30").send())
                .get("/grant", (req, resp) -> resp.status(400).header("Content-Type", "application/json")
                        .sendString(Mono.just("{\"error\":\"invalid_grant\",\"error_description\":\"revoked\"}"))))
                .bindNow();
        web = WebClient.builder().clientConnector(new ReactorClientHttpConnector())
                .baseUrl("http://127.0.0.1:" + server.port()).build();
    }

    @AfterAll
    static void stop() {
        server.disposeNow();
    }

    private static WebClientResponseException failureOf(String path, String authorization) {
        WebClient.RequestHeadersSpec<?> spec = web.get().uri(path);
        if (authorization != null) {
            spec = spec.header("Authorization", authorization);
        }
        Object e = spec.retrieve().bodyToMono(String.class).map(Object.class::cast)
                .onErrorResume(Mono::just).block(WAIT);
        assertThat(e).isInstanceOf(WebClientResponseException.class);
        return (WebClientResponseException) e;
    }

    @Test
    void theReaderIsDeclaredForServiceLoaderAndSeesSpring() {
        assertThat(ServiceLoader.load(ForeignPayloadReader.class).stream().map(ServiceLoader.Provider::type))
                .contains(WebClientPayloadReader.class);
        assertThat(new WebClientPayloadReader()).hasToString("WebClientPayloadReader[Spring WebFlux present]");
    }

    @Test
    void aRejectedTokenIsAuthenticationRequiredWithTheTokenRejected() {
        McpFailure failure = McpFailures.classify(failureOf("/expired", "Bearer old-token"));

        assertThat(failure).isInstanceOfSatisfying(McpFailure.AuthenticationRequired.class, auth -> {
            assertThat(auth.tokenRejected()).isTrue();
            assertThat(auth.challenges()).hasSize(1);
        });
    }

    @Test
    void a401WithoutATokenIsAuthenticationRequiredForALogin() {
        McpFailure failure = McpFailures.classify(failureOf("/login", null));

        assertThat(failure).isInstanceOfSatisfying(McpFailure.AuthenticationRequired.class,
                auth -> assertThat(auth.tokenRejected()).isFalse());
        assertThat(StartupFailureReason.of(failureOf("/login", null), StoredCredentialState.NONE))
                .isEqualTo(StartupFailureReason.LOGIN_REQUIRED);
    }

    @Test
    void aForbiddenInsufficientScopeChallengeNamesTheScopes() {
        assertThat(McpFailures.classify(failureOf("/scope", "Bearer t")))
                .isInstanceOfSatisfying(McpFailure.InsufficientScope.class,
                        scope -> assertThat(scope.requiredScopes()).containsExactly("files:read", "files:write"));
    }

    @Test
    void aServerErrorAndARateLimitKeepTheirRetryAfter() {
        assertThat(McpFailures.classify(failureOf("/busy", null)))
                .isInstanceOfSatisfying(McpFailure.ServerError.class, s -> {
                    assertThat(s.status()).isEqualTo(503);
                    assertThat(s.retryAfter()).isEqualTo(Duration.ofSeconds(7));
                });
        assertThat(McpFailures.classify(failureOf("/slow-down", null)))
                .isInstanceOfSatisfying(McpFailure.RateLimited.class,
                        r -> assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(30)));
    }

    @Test
    void anOAuthErrorBodyIsReadFromTheResponseBody() {
        assertThat(McpFailures.classify(failureOf("/grant", null)))
                .isInstanceOfSatisfying(McpFailure.TokenRefreshFailed.class, t -> {
                    assertThat(t.oauthError()).isEqualTo("invalid_grant");
                    assertThat(t.terminal()).isTrue();
                });
    }

    @Test
    void theExceptionIsFoundInsideWrappersAndRetryExhaustion() {
        WebClientResponseException e = failureOf("/expired", "Bearer old-token");
        Throwable exhausted = Mono.<Throwable>error(e).retryWhen(Retry.max(1)).onErrorResume(Mono::just).block(WAIT);

        assertThat(Exceptions.isRetryExhausted(exhausted)).isTrue();
        assertThat(McpFailures.isAuthenticationRequired(exhausted)).isTrue();
        assertThat(McpFailures.isAuthenticationRequired(new CompletionException(new RuntimeException(e)))).isTrue();
    }
}
