package dev.reactivemcp.errors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpFailure.AuthenticationRequired;
import dev.reactivemcp.errors.McpFailure.InsufficientScope;
import dev.reactivemcp.errors.McpFailure.RequestRejected;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An auth filter deciding with {@link McpFailures#authFailure} and the classifier reading the same answer as an
 * exception payload ({@link HttpRules}) reach the same verdict: one rule set, {@link AuthRules}.
 */
class AuthRulesAgreementTest {

    static Stream<Arguments> answers() {
        String metadata = "resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource\"";
        return Stream.of(
            Arguments.of("401 without challenge", 401, null, AuthenticationRequired.class),
            Arguments.of("401 Bearer with metadata only", 401, "Bearer " + metadata, AuthenticationRequired.class),
            Arguments.of("401 invalid_token", 401, "Bearer error=\"invalid_token\", " + metadata,
                AuthenticationRequired.class),
            Arguments.of("403 insufficient_scope with scope", 403,
                "Bearer error=\"insufficient_scope\", scope=\"files:read files:write\"", InsufficientScope.class),
            Arguments.of("401 DPoP use_dpop_nonce", 401, "DPoP error=\"use_dpop_nonce\", algs=\"ES256\"",
                AuthenticationRequired.class),
            Arguments.of("403 without challenge", 403, null, null),
            Arguments.of("403 invalid_token", 403, "Bearer error=\"invalid_token\"", AuthenticationRequired.class),
            Arguments.of("401 insufficient_scope", 401, "Bearer error=\"insufficient_scope\", scope=\"admin\"",
                InsufficientScope.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void theFiltersRuleAndTheClassifierGiveTheSameVerdict(String name, int status, String challenge,
                                                         Class<? extends McpFailure> expected) {
        HttpAnswer answer = HttpAnswer.status(status).withToken();
        if (challenge != null) {
            answer = answer.challenge(challenge);
        }
        WwwAuthenticate header = challenge == null ? WwwAuthenticate.EMPTY : WwwAuthenticate.parse(challenge);

        Optional<McpFailure> decided = McpFailures.authFailure(status, header, true);
        McpFailure classified = McpFailures.classify(answer.raise());

        if (expected == null) {
            assertThat(decided).as("not an authorization answer").isEmpty();
            assertThat(classified).isEqualTo(new RequestRejected(403, "HTTP 403"));
        } else {
            assertThat(decided).get().isInstanceOf(expected).isEqualTo(classified);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void aTokenCountsAsRejectedOnlyWhenOneWasSent(String name, int status, String challenge,
                                                  Class<? extends McpFailure> expected) {
        WwwAuthenticate header = challenge == null ? WwwAuthenticate.EMPTY : WwwAuthenticate.parse(challenge);

        Optional<McpFailure> withToken = McpFailures.authFailure(status, header, true);
        Optional<McpFailure> withoutToken = McpFailures.authFailure(status, header, false);

        if (expected == AuthenticationRequired.class) {
            assertThat(withToken).get().isEqualTo(new AuthenticationRequired(header.challenges(), true));
            assertThat(withoutToken).get().isEqualTo(new AuthenticationRequired(header.challenges(), false));
        } else {
            assertThat(withoutToken).isEqualTo(withToken);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void insufficientScopeCarriesTheChallengedScopes(String name, int status, String challenge,
                                                     Class<? extends McpFailure> expected) {
        if (expected != InsufficientScope.class) {
            return;
        }
        InsufficientScope scope = (InsufficientScope) McpFailures.authFailure(status, WwwAuthenticate.parse(challenge),
            true).orElseThrow();

        assertThat(scope.requiredScopes()).isNotEmpty()
            .isEqualTo(WwwAuthenticate.parse(challenge).oauthChallenge().orElseThrow().scopes());
        assertThat(scope.challenges()).hasSize(1);
        assertThat(List.of(scope.challenges().get(0).scheme())).containsExactly("Bearer");
    }
}
