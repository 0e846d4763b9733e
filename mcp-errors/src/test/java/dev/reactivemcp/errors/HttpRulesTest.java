package dev.reactivemcp.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import dev.reactivemcp.errors.McpFailure.AuthenticationRequired;
import dev.reactivemcp.errors.McpFailure.InsufficientScope;
import dev.reactivemcp.errors.McpFailure.RateLimited;
import dev.reactivemcp.errors.McpFailure.TokenRefreshFailed;
import dev.reactivemcp.errors.WwwAuthenticate.Challenge;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules of issue 3, item 4, and the other HTTP answers. */
class HttpRulesTest {

    private static McpFailure classify(HttpAnswer answer) {
        return McpFailures.classify(answer.raise());
    }

    @Test
    void a401WithoutChallengeOnARequestThatCarriedATokenIsAuthenticationRequired() {
        McpFailure failure = classify(HttpAnswer.status(401).withToken());

        assertThat(failure).isEqualTo(new AuthenticationRequired(List.of(), true));
        assertThat(failure.isAuthenticationRequired()).isTrue();
    }

    @Test
    void a401WithoutAnyTokenOrChallengeIsStillAuthenticationRequiredButNotARejectedToken() {
        assertThat(classify(HttpAnswer.status(401))).isEqualTo(new AuthenticationRequired(List.of(), false));
    }

    @Test
    void a401CarriesTheParsedChallenge() {
        McpFailure failure = classify(HttpAnswer.status(401).challenge("Bearer resource_metadata="
            + "\"https://mcp.example.com/.well-known/oauth-protected-resource\", scope=\"tools:call\""));

        assertThat(failure).asInstanceOf(type(AuthenticationRequired.class)).satisfies(auth -> {
            assertThat(auth.tokenRejected()).isFalse();
            assertThat(auth.challenge().flatMap(Challenge::resourceMetadata))
                .contains("https://mcp.example.com/.well-known/oauth-protected-resource");
            assertThat(auth.challenge().map(Challenge::scopes)).contains(List.of("tools:call"));
        });
    }

    @Test
    void anInvalidTokenChallengeIsAuthenticationRequiredWhateverTheStatus() {
        String challenge = "Bearer error=\"invalid_token\", error_description=\"expired\"";

        assertThat(classify(HttpAnswer.status(401).challenge(challenge)))
            .asInstanceOf(type(AuthenticationRequired.class)).satisfies(auth -> {
                assertThat(auth.tokenRejected()).isTrue();
                assertThat(auth.challenge().flatMap(Challenge::errorDescription)).contains("expired");
            });
        assertThat(classify(HttpAnswer.status(400).challenge(challenge)).isAuthenticationRequired()).isTrue();
    }

    @Test
    void anInvalidTokenErrorBodyOnA401IsARejectedToken() {
        McpFailure failure = classify(HttpAnswer.status(401).body("{\"error\":\"invalid_token\"}"));

        assertThat(failure).isEqualTo(new AuthenticationRequired(List.of(), true));
    }

    @Test
    void a403InsufficientScopeIsInsufficientScopeNotAuthentication() {
        McpFailure failure = classify(HttpAnswer.status(403).withToken()
            .challenge("Bearer error=\"insufficient_scope\", scope=\"files:read files:write\""));

        assertThat(failure).asInstanceOf(type(InsufficientScope.class))
            .extracting(InsufficientScope::requiredScopes).isEqualTo(List.of("files:read", "files:write"));
        assertThat(failure.isAuthenticationRequired()).isFalse();
        assertThat(failure.isRetryable()).isFalse();
    }

    @Test
    void aDpopInsufficientScopeChallengeIsInsufficientScope() {
        assertThat(classify(HttpAnswer.status(403).challenge("DPoP error=\"insufficient_scope\", scope=\"a\"")))
            .isEqualTo(new InsufficientScope(List.of("a"),
                List.of(Challenge.of("DPoP", Map.of("error", "insufficient_scope", "scope", "a")))));
    }

    @Test
    void a403WithoutAnOAuthChallengeIsARejectedRequestNotAuthentication() {
        McpFailure failure = classify(HttpAnswer.status(403).withToken().body("Forbidden"));

        assertThat(failure).isEqualTo(new McpFailure.RequestRejected(403, "HTTP 403: Forbidden"));
        assertThat(failure.isAuthenticationRequired()).isFalse();
    }

    @Test
    void a503IsARetryableServerErrorNeverAuthenticationRequired() {
        McpFailure failure = classify(HttpAnswer.status(503).withToken().body("upstream down"));

        assertThat(failure).isEqualTo(new McpFailure.ServerError(503, "HTTP 503: upstream down"));
        assertThat(failure.isAuthenticationRequired()).isFalse();
        assertThat(failure.isRetryable()).isTrue();
        assertThat(classify(HttpAnswer.status(501)).isRetryable()).isFalse();
    }

