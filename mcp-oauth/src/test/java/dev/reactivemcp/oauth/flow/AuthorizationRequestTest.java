package dev.reactivemcp.oauth.flow;

import static dev.reactivemcp.oauth.flow.Failures.failureOf;
import static dev.reactivemcp.oauth.flow.Failures.valueOf;
import static dev.reactivemcp.oauth.flow.OAuthScenario.form;
import static dev.reactivemcp.oauth.flow.OAuthScenario.query;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpFailure;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The authorization request and response: PKCE, state, scopes, RFC 9207 iss, attempt bound (rows 11-15, 23-31). */
class AuthorizationRequestTest {

    @AfterAll
    static void stopServer() {
        OAuthScenario.stopShared();
    }

    @Test
    void sendsPkceS256WithAVerifierThatMatchesTheChallengeAndAFreshState() throws Exception {
        try (OAuthScenario s = new OAuthScenario()) {
            s.standard("");

            valueOf(s.flow().authorize(s.context(s.challengeWithMetadata())));
            valueOf(s.flow().authorize(s.context(s.challengeWithMetadata())));

            var authorizations = s.requests("GET", "/authorize");
            var tokens = s.requests("POST", "/token");
            Map<String, String> first = query(authorizations.get(0));
            assertThat(first).containsEntry("response_type", "code").containsEntry("code_challenge_method", "S256")
                    .containsEntry("redirect_uri", "http://localhost:3000/callback");
            String verifier = form(tokens.get(0)).get("code_verifier");
            assertThat(verifier).matches("[A-Za-z0-9_-]{43,128}");
            assertThat(first.get("code_challenge")).isEqualTo(s256(verifier));
            assertThat(form(tokens.get(0))).containsEntry("code", "test-auth-code")
                    .containsEntry("redirect_uri", "http://localhost:3000/callback")
                    .containsEntry("grant_type", "authorization_code");
            assertThat(first.get("state")).hasSizeGreaterThanOrEqualTo(32)
                    .isNotEqualTo(query(authorizations.get(1)).get("state"));
            assertThat(form(tokens.get(1)).get("code_verifier")).isNotEqualTo(verifier);
        }
    }

    @Test
    void requestsTheChallengedScopeFirst() {
        assertThat(scopeRequested("Bearer scope=\"mcp:basic\"", "[\"mcp:profile\"]", Set.of(), Set.of()))
                .isEqualTo("mcp:basic");
    }

    @Test
    void requestsEveryScopeTheResourceSupportsWhenTheChallengeNamesNone() {
        assertThat(scopeRequested("Bearer", "[\"mcp:basic\",\"mcp:read\",\"mcp:write\"]", Set.of(), Set.of()))
                .isEqualTo("mcp:basic mcp:read mcp:write");
    }

    @Test
    void requestsTheConfiguredDefaultsWhenNeitherChallengeNorMetadataNameScopes() {
        assertThat(scopeRequested("Bearer", null, Set.of(), Set.of("app:default"))).isEqualTo("app:default");
    }

    @Test
    void omitsTheScopeWhenNothingDefinesOne() {
        assertThat(scopeRequested("Bearer", null, Set.of(), Set.of())).isNull();
    }

    @Test
    void requestsTheUnionOfEarlierAndChallengedScopesOnStepUp() {
        assertThat(scopeRequested("Bearer error=\"insufficient_scope\", scope=\"mcp:write\"", "[\"mcp:profile\"]",
                Set.of("mcp:basic"), Set.of())).isEqualTo("mcp:basic mcp:write");
    }

    @Test
    void addsOfflineAccessOnlyWhenTheAuthorizationServerListsIt() {
        assertThat(scopeRequested("Bearer", "[\"mcp:basic\"]", Set.of(), Set.of(),
                ", \"scopes_supported\": [\"mcp:basic\", \"offline_access\"]")).isEqualTo("mcp:basic offline_access");
        assertThat(scopeRequested("Bearer", "[\"mcp:basic\"]", Set.of(), Set.of(),
                ", \"scopes_supported\": [\"mcp:basic\", \"mcp:read\"]")).isEqualTo("mcp:basic");
    }

    @Test
    void neverRequestsOfflineAccessWhenTheAuthorizationServerDoesNotListItEvenIfChallenged() {
        assertThat(scopeRequested("Bearer scope=\"mcp:basic offline_access\"", null, Set.of("offline_access"),
                Set.of(), ", \"scopes_supported\": [\"mcp:basic\"]")).isEqualTo("mcp:basic");
    }

