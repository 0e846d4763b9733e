package dev.reactivemcp.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockserver.model.HttpRequest.request;
import static org.mockserver.model.HttpResponse.response;
import static org.mockserver.model.Parameter.param;
import static org.mockserver.model.ParameterBody.params;

import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.errors.StartupFailureReason;
import dev.reactivemcp.transport.InitializeResult;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.ProtocolNegotiation;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockserver.integration.ClientAndServer;
import org.mockserver.model.StringBody;
import org.mockserver.verify.VerificationTimes;
import reactor.test.StepVerifier;

/**
 * The seed's regression tests (after the reference client's {@code streamable_http_oauth_startup.rs}), end to end:
 * {@code McpClient} with the {@code McpOAuth} filter against MockServer as MCP endpoint and token endpoint. The
 * refresh runs through the module's real token client.
 */
class McpOAuthRegressionTokensTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final String INIT_RESULT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"protocolVersion\":\"2025-11-25\","
            + "\"capabilities\":{},\"serverInfo\":{\"name\":\"mock\",\"version\":\"1\"}}}";

    private static ClientAndServer mock;
    private URI endpoint;
    private String tokenEndpoint;
    private final InMemoryTokenStore store = new InMemoryTokenStore();

    @BeforeAll
    static void startServer() {
        mock = ClientAndServer.startClientAndServer();
    }

    @AfterAll
    static void stopServer() {
        mock.stop();
    }

    @BeforeEach
    void reset() {
        mock.reset();
        endpoint = URI.create("http://localhost:" + mock.getLocalPort() + "/mcp");
        tokenEndpoint = "http://localhost:" + mock.getLocalPort() + "/token";
    }

    private McpOAuth oauth() {
        return McpOAuth.builder().tokenStore(store).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    }

    private void stored(String accessToken, String refreshToken, Instant expiresAt) {
        String issuer = "http://localhost:" + mock.getLocalPort();
        ClientRegistration registration = new ClientRegistration(issuer, "client-1", null, "none", List.of());
        store.save(new StoredCredentials(endpoint.toString(), new CredentialKey(endpoint.toString(), issuer, "client-1"),
                registration, new OAuthTokens(accessToken, "Bearer", refreshToken, expiresAt, Set.of("mcp")),
                tokenEndpoint, false, NOW.minusSeconds(7200))).block();
    }

    private void mcpAccepts(String token) {
        mock.when(request().withMethod("POST").withPath("/mcp").withHeader("Authorization", "Bearer " + token)
                        .withBody(StringBody.subString("\"method\":\"initialize\"")))
                .respond(response().withStatusCode(200).withHeader("Content-Type", "application/json")
                        .withBody(INIT_RESULT));
        mock.when(request().withMethod("POST").withPath("/mcp").withHeader("Authorization", "Bearer " + token)
                        .withBody(StringBody.subString("notifications/initialized")))
                .respond(response().withStatusCode(202));
        mock.when(request().withPath("/mcp"))
                .respond(response().withStatusCode(401).withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\""));
    }

    private McpClient client(McpOAuth oauth) {
        return McpClient.builder(endpoint).negotiation(ProtocolNegotiation.legacyOnly()).listeningStream(false)
                .filter(oauth.filterFor(endpoint)).build();
    }

    @Test
    void aStoredExpiredTokenWithARefreshTokenIsRefreshedOnceBeforeInitialize() {
        stored("at-0", "rt-0", NOW.minusSeconds(60));
        mock.when(request().withMethod("POST").withPath("/token"))
                .respond(response().withStatusCode(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
                                + "\"refresh_token\":\"rt-1\"}"));
        mcpAccepts("at-1");

        StepVerifier.create(client(oauth()).connect())
                .assertNext(init -> assertThat(init.protocolVersion()).isEqualTo("2025-11-25"))
                .verifyComplete();

        mock.verify(request().withPath("/token"), VerificationTimes.exactly(1));
        mock.verify(request().withPath("/token").withBody(params(param("grant_type", "refresh_token"),
                param("refresh_token", "rt-0"))), VerificationTimes.exactly(1));
        mock.verify(request().withPath("/mcp").withHeader("Authorization", "Bearer at-1")
                .withBody(StringBody.subString("\"method\":\"initialize\"")), VerificationTimes.exactly(1));
        mock.verify(request().withPath("/mcp").withHeader("Authorization", "Bearer at-1")
                .withBody(StringBody.subString("notifications/initialized")), VerificationTimes.exactly(1));
        mock.verify(request().withPath("/mcp").withHeader("Authorization", "Bearer at-0"), VerificationTimes.never());
        OAuthTokens now = store.findByEndpoint(endpoint.toString()).blockFirst().tokens();
        assertThat(now.refreshToken()).isEqualTo("rt-1");
        assertThat(now.expiresAt()).isEqualTo(NOW.plusSeconds(3600));
    }

    @Test
    void nothingStoredAndADiscoverableServerIsLoggedOutLogin() {
        mock.when(request().withMethod("GET").withPath("/.well-known/oauth-protected-resource/mcp"))
                .respond(response().withStatusCode(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"resource\":\"" + endpoint + "\",\"authorization_servers\":[\"http://localhost:"
                                + mock.getLocalPort() + "\"]}"));

        StepVerifier.create(oauth().authState(endpoint)).expectNext(AuthState.LOGIN).verifyComplete();
        StepVerifier.create(oauth().authState(URI.create("http://localhost:" + mock.getLocalPort() + "/open/mcp")))
                .as("nothing advertised").expectNext(AuthState.NOT_REQUIRED).verifyComplete();
    }

    @Test
    void anExpiredTokenWithoutRefreshTokenIsLoggedOutReauthentication() {
        stored("at-0", null, NOW.minusSeconds(60));

        StepVerifier.create(oauth().authState(endpoint)).expectNext(AuthState.REAUTHENTICATION).verifyComplete();
        StepVerifier.create(oauth().storedAuthState(endpoint)).expectNext(AuthState.REAUTHENTICATION).verifyComplete();
    }

    @Test
    void anUnexpiredTokenIsOAuth() {
        stored("at-0", null, NOW.plus(Duration.ofHours(1)));

        StepVerifier.create(oauth().authState(endpoint)).expectNext(AuthState.OAUTH).verifyComplete();
        mock.verify(request(), VerificationTimes.never());
    }

    @Test
    void anExpiredTokenWithARefreshTokenIsOAuth() {
        stored("at-0", "rt-0", NOW.minusSeconds(60));

        StepVerifier.create(oauth().storedAuthState(endpoint)).expectNext(AuthState.OAUTH).verifyComplete();
        mock.verify(request(), VerificationTimes.never());
    }

    @Test
    void anExpiredUnrefreshableTokenFailsStartupAsReauthenticationRequired() {
        stored("at-0", null, NOW.minusSeconds(60));
        mcpAccepts("at-1");
        McpOAuth oauth = oauth();

        Throwable error = client(oauth).connect().map(InitializeResult.class::cast).map(r -> (Throwable) null)
                .onErrorResume(reactor.core.publisher.Mono::just).block(Duration.ofSeconds(10));

        assertThat(error).isNotNull();
        assertThat(McpFailures.isAuthenticationRequired(error)).isTrue();
        StepVerifier.create(oauth.startupFailureReason(endpoint, error))
                .expectNext(StartupFailureReason.REAUTHENTICATION_REQUIRED).verifyComplete();
        mock.verify(request().withPath("/token"), VerificationTimes.never());
    }
}
