package dev.reactivemcp.oauth.internal.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.oauth.internal.filter.AuthDecision.Kind;
import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.McpHttpException;
import dev.reactivemcp.transport.McpHttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The token filter's decision and the error classifier agree on every 401/403: the filter decides by the rule set
 * the classifier uses for answers it never saw (no OAuth configured), and what the filter fails with carries its
 * decision, which the classifier returns as is.
 */
class AuthDecisionTest {

    static Stream<Arguments> answers() {
        String metadata = "resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource\"";
        return Stream.of(
            Arguments.of("401 without challenge", 401, null, Kind.UNAUTHORIZED),
            Arguments.of("401 invalid_token", 401, "Bearer error=\"invalid_token\", " + metadata, Kind.UNAUTHORIZED),
            Arguments.of("403 insufficient_scope with scope", 403,
                "Bearer error=\"insufficient_scope\", scope=\"files:read files:write\"", Kind.INSUFFICIENT_SCOPE),
            Arguments.of("401 DPoP use_dpop_nonce", 401, "DPoP error=\"use_dpop_nonce\", algs=\"ES256\"",
                Kind.UNAUTHORIZED),
            Arguments.of("403 without challenge", 403, null, Kind.DELIVER),
            Arguments.of("200 with a challenge header", 200, "Bearer error=\"invalid_token\"", Kind.DELIVER));
    }

    private static Headers headers(String challenge) {
        return challenge == null ? Headers.empty() : Headers.of(Map.of("WWW-Authenticate", List.of(challenge)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void theFiltersDecisionEqualsTheClassifiersVerdictForTheSameAnswer(String name, int status, String challenge,
                                                                      Kind expected) {
        McpHttpResponse response = McpHttpResponse.of(status, headers(challenge), new byte[0]);

        AuthDecision decision = AuthDecision.of(response, true);

        assertThat(decision.kind()).isEqualTo(expected);
        if (status < 400) {
            return;
        }
        McpFailure classified = McpFailures.classify(
                new McpHttpException("tools/call", status, headers(challenge), "", true));
        if (expected == Kind.DELIVER) {
            assertThat(decision.failure()).isNull();
            assertThat(classified.isAuthenticationRequired()).as("a delivered answer is not auth to the classifier")
                    .isFalse();
            assertThat(classified).isNotInstanceOf(McpFailure.InsufficientScope.class);
        } else {
            assertThat(decision.failure()).isEqualTo(classified);
            assertThat(decision.challenges()).hasSize(challenge == null ? 0 : 1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void theErrorOfADecisionIsClassifiedAsTheDecisionItself(String name, int status, String challenge, Kind expected) {
        AuthDecision decision = AuthDecision.of(McpHttpResponse.of(status, headers(challenge), new byte[0]), true);
        if (expected == Kind.DELIVER) {
            return;
        }

        McpException error = decision.error("the token could not be renewed", new IllegalStateException("cause"));

        assertThat(McpFailures.classify(error)).isSameAs(decision.failure());
    }
}