    @Test
    void acceptsAnIssThatEqualsTheIssuerExactly() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.standard("");
            valueOf(s.flow().authorize(s.context(s.challengeWithMetadata())));
            assertThat(s.requests("POST", "/token")).hasSize(1);
        }
    }

    @Test
    void proceedsWithoutIssWhenTheServerDoesNotAdvertiseIt() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.standard(", \"authorization_response_iss_parameter_supported\": false");
            s.approve = q -> OAuthScenario.redirect(q, null);
            valueOf(s.flow().authorize(s.context(s.challengeWithMetadata())));
            assertThat(s.requests("POST", "/token")).hasSize(1);
        }
    }

    @Test
    void rejectsAMissingIssWhenTheServerAdvertisesItAndNeverRedeemsTheCode() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.standard("");
            s.approve = q -> OAuthScenario.redirect(q, null);
            McpFailure.IssuerMismatch m = failureOf(s.flow().authorize(s.context(s.challengeWithMetadata())),
                    McpFailure.IssuerMismatch.class);
            assertThat(m.expected()).isEqualTo(s.base);
            assertThat(s.requests("GET", "/authorize")).hasSize(1);
            assertThat(s.requests("POST", "/token")).isEmpty();
        }
    }

    @Test
    void rejectsAWrongIss() {
        assertIssRejected("", "https://evil.example.com");
    }

    @Test
    void rejectsAnUnexpectedIssEvenWhenTheServerDoesNotAdvertiseIt() {
        assertIssRejected(", \"authorization_response_iss_parameter_supported\": false", "https://evil.example.com");
    }

    @Test
    void rejectsAnIssThatOnlyDiffersByATrailingSlash() {
        try (OAuthScenario s = new OAuthScenario()) {
            assertIssRejected(s, "", s.base + "/");
        }
    }

    @Test
    void doesNotActOnAnErrorWhoseIssDoesNotMatch() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.standard("");
            s.approve = q -> Map.of("error", "access_denied", "state", q.get("state"), "iss", "https://evil.example");
            failureOf(s.flow().authorize(s.context(s.challengeWithMetadata())), McpFailure.IssuerMismatch.class);
        }
    }

    @Test
    void reportsAnAuthorizationErrorAsAuthenticationRequiredWithoutRedeemingAnything() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.standard("");
            s.approve = q -> Map.of("error", "access_denied", "state", q.get("state"), "iss", s.base);
            failureOf(s.flow().authorize(s.context(s.challengeWithMetadata())),
                    McpFailure.AuthenticationRequired.class);
            assertThat(s.requests("POST", "/token")).isEmpty();
        }
    }

    @Test
    void rejectsAResponseWhoseStateDiffers() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.standard("");
            s.approve = q -> {
                Map<String, String> r = new LinkedHashMap<>(OAuthScenario.redirect(q, s.base));
                r.put("state", "forged-" + q.get("state"));
                return r;
            };
            McpFailure.ProtocolError e = failureOf(s.flow().authorize(s.context(s.challengeWithMetadata())),
                    McpFailure.ProtocolError.class);
            assertThat(e.detail()).contains("state does not match");
            assertThat(s.requests("POST", "/token")).isEmpty();
        }
    }

    @Test
    void allowsAThirdAttemptButRefusesAFourthWithoutAnyRequest() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.standard("");
            String challenge = "Bearer error=\"insufficient_scope\", scope=\"mcp:admin\"";
            valueOf(s.flow().authorize(s.context(challenge, Set.of("mcp:basic"), 2)));
            int before = s.requests().size();

            McpFailure.InsufficientScope refused = failureOf(
                    s.flow().authorize(s.context(challenge, Set.of("mcp:basic", "mcp:admin"), 3)),
                    McpFailure.InsufficientScope.class);

            assertThat(refused.requiredScopes()).containsExactly("mcp:admin");
            assertThat(s.requests()).hasSize(before);
        }
        try (OAuthScenario s = new OAuthScenario()) {
            failureOf(s.flow().authorize(s.context("Bearer error=\"invalid_token\"", Set.of(), 3)),
                    McpFailure.AuthenticationRequired.class);
            assertThat(s.requests()).isEmpty();
        }
    }

    private static void assertIssRejected(String asExtra, String iss) {
        try (OAuthScenario s = new OAuthScenario()) {
            assertIssRejected(s, asExtra, iss);
        }
    }

    private static void assertIssRejected(OAuthScenario s, String asExtra, String iss) {
        s.standard(asExtra);
        s.approve = q -> OAuthScenario.redirect(q, iss);
        McpFailure.IssuerMismatch m = failureOf(s.flow().authorize(s.context(s.challengeWithMetadata())),
                McpFailure.IssuerMismatch.class);
        assertThat(m.actual()).isEqualTo(iss);
        assertThat(s.requests("POST", "/token")).isEmpty();
    }

    private static String scopeRequested(String challenge, String prmScopes, Set<String> previous,
                                         Set<String> defaults) {
        return scopeRequested(challenge, prmScopes, previous, defaults, "");
    }

    private static String scopeRequested(String challenge, String prmScopes, Set<String> previous,
                                         Set<String> defaults, String asExtra) {
        try (OAuthScenario s = new OAuthScenario()) {
            s.prm("/.well-known/oauth-protected-resource/mcp", s.endpoint, s.base,
                    prmScopes == null ? "" : ", \"scopes_supported\": " + prmScopes);
            s.asMetadata("/.well-known/oauth-authorization-server", s.base, s.base, asExtra);
            s.dcr("/register", "c1", "").authorizeEndpoint("/authorize").token("/token", "test-token-s", "");
            s.defaultScopes = defaults;
            valueOf(s.flow().authorize(s.context(challenge, previous, previous.isEmpty() ? 0 : 1)));
            return query(s.only("GET", "/authorize")).get("scope");
        }
    }

    private static String s256(String verifier) throws Exception {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
    }
}
