package dev.reactivemcp.oauth.flow;

import static dev.reactivemcp.oauth.flow.Failures.failureOf;
import static dev.reactivemcp.oauth.flow.Failures.valueOf;
import static dev.reactivemcp.oauth.flow.OAuthScenario.form;
import static dev.reactivemcp.oauth.flow.OAuthScenario.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockserver.model.HttpRequest.request;
import static org.mockserver.model.HttpResponse.response;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.oauth.StoredCredentials;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Protected resource and authorization server discovery: order, traps, hardening (SCENARIOS.md rows 6-9, 20-22, 32). */
class DiscoveryTest {

    @AfterAll
    static void stopServer() {
        OAuthScenario.stopShared();
    }

    @Test
    void followsTheChallengesResourceMetadataAndNeverProbesTheRootDocument() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.standard("");
            s.get("/.well-known/oauth-protected-resource", 200, "{\"trap\":true}");

            StoredCredentials stored = valueOf(s.flow().authorize(s.context(s.challengeWithMetadata())));

            assertThat(s.trace()).containsExactly("GET /.well-known/oauth-protected-resource/mcp",
                    "GET /.well-known/oauth-authorization-server", "POST /register", "GET /authorize",
                    "POST /token");
            assertThat(stored.key().resource()).isEqualTo(s.endpoint);
            assertThat(stored.key().issuer()).isEqualTo(s.base);
            assertThat(stored.key().clientId()).isEqualTo("test-client-id");
            assertThat(stored.endpoint()).isEqualTo(s.endpoint);
            assertThat(stored.tokenEndpoint()).isEqualTo(s.base + "/token");
            assertThat(stored.tokens().accessToken()).isEqualTo("test-token-1");
            assertThat(stored.tokens().expiresAt()).isEqualTo(OAuthScenario.NOW.plusSeconds(3600));
            assertThat(stored.rejected()).isFalse();
            assertThat(stored.updatedAt()).isEqualTo(OAuthScenario.NOW);
            assertThat(s.store.entries).containsEntry(stored.key(), stored);
            assertThat(query(s.only("GET", "/authorize"))).containsEntry("resource", s.endpoint);
            assertThat(form(s.only("POST", "/token"))).containsEntry("resource", s.endpoint);
        }
    }

    @Test
    void probesThePathBasedDocumentAndFallsBackToOpenIdConfigurationWhenTheChallengeNamesNone() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.prm("/.well-known/oauth-protected-resource/mcp", s.endpoint, s.base, "");
            s.asMetadata("/.well-known/openid-configuration", s.base, s.base, "");
            s.dcr("/register", "c1", "").authorizeEndpoint("/authorize").token("/token", "test-token-2", "");

            valueOf(s.flow().authorize(s.context("Bearer error=\"invalid_token\"")));

            assertThat(s.trace()).startsWith("GET /.well-known/oauth-protected-resource/mcp",
                    "GET /.well-known/oauth-authorization-server", "GET /.well-known/openid-configuration",
                    "POST /register");
        }
    }

    @Test
    void usesTheRootResourceExactlyAsPublishedAndInsertsTheIssuerPathWithoutTouchingTheRootDocument() {
        try (OAuthScenario s = new OAuthScenario()) {
            String issuer = s.base + "/tenant1";
            s.prm("/.well-known/oauth-protected-resource", s.base, issuer, "");
            s.asMetadata("/.well-known/oauth-authorization-server/tenant1", issuer, issuer, "");
            s.get("/.well-known/oauth-authorization-server", 200, "{\"trap\":true}");
            s.dcr("/tenant1/register", "c1", "").authorizeEndpoint("/tenant1/authorize")
                    .token("/tenant1/token", "test-token-3", "");
            s.approve = q -> OAuthScenario.redirect(q, issuer);

            StoredCredentials stored = valueOf(s.flow().authorize(s.context(null)));

            assertThat(s.trace()).startsWith("GET /.well-known/oauth-protected-resource/mcp",
                    "GET /.well-known/oauth-protected-resource",
                    "GET /.well-known/oauth-authorization-server/tenant1", "POST /tenant1/register");
            assertThat(s.requests("GET", "/.well-known/oauth-authorization-server")).isEmpty();
            assertThat(stored.key().resource()).isEqualTo(s.base);
            assertThat(query(s.only("GET", "/tenant1/authorize"))).containsEntry("resource", s.base);
            assertThat(form(s.only("POST", "/tenant1/token"))).containsEntry("resource", s.base);
        }
    }

    @Test
    void readsACustomMetadataLocationAndAppendsTheOpenIdPathAsTheLastResort() {
        try (OAuthScenario s = new OAuthScenario()) {
            String issuer = s.base + "/tenant1";
            s.prm("/custom/metadata/location.json", s.endpoint, issuer, "");
            s.asMetadata("/tenant1/.well-known/openid-configuration", issuer, issuer, "");
            s.get("/.well-known/oauth-authorization-server", 200, "{\"trap\":true}");
            s.dcr("/tenant1/register", "c1", "").authorizeEndpoint("/tenant1/authorize")
                    .token("/tenant1/token", "test-token-4", "");
            s.approve = q -> OAuthScenario.redirect(q, issuer);

            valueOf(s.flow().authorize(s.context(
                    "Bearer resource_metadata=\"" + s.base + "/custom/metadata/location.json\"")));

            assertThat(s.trace()).startsWith("GET /custom/metadata/location.json",
                    "GET /.well-known/oauth-authorization-server/tenant1",
                    "GET /.well-known/openid-configuration/tenant1",
                    "GET /tenant1/.well-known/openid-configuration", "POST /tenant1/register");
        }
    }

    @Test
    void fallsBackToMetadataAtTheServerOriginWhenNoResourceMetadataExists() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.asMetadata("/.well-known/oauth-authorization-server", s.base, s.base + "/oauth", "");
            s.dcr("/oauth/register", "c1", "").authorizeEndpoint("/oauth/authorize")
                    .token("/oauth/token", "test-token-5", "");

            StoredCredentials stored = valueOf(s.flow().authorize(s.context("Bearer")));

            assertThat(s.trace()).containsExactly("GET /.well-known/oauth-protected-resource/mcp",
                    "GET /.well-known/oauth-protected-resource", "GET /.well-known/oauth-authorization-server",
                    "POST /oauth/register", "GET /oauth/authorize", "POST /oauth/token");
            assertThat(stored.key().issuer()).isEqualTo(s.base);
            assertThat(stored.key().resource()).isEqualTo(s.endpoint);
        }
    }

    @Test
    void acceptsA2025_03_26IssuerWithAPathOnTheServerOriginAndKeysCredentialsByIt() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.asMetadata("/.well-known/oauth-authorization-server", s.base + "/oauth", s.base + "/oauth", "");
            s.dcr("/oauth/register", "c1", "").authorizeEndpoint("/oauth/authorize")
                    .token("/oauth/token", "test-token-6", "");
            s.approve = q -> OAuthScenario.redirect(q, s.base + "/oauth");

            StoredCredentials stored = valueOf(s.flow().authorize(s.context("Bearer")));

            assertThat(stored.key().issuer()).isEqualTo(s.base + "/oauth");
            assertThat(s.trace()).contains("POST /oauth/token");
        }
    }

    @Test
    void refusesA2025_03_26IssuerOnAnotherOrigin() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.asMetadata("/.well-known/oauth-authorization-server", "https://attacker.example.com",
                    s.base + "/mismatched-as", "");

            failureOf(s.flow().authorize(s.context("Bearer")), McpFailure.IssuerMismatch.class);
            assertThat(s.trace()).noneMatch(line -> line.contains("/mismatched-as/"));
        }
    }

    @Test
    void fallsBackToDefaultEndpointsAtTheOriginWhenNoMetadataExistsAtAll() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.dcr("/register", "c1", ", \"client_secret\": \"test-client-secret\"")
                    .authorizeEndpoint("/authorize").token("/token", "test-token", "");
            s.approve = q -> OAuthScenario.redirect(q, null);

            StoredCredentials stored = valueOf(s.flow().authorize(s.context(null)));

            assertThat(s.trace()).endsWith("GET /.well-known/oauth-authorization-server", "POST /register",
                    "GET /authorize", "POST /token");
            assertThat(query(s.only("GET", "/authorize"))).containsEntry("code_challenge_method", "S256");
            assertThat(stored.tokenEndpoint()).isEqualTo(s.base + "/token");
        }
    }

    @Test
    void stopsWithResourceMismatchBeforeAnyAuthorizationRequest() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.standard("");
            s.mock.clear(request().withPath("/.well-known/oauth-protected-resource/mcp"));
            s.prm("/.well-known/oauth-protected-resource/mcp", "https://evil.example.com/mcp", s.base, "");

            McpFailure.ResourceMismatch mismatch = failureOf(s.flow().authorize(s.context(s.challengeWithMetadata())),
                    McpFailure.ResourceMismatch.class);

            assertThat(mismatch.expected()).isEqualTo(s.endpoint);
            assertThat(mismatch.actual()).isEqualTo("https://evil.example.com/mcp");
            assertThat(s.trace()).containsExactly("GET /.well-known/oauth-protected-resource/mcp");
        }
    }

    @Test
    void refusesAResourceOnTheSameOriginThatDoesNotPrefixTheEndpointPath() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.standard("");
            s.mock.clear(request().withPath("/.well-known/oauth-protected-resource/mcp"));
            s.prm("/.well-known/oauth-protected-resource/mcp", s.base + "/mc", s.base, "");

            failureOf(s.flow().authorize(s.context(s.challengeWithMetadata())), McpFailure.ResourceMismatch.class);
            assertThat(s.requests("GET", "/authorize")).isEmpty();
        }
    }

    @Test
    void neverUsesTheEndpointsOfMetadataWhoseIssuerDiffers() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.prm("/.well-known/oauth-protected-resource/mcp", s.endpoint, s.base, "");
            s.asMetadata("/.well-known/oauth-authorization-server", "https://attacker.example.com",
                    s.base + "/mismatched-as", "");

            McpFailure.IssuerMismatch mismatch = failureOf(s.flow().authorize(s.context(s.challengeWithMetadata())),
                    McpFailure.IssuerMismatch.class);

            assertThat(mismatch.expected()).isEqualTo(s.base);
            assertThat(mismatch.actual()).isEqualTo("https://attacker.example.com");
            assertThat(s.trace()).noneMatch(line -> line.contains("/mismatched-as/"));
        }
    }

    @Test
    void comparesTheMetadataIssuerByteForByte() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.prm("/.well-known/oauth-protected-resource/mcp", s.endpoint, s.base, "");
            s.asMetadata("/.well-known/oauth-authorization-server", s.base + "/", s.base, "");

            failureOf(s.flow().authorize(s.context(s.challengeWithMetadata())), McpFailure.IssuerMismatch.class);
            assertThat(s.requests("POST", "/register")).isEmpty();
        }
    }

    @Test
    void treatsA503FromTheResourceMetadataAsAServerErrorNotAsMissingAuth() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.get("/.well-known/oauth-protected-resource/mcp", 503, "{}");

            McpFailure.ServerError error = failureOf(s.flow().authorize(s.context(null)), McpFailure.ServerError.class);

            assertThat(error.status()).isEqualTo(503);
            // The root candidate is tried after the 503 (issue 12: a candidate that errors does not end the search),
            // and no authorization server is guessed on the MCP host.
            assertThat(s.trace()).containsExactly("GET /.well-known/oauth-protected-resource/mcp",
                    "GET /.well-known/oauth-protected-resource");
        }
    }

    @Test
    void goesOnToTheRootResourceMetadataAfterA503AtThePathSuffixedOne() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.get("/.well-known/oauth-protected-resource/mcp", 503, "{}");
            s.prm("/.well-known/oauth-protected-resource", s.endpoint, s.base, "");
            s.asMetadata("/.well-known/oauth-authorization-server", s.base, s.base, "");
            s.dcr("/register", "c1", "").authorizeEndpoint("/authorize").token("/token", "test-token-3", "");

            StoredCredentials stored = valueOf(s.flow().authorize(s.context(null)));

            assertThat(stored.tokens().accessToken()).isEqualTo("test-token-3");
            assertThat(s.trace()).startsWith("GET /.well-known/oauth-protected-resource/mcp",
                    "GET /.well-known/oauth-protected-resource", "GET /.well-known/oauth-authorization-server");
        }
    }

    @Test
    void treatsA429FromAuthorizationServerMetadataAsRateLimited() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.prm("/.well-known/oauth-protected-resource/mcp", s.endpoint, s.base, "");
            s.mock.when(request().withPath("/.well-known/oauth-authorization-server"))
                    .respond(response().withStatusCode(429).withHeader("Retry-After", "7"));

            McpFailure.RateLimited limited = failureOf(s.flow().authorize(s.context(null)),
                    McpFailure.RateLimited.class);

            assertThat(limited.retryAfter()).hasSeconds(7);
        }
    }

    @Test
    void reportsMalformedMetadataJsonAsAProtocolError() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.get("/.well-known/oauth-protected-resource/mcp", 200, "{\"resource\": ");

            failureOf(s.flow().authorize(s.context(s.challengeWithMetadata())), McpFailure.ProtocolError.class);
        }
    }

    @Test
    void reportsMetadataOfTheWrongShapeAsAProtocolError() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.get("/.well-known/oauth-protected-resource/mcp", 200, "[\"not\", \"an object\"]");
            failureOf(s.flow().authorize(s.context(s.challengeWithMetadata())), McpFailure.ProtocolError.class);
        }
        try (OAuthScenario s = new OAuthScenario()) {
            s.prm("/.well-known/oauth-protected-resource/mcp", s.endpoint, s.base, "");
            s.get("/.well-known/oauth-authorization-server", 200, "{\"issuer\":\"" + s.base
                    + "\",\"authorization_endpoint\":42}");
            failureOf(s.flow().authorize(s.context(s.challengeWithMetadata())), McpFailure.ProtocolError.class);
        }
    }

    @Test
    void boundsTheSizeOfMetadataResponses() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.maxBodyBytes = 1024;
            s.get("/.well-known/oauth-protected-resource/mcp", 200,
                    "{\"resource\":\"" + s.endpoint + "\",\"pad\":\"" + "x".repeat(200_000) + "\"}");

            McpFailure.ProtocolError error = failureOf(s.flow().authorize(s.context(s.challengeWithMetadata())),
                    McpFailure.ProtocolError.class);

            assertThat(error.detail()).contains("exceeds 1024 bytes");
        }
    }

    @Test
    void refusesPlainHttpToANonLoopbackAuthorizationServer() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.prm("/.well-known/oauth-protected-resource/mcp", s.endpoint, "http://as.example.com", "");

            McpFailure.ProtocolError error = failureOf(s.flow().authorize(s.context(s.challengeWithMetadata())),
                    McpFailure.ProtocolError.class);

            assertThat(error.detail()).contains("plain http");
        }
    }

    @Test
    void refusesMetadataEndpointsOverPlainHttpToANonLoopbackHost() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.prm("/.well-known/oauth-protected-resource/mcp", s.endpoint, s.base, "");
            s.asMetadata("/.well-known/oauth-authorization-server", s.base, "http://10.0.0.8", "");

            failureOf(s.flow().authorize(s.context(s.challengeWithMetadata())), McpFailure.ProtocolError.class);
            assertThat(s.trace()).hasSize(2);
        }
    }

    @Test
    void refusesAServerWithoutPkceS256BeforeAuthorizing() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.standard("");
            s.mock.clear(request().withPath("/.well-known/oauth-authorization-server"));
            s.get("/.well-known/oauth-authorization-server", 200, "{\"issuer\":\"" + s.base
                    + "\",\"authorization_endpoint\":\"" + s.base + "/authorize\",\"token_endpoint\":\"" + s.base
                    + "/token\",\"code_challenge_methods_supported\":[\"plain\"]}");

            McpFailure.ProtocolError error = failureOf(s.flow().authorize(s.context(s.challengeWithMetadata())),
                    McpFailure.ProtocolError.class);

            assertThat(error.detail()).contains("PKCE");
            assertThat(s.requests("GET", "/authorize")).isEmpty();
        }
    }

    @Test
    void followsASameOriginRedirectButNotOneToAnotherOrigin() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.standard("");
            s.mock.clear(request().withPath("/.well-known/oauth-protected-resource/mcp"));
            s.mock.when(request().withPath("/.well-known/oauth-protected-resource/mcp")).respond(response()
                    .withStatusCode(302).withHeader("Location", "https://elsewhere.example/prm"));
            s.mock.when(request().withPath("/.well-known/oauth-protected-resource")).respond(response()
                    .withStatusCode(301).withHeader("Location", "/moved/prm.json"));
            s.prm("/moved/prm.json", s.endpoint, s.base, "");

            valueOf(s.flow().authorize(s.context(null)));

            assertThat(s.trace()).startsWith("GET /.well-known/oauth-protected-resource/mcp",
                    "GET /.well-known/oauth-protected-resource", "GET /moved/prm.json",
                    "GET /.well-known/oauth-authorization-server");
        }
    }
}
