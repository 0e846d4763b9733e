package dev.reactivemcp.oauth.flow;

import static dev.reactivemcp.oauth.flow.Failures.failureOf;
import static dev.reactivemcp.oauth.flow.Failures.valueOf;
import static dev.reactivemcp.oauth.flow.OAuthScenario.form;
import static dev.reactivemcp.oauth.flow.OAuthScenario.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockserver.model.HttpRequest.request;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.transport.spi.JsonCodec;
import dev.reactivemcp.transport.spi.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.mockserver.model.HttpRequest;

/** Client identity in spec priority, registration per issuer, token endpoint client authentication (rows 10, 16-19, 23, 25). */
class ClientIdentityTest {

    @AfterAll
    static void stopServer() {
        OAuthScenario.stopShared();
    }

    @Test
    void usesTheClientMetadataDocumentAsClientIdWhenTheServerSupportsItAndSkipsRegistration() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.standard(", \"client_id_metadata_document_supported\": true");
            s.clientMetadataDocument = OAuthScenario.CIMD;

            StoredCredentials stored = valueOf(s.flow().authorize(s.context(s.challengeWithMetadata())));

            assertThat(s.requests("POST", "/register")).isEmpty();
            assertThat(query(s.only("GET", "/authorize"))).containsEntry("client_id", OAuthScenario.CIMD);
            assertThat(form(s.only("POST", "/token"))).containsEntry("client_id", OAuthScenario.CIMD);
            assertThat(stored.key().clientId()).isEqualTo(OAuthScenario.CIMD);
        }
    }

    @Test
    void registersDynamicallyWithApplicationTypeAndTheRefreshTokenGrantWhenNoDocumentIsSupported() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.standard("");
            s.clientMetadataDocument = OAuthScenario.CIMD;

            valueOf(s.flow().authorize(s.context(s.challengeWithMetadata())));

            Map<String, Object> body = Json.asObject(JsonCodec.get().read(
                    s.only("POST", "/register").getBodyAsString(), "test"));
            assertThat(body).containsEntry("client_name", "flow test")
                    .containsEntry("application_type", "native")
                    .containsEntry("grant_types", List.of("authorization_code", "refresh_token"))
                    .containsEntry("response_types", List.of("code"))
                    .containsEntry("redirect_uris", List.of("http://localhost:3000/callback"))
                    .containsEntry("token_endpoint_auth_method", "none");
            assertThat(s.store.registrations).containsKey(s.base);
            assertThat(query(s.only("GET", "/authorize"))).containsEntry("client_id", "test-client-id");
        }
    }

    @Test
    void reusesTheRegistrationStoredForTheSameIssuer() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.standard("");
            s.store.registrations.put(s.base, new ClientRegistration(s.base, "stored-client", null, "none",
                    List.of("http://localhost:3000/callback")));

            StoredCredentials stored = valueOf(s.flow().authorize(s.context(s.challengeWithMetadata())));

            assertThat(s.requests("POST", "/register")).isEmpty();
            assertThat(stored.key().clientId()).isEqualTo("stored-client");
        }
    }

    @Test
    void registersAgainAtANewIssuerAndNeverPresentsTheOldClientIdThere() {
        try (OAuthScenario s = new OAuthScenario()) {
            String as2 = s.base + "/as2";
            s.store.registrations.put(s.base, new ClientRegistration(s.base, "as1-client-id-LEAKED-IF-SEEN-AT-AS2",
                    null, "none", List.of("http://localhost:3000/callback")));
            s.prm("/.well-known/oauth-protected-resource/mcp", s.endpoint, as2, "");
            s.asMetadata("/.well-known/oauth-authorization-server/as2", as2, as2, "");
            s.dcr("/as2/register", "as2-client", "").authorizeEndpoint("/as2/authorize")
                    .token("/as2/token", "test-token-as2", "");
            s.approve = q -> OAuthScenario.redirect(q, as2);

            StoredCredentials stored = valueOf(s.flow().authorize(s.context(s.challengeWithMetadata())));

            assertThat(s.requests("POST", "/as2/register")).hasSize(1);
            assertThat(stored.key().issuer()).isEqualTo(as2);
            assertThat(stored.key().clientId()).isEqualTo("as2-client");
            assertThat(s.requests()).noneMatch(r -> r.toString().contains("LEAKED"));
            assertThat(s.store.registrations.get(as2).clientId()).isEqualTo("as2-client");
        }
    }

    @Test
    void usesThePreRegisteredClientWithBasicAuthenticationAtItsOwnIssuer() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.standard("");
            s.mock.clear(request().withPath("/register"));
            s.preRegistered = new ClientRegistration(s.base, "pre-registered-client", "pre-registered-secret",
                    "client_secret_basic", List.of());

            StoredCredentials stored = valueOf(s.flow().authorize(s.context(s.challengeWithMetadata())));

            assertThat(s.requests("POST", "/register")).isEmpty();
            HttpRequest token = s.only("POST", "/token");
            assertThat(token.getFirstHeader("Authorization")).isEqualTo("Basic " + b64(
                    "pre-registered-client:pre-registered-secret"));
            assertThat(form(token)).doesNotContainKey("client_secret");
            assertThat(stored.registration().clientId()).isEqualTo("pre-registered-client");
        }
    }

    @Test
    void bindsAnUnboundPreRegisteredClientToTheIssuerTheServerNames() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.standard("");
            s.mock.clear(request().withPath("/register"));
            s.preRegistered = new ClientRegistration("", "pre-registered-client", "pre-registered-secret",
                    "client_secret_basic", List.of());

            StoredCredentials stored = valueOf(s.flow().authorize(s.context(s.challengeWithMetadata())));

            assertThat(s.requests("POST", "/register")).isEmpty();
            assertThat(stored.registration().issuer()).isEqualTo(s.base);
            assertThat(stored.key().issuer()).isEqualTo(s.base);
            assertThat(s.only("POST", "/token").getFirstHeader("Authorization")).isEqualTo("Basic " + b64(
                    "pre-registered-client:pre-registered-secret"));
        }
    }

    @Test
    void refusesAPreRegisteredClientOfAnotherIssuer() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.standard("");
            s.preRegistered = new ClientRegistration("https://other-as.example", "pre-registered-client",
                    "pre-registered-secret", "client_secret_basic", List.of());

            McpFailure.IssuerMismatch mismatch = failureOf(s.flow().authorize(s.context(s.challengeWithMetadata())),
                    McpFailure.IssuerMismatch.class);

            assertThat(mismatch.expected()).isEqualTo("https://other-as.example");
            assertThat(s.requests("GET", "/authorize")).isEmpty();
            assertThat(s.requests("POST", "/register")).isEmpty();
        }
    }

    @Test
    void sendsFormEncodedIdAndSecretInBasicAuthenticationWhenRegistrationSaysBasic() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.standard(", \"token_endpoint_auth_methods_supported\": [\"client_secret_basic\"]");
            s.mock.clear(request().withPath("/register"));
            s.dcr("/register", "test client", ", \"client_secret\": \"s3cr:t+/\", "
                    + "\"token_endpoint_auth_method\": \"client_secret_basic\"");

            valueOf(s.flow().authorize(s.context(s.challengeWithMetadata())));

            assertThat(registrationBody(s)).containsEntry("token_endpoint_auth_method", "client_secret_basic");
            HttpRequest token = s.only("POST", "/token");
            assertThat(token.getFirstHeader("Authorization")).isEqualTo("Basic " + b64("test+client:s3cr%3At%2B%2F"));
            assertThat(form(token)).doesNotContainKeys("client_secret", "client_id");
        }
    }

    @Test
    void sendsIdAndSecretInTheBodyAndNoBasicHeaderWhenRegistrationSaysPost() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.standard(", \"token_endpoint_auth_methods_supported\": [\"client_secret_post\"]");
            s.mock.clear(request().withPath("/register"));
            s.dcr("/register", "post-client", ", \"client_secret\": \"post-secret\", "
                    + "\"token_endpoint_auth_method\": \"client_secret_post\"");

            valueOf(s.flow().authorize(s.context(s.challengeWithMetadata())));

            assertThat(registrationBody(s)).containsEntry("token_endpoint_auth_method", "client_secret_post");
            HttpRequest token = s.only("POST", "/token");
            assertThat(token.getFirstHeader("Authorization")).isEmpty();
            assertThat(form(token)).containsEntry("client_id", "post-client")
                    .containsEntry("client_secret", "post-secret")
                    .containsEntry("grant_type", "authorization_code");
        }
    }

    @Test
    void sendsOnlyTheClientIdForAPublicClient() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.standard("");
            s.mock.clear(request().withPath("/register"));
            s.dcr("/register", "public-client", ", \"token_endpoint_auth_method\": \"none\"");

            valueOf(s.flow().authorize(s.context(s.challengeWithMetadata())));

            HttpRequest token = s.only("POST", "/token");
            assertThat(token.getFirstHeader("Authorization")).isEmpty();
            assertThat(form(token)).containsEntry("client_id", "public-client").doesNotContainKey("client_secret");
        }
    }

    @Test
    void failsWithoutRegistrationEndpointDocumentSupportOrPreRegisteredClient() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.prm("/.well-known/oauth-protected-resource/mcp", s.endpoint, s.base, "");
            s.get("/.well-known/oauth-authorization-server", 200, "{\"issuer\":\"" + s.base
                    + "\",\"authorization_endpoint\":\"" + s.base + "/authorize\",\"token_endpoint\":\"" + s.base
                    + "/token\",\"code_challenge_methods_supported\":[\"S256\"]}");

            McpFailure.ProtocolError error = failureOf(s.flow().authorize(s.context(s.challengeWithMetadata())),
                    McpFailure.ProtocolError.class);

            assertThat(error.detail()).contains("offers no client registration");
        }
    }

    @Test
    void reportsARejectedRegistrationWithItsOAuthErrorCode() {
        try (OAuthScenario s = new OAuthScenario()) {
            s.standard("");
            s.mock.clear(request().withPath("/register"));
            s.post("/register", 400, "{\"error\":\"invalid_redirect_uri\"}");

            McpFailure.RequestRejected rejected = failureOf(s.flow().authorize(s.context(s.challengeWithMetadata())),
                    McpFailure.RequestRejected.class);

            assertThat(rejected.status()).isEqualTo(400);
            assertThat(rejected.detail()).contains("invalid_redirect_uri");
        }
    }

    private static Map<String, Object> registrationBody(OAuthScenario s) {
        return Json.asObject(JsonCodec.get().read(s.only("POST", "/register").getBodyAsString(), "test"));
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
