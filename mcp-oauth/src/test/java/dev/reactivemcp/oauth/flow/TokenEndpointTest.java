package dev.reactivemcp.oauth.flow;

import static dev.reactivemcp.oauth.flow.Failures.failureOf;
import static dev.reactivemcp.oauth.flow.Failures.valueOf;
import static dev.reactivemcp.oauth.flow.OAuthScenario.form;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockserver.model.HttpRequest.request;
import static org.mockserver.model.HttpResponse.response;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockserver.model.HttpRequest;

/** Token responses and the refresh-token grant (RFC 6749 sections 5 and 6). */
class TokenEndpointTest {

    @AfterAll
    static void stopServer() {
        OAuthScenario.stopShared();
    }

    @Test
    void readsTheExpiryOfAJwtAccessTokenWhenExpiresInIsAbsent() throws Exception {
        Instant exp = OAuthScenario.NOW.plusSeconds(900);
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
                new JWTClaimsSet.Builder().subject("u").expirationTime(Date.from(exp)).build());
        jwt.sign(new MACSigner(new byte[32]));
        OAuthTokens tokens = issued("{\"access_token\":\"" + jwt.serialize() + "\",\"token_type\":\"Bearer\"}");
        assertThat(tokens.expiresAt()).isEqualTo(exp);
    }

    @Test
    void leavesTheExpiryUnknownForAnOpaqueTokenWithoutExpiresIn() {
        OAuthTokens tokens = issued("{\"access_token\":\"opaque-token\",\"token_type\":\"bearer\"}");
        assertThat(tokens.expiresAt()).isNull();
        assertThat(tokens.tokenType()).isEqualTo("Bearer");
    }

    @Test
    void keepsTheRequestedScopesWhenTheResponseOmitsScopeAndTheGrantedOnesOtherwise() {
        assertThat(issued("{\"access_token\":\"t\",\"token_type\":\"Bearer\"}", "Bearer scope=\"a b\"").scopes())
                .containsExactlyInAnyOrder("a", "b");
        assertThat(issued("{\"access_token\":\"t\",\"token_type\":\"Bearer\",\"scope\":\"a\","
                + "\"refresh_token\":\"rt-1\"}", "Bearer scope=\"a b\"").scopes()).containsExactly("a");
    }

    @Test
    void reportsMalformedTokenJsonAsAProtocolError() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.standard("");
            s.mock.clear(request().withPath("/token"));
            s.post("/token", 200, "{\"access_token\": ");
            failureOf(s.flow().authorize(s.context(s.challengeWithMetadata())), McpFailure.ProtocolError.class);
        }
    }

    @Test
    void reportsATokenResponseWithoutAccessTokenAsAProtocolError() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.standard("");
            s.mock.clear(request().withPath("/token"));
            s.post("/token", 200, "{\"token_type\":\"Bearer\"}");
            failureOf(s.flow().authorize(s.context(s.challengeWithMetadata())), McpFailure.ProtocolError.class);
        }
    }

    @Test
    void reportsARejectedCodeExchangeWithTheOAuthErrorCode() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.standard("");
            s.mock.clear(request().withPath("/token"));
            s.post("/token", 400, "{\"error\":\"invalid_grant\",\"error_description\":\"code expired\"}");
            McpFailure.RequestRejected r = failureOf(s.flow().authorize(s.context(s.challengeWithMetadata())),
                    McpFailure.RequestRejected.class);
            assertThat(r.detail()).contains("invalid_grant");
            assertThat(s.store.entries).isEmpty();
        }
    }

    @Test
    void refreshesWithTheStoredTokenResourceAndClientAuthenticationAtTheStoredEndpoint() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.token("/tenant/token", "test-token-r", ", \"refresh_token\": \"rt-2\", \"scope\": \"mcp:basic\"");

            OAuthTokens fresh = valueOf(s.flow().refresh(stored(s, "client_secret_basic", "rt-1")));

            HttpRequest request = s.only("POST", "/tenant/token");
            assertThat(request.getFirstHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
            assertThat(form(request)).containsEntry("grant_type", "refresh_token")
                    .containsEntry("refresh_token", "rt-1").containsEntry("resource", s.base)
                    .doesNotContainKey("client_secret");
            assertThat(request.getFirstHeader("Authorization")).isEqualTo("Basic "
                    + Base64.getEncoder().encodeToString("cid:csecret".getBytes(StandardCharsets.UTF_8)));
            assertThat(fresh.accessToken()).isEqualTo("test-token-r");
            assertThat(fresh.refreshToken()).isEqualTo("rt-2");
            assertThat(fresh.expiresAt()).isEqualTo(OAuthScenario.NOW.plusSeconds(3600));
        }
    }

    @Test
    void returnsNoRefreshTokenWhenTheServerSendsNoneSoTheCallerKeepsTheOldOne() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.token("/tenant/token", "test-token-r", "");
            StoredCredentials current = stored(s, "none", "rt-1");

            OAuthTokens fresh = valueOf(s.flow().refresh(current));

            assertThat(fresh.refreshToken()).isNull();
            assertThat(fresh.scopes()).isEmpty();
            assertThat(current.tokens().refreshedWith(fresh).refreshToken()).isEqualTo("rt-1");
            assertThat(form(s.only("POST", "/tenant/token"))).containsEntry("client_id", "cid");
        }
    }

    @Test
    void reportsInvalidGrantOnRefreshAsATerminalFailure() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.post("/tenant/token", 400, "{\"error\":\"invalid_grant\"}");
            McpFailure.TokenRefreshFailed f = failureOf(s.flow().refresh(stored(s, "client_secret_post", "rt-1")),
                    McpFailure.TokenRefreshFailed.class);
            assertThat(f.terminal()).isTrue();
            assertThat(f.oauthError()).isEqualTo("invalid_grant");
            assertThat(f.isAuthenticationRequired()).isTrue();
        }
    }

    @Test
    void reportsA503OnRefreshAsATransientFailure() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.post("/tenant/token", 503, "{\"error\":\"invalid_grant\"}");
            McpFailure.TokenRefreshFailed f = failureOf(s.flow().refresh(stored(s, "none", "rt-1")),
                    McpFailure.TokenRefreshFailed.class);
            assertThat(f.terminal()).isFalse();
        }
    }

    @Test
    void reportsA429OnRefreshAsATransientFailure() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.mock.when(request().withPath("/tenant/token")).respond(response().withStatusCode(429));
            McpFailure.TokenRefreshFailed f = failureOf(s.flow().refresh(stored(s, "none", "rt-1")),
                    McpFailure.TokenRefreshFailed.class);
            assertThat(f.terminal()).isFalse();
            assertThat(f.isRetryable()).isTrue();
        }
    }

    @Test
    void reportsAnUnreachableTokenEndpointAsATransientFailure() throws Exception {
        try (OAuthScenario s = new OAuthScenario()) {
            int closedPort;
            try (ServerSocket socket = new ServerSocket(0)) {
                closedPort = socket.getLocalPort();
            }
            StoredCredentials good = stored(s, "none", "rt-1");
            StoredCredentials unreachable = new StoredCredentials(good.endpoint(), good.key(), good.registration(),
                    good.tokens(), "http://127.0.0.1:" + closedPort + "/token", false, OAuthScenario.NOW);
            McpFailure.TokenRefreshFailed f = failureOf(s.flow().refresh(unreachable),
                    McpFailure.TokenRefreshFailed.class);
            assertThat(f.terminal()).isFalse();
        }
    }

    @Test
    void reportsMalformedRefreshJsonAsATransientRefreshFailure() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.post("/tenant/token", 200, "<html>oops</html>");
            McpFailure.TokenRefreshFailed f = failureOf(s.flow().refresh(stored(s, "none", "rt-1")),
                    McpFailure.TokenRefreshFailed.class);
            assertThat(f.terminal()).isFalse();
        }
    }

    @Test
    void refusesToRefreshWithoutARefreshTokenOrWithAnotherIssuersRegistration() {
        try (OAuthScenario s = new OAuthScenario()) {
            McpFailure.TokenRefreshFailed f = failureOf(s.flow().refresh(stored(s, "none", null)),
                    McpFailure.TokenRefreshFailed.class);
            assertThat(f.terminal()).isTrue();

            StoredCredentials good = stored(s, "none", "rt-1");
            StoredCredentials crossed = new StoredCredentials(good.endpoint(), good.key(),
                    new ClientRegistration("https://other.example", "cid", null, "none", List.of()), good.tokens(),
                    good.tokenEndpoint(), false, OAuthScenario.NOW);
            assertThat(failureOf(s.flow().refresh(crossed), McpFailure.TokenRefreshFailed.class).terminal()).isTrue();
            assertThat(s.requests()).isEmpty();
        }
    }

    @Test
    void refusesToRefreshOverPlainHttpToANonLoopbackHost() {
        try (OAuthScenario s = new OAuthScenario()) {
            StoredCredentials good = stored(s, "none", "rt-1");
            StoredCredentials insecure = new StoredCredentials(good.endpoint(), good.key(), good.registration(),
                    good.tokens(), "http://as.example.com/token", false, OAuthScenario.NOW);
            assertThat(failureOf(s.flow().refresh(insecure), McpFailure.TokenRefreshFailed.class).terminal()).isTrue();
        }
    }

    @ParameterizedTest(name = "expires_in {0} -> {1} s")
    @CsvSource(delimiter = '|', value = {
        "3600 | 3600",
        "1e20 | 31536000",
        "18446744073709551615 | 31536000",
        "\"99999999999999999999999999\" | 31536000",
        "\"1e999999999\" | 31536000",
        "31536001 | 31536000",
        "0.5 | 1",
        "3600.2 | 3601",
        "\"1e-999999999\" | 1",
        "\"3600\" | 3600",
        "\" 120 \" | 120",
        "0 | ",
        "-60 | ",
        "-1e20 | ",
        "\"-5\" | ",
        "\"soon\" | ",
        "\"NaN\" | ",
        "true | ",
        "null | ",
        "{} | ",
        "[3600] | "})
    void clampsAnyExpiresInToASaneLifetimeAndNeverDiscardsTheTokens(String expiresIn, Long seconds) {
        OAuthTokens tokens = issued("{\"access_token\":\"opaque-token\",\"token_type\":\"Bearer\","
                + "\"refresh_token\":\"rt-1\",\"expires_in\":" + expiresIn + "}");
        assertThat(tokens.accessToken()).isEqualTo("opaque-token");
        assertThat(tokens.refreshToken()).isEqualTo("rt-1");
        assertThat(tokens.expiresAt()).isEqualTo(seconds == null ? null : OAuthScenario.NOW.plusSeconds(seconds));
    }

    @ParameterizedTest(name = "access_token {0}")
    @ValueSource(strings = {"at\\r\\nX-Evil: 1", "at with space", "at\\u0000", "caf\\u00e9", "at,comma", "=",
        "at=x", "at\\\"q"})
    void refusesAnAccessTokenOutsideB64TokenAfterACodeExchangeAndStoresNothing(String token) {
        try (OAuthScenario s = new OAuthScenario()) {
            s.standard("");
            s.mock.clear(request().withPath("/token"));
            s.post("/token", 200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\","
                    + "\"refresh_token\":\"rt-secret-1\",\"expires_in\":3600}");
            McpFailure.ProtocolError e = failureOf(s.flow().authorize(s.context(s.challengeWithMetadata())),
                    McpFailure.ProtocolError.class);
            assertThat(e.detail()).contains("b64token").doesNotContain("rt-secret-1").doesNotContain(token);
            assertThat(s.store.entries).isEmpty();
        }
    }

    @ParameterizedTest(name = "access_token {0}")
    @ValueSource(strings = {"abc", "A-Z.a_z~0+9/", "YWJj==", "eyJhbGciOi.eyJzdWIiOi.c2ln"})
    void acceptsEveryB64TokenShape(String token) {
        assertThat(issued("{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\"}").accessToken())
                .isEqualTo(token);
    }

    @ParameterizedTest(name = "refresh_token {0}")
    @ValueSource(strings = {"rt\\r\\n", "rt\\u0007", "r\\u00e9t", "rt\\u007f"})
    void refusesARefreshedAnswerWhoseAccessOrRefreshTokenCannotBeSentAsATransientFailureNamingNoToken(String bad) {
        for (String body : List.of(
                "{\"access_token\":\"at-2\",\"token_type\":\"Bearer\",\"refresh_token\":\"" + bad + "\"}",
                "{\"access_token\":\"at-2" + bad + "\",\"token_type\":\"Bearer\",\"refresh_token\":\"rt-2\"}")) {
            try (OAuthScenario s = new OAuthScenario()) {
                s.post("/tenant/token", 200, body);
                McpFailure.TokenRefreshFailed f = failureOf(s.flow().refresh(stored(s, "none", "rt-1")),
                        McpFailure.TokenRefreshFailed.class);
                assertThat(f.terminal()).isFalse();
                assertThat(f.description()).contains("protocol error").doesNotContain("rt-").doesNotContain("at-2");
                assertThat(f.describe()).doesNotContain("rt-").doesNotContain("at-2");
            }
        }
    }

    @Test
    void acceptsARefreshTokenOfAnyVisibleAsciiIncludingSpaces() {
        assertThat(issued("{\"access_token\":\"t\",\"refresh_token\":\"r t!~\\\"{}\"}").refreshToken())
                .isEqualTo("r t!~\"{}");
    }

    private static StoredCredentials stored(OAuthScenario s, String method, String refreshToken) {
        String secret = method.equals("none") ? null : "csecret";
        ClientRegistration registration = new ClientRegistration(s.base + "/tenant", "cid", secret, method, List.of());
        return new StoredCredentials(s.endpoint, new CredentialKey(s.base, s.base + "/tenant", "cid"), registration,
                new OAuthTokens("old-access", "Bearer", refreshToken, OAuthScenario.NOW, Set.of("mcp:basic")),
                s.base + "/tenant/token", false, OAuthScenario.NOW);
    }

    private static OAuthTokens issued(String tokenResponse) {
        return issued(tokenResponse, "Bearer");
    }

    private static OAuthTokens issued(String tokenResponse, String challenge) {
        try (OAuthScenario s = new OAuthScenario()) {
            s.standard("");
            s.mock.clear(request().withPath("/token"));
            s.post("/token", 200, tokenResponse);
            return valueOf(s.flow().authorize(s.context(challenge))).tokens();
        }
    }
}