    @Test
    void a429CarriesRetryAfterInSecondsOrAsAnHttpDate() {
        assertThat(classify(HttpAnswer.status(429).header("Retry-After", "120")))
            .isEqualTo(new RateLimited(Duration.ofSeconds(120)));
        assertThat(classify(HttpAnswer.status(429).header("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")))
            .isEqualTo(new RateLimited(null, Instant.parse("2015-10-21T07:28:00Z")));
        assertThat(classify(HttpAnswer.status(429).header("Retry-After", "soon")))
            .isEqualTo(new RateLimited(null, null));
    }

    @Test
    void aRateLimitDelayFromAnHttpDateIsMeasuredFromTheGivenClock() {
        RateLimited limited = new RateLimited(null, Instant.parse("2026-01-01T00:01:00Z"));
        java.time.Clock clock = java.time.Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), java.time.ZoneOffset.UTC);

        assertThat(limited.delay(clock)).contains(Duration.ofMinutes(1));
        assertThat(new RateLimited(Duration.ofSeconds(5)).delay(clock)).contains(Duration.ofSeconds(5));
    }

    @Test
    void a408IsATimeoutThatTheServerAnswered() {
        assertThat(classify(HttpAnswer.status(408)))
            .isEqualTo(new McpFailure.Timeout(null, Delivery.ANSWERED, false));
    }

    @Test
    void anInvalidGrantBodyIsATerminalRefreshFailureAndSoAuthenticationRequired() {
        McpFailure failure = classify(HttpAnswer.status(400)
            .body("{\"error\":\"invalid_grant\",\"error_description\":\"refresh token revoked\"}"));

        assertThat(failure).isEqualTo(new TokenRefreshFailed(true, "invalid_grant", "refresh token revoked"));
        assertThat(failure.isAuthenticationRequired()).isTrue();
        assertThat(failure.isRetryable()).isFalse();
    }

    @Test
    void anInvalidClientBodyOnA401WithABasicChallengeIsATerminalRefreshFailure() {
        McpFailure failure = classify(HttpAnswer.status(401).challenge("Basic realm=\"as\"")
            .body("{\"error\":\"invalid_client\"}"));

        assertThat(failure).isEqualTo(new TokenRefreshFailed(true, "invalid_client", null));
    }

    @Test
    void aNonTerminalTokenEndpointErrorIsNeitherAuthenticationRequiredNorRetryable() {
        McpFailure failure = classify(HttpAnswer.status(400).body("{\"error\":\"invalid_request\"}"));

        assertThat(failure).isEqualTo(new TokenRefreshFailed(false, "invalid_request", null));
        assertThat(failure.isAuthenticationRequired()).isFalse();
        assertThat(failure.isRetryable()).isFalse();
    }

    @Test
    void aTransientRefreshFailureIsRetryableAndNeverAuthenticationRequired() {
        McpFailure failure = McpFailure.TokenRefreshFailed.transientFailure("token endpoint unreachable");

        assertThat(failure.isAuthenticationRequired()).isFalse();
        assertThat(failure.isRetryable()).isTrue();
        assertThat(new TokenRefreshFailed(false, "temporarily_unavailable", null).isRetryable()).isTrue();
    }

    @Test
    void a503FromTheTokenEndpointIsAServerError() {
        assertThat(classify(HttpAnswer.status(503).body("{\"error\":\"temporarily_unavailable\"}")))
            .isInstanceOf(McpFailure.ServerError.class);
    }

    @Test
    void anUnsupportedProtocolVersionBodyOnA400ListsTheServersVersions() {
        McpFailure failure = classify(HttpAnswer.status(400).body("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{"
            + "\"code\":-32022,\"message\":\"Unsupported protocol version\","
            + "\"data\":{\"supported\":[\"2026-07-28\",\"2025-11-25\"],\"requested\":\"2099-01-01\"}}}"));

        assertThat(failure).isEqualTo(
            new McpFailure.ProtocolVersionUnsupported("2099-01-01", List.of("2026-07-28", "2025-11-25")));
    }

    @Test
    void aJsonRpcErrorBodyOnA404IsAJsonRpcError() {
        McpFailure failure = classify(HttpAnswer.status(404)
            .body("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}"));

        assertThat(failure).isEqualTo(new McpFailure.JsonRpcError(-32601, "Method not found"));
    }

    @Test
    void anUnparsableBodyFallsBackToTheStatus() {
        assertThat(classify(HttpAnswer.status(400).body("{\"error\":")))
            .isEqualTo(new McpFailure.RequestRejected(400, "HTTP 400: {\"error\":"));
    }

    @Test
    void aRedirectOrSuccessStatusInAnErrorIsAProtocolError() {
        assertThat(classify(HttpAnswer.status(302))).isEqualTo(new McpFailure.ProtocolError("unexpected HTTP 302"));
    }

    @Test
    void aPayloadWhoseAccessorsThrowIsIgnoredAndClassificationGoesOn() {
        TestHttpException broken = new TestHttpException(HttpAnswer.status(401)) {
            private static final long serialVersionUID = 1L;

            @Override public Map<String, List<String>> headers() {
                throw new IllegalStateException("connection already released");
            }
        };
        RuntimeException wrapper = new RuntimeException("wrapper", broken);
        wrapper.addSuppressed(new java.net.ConnectException("Connection refused"));

        assertThat(McpFailures.classify(wrapper)).isInstanceOf(McpFailure.ConnectionFailure.class);
    }
}
