package dev.reactivemcp.oauth.flow;

import static dev.reactivemcp.oauth.flow.Failures.errorOf;
import static dev.reactivemcp.oauth.flow.Failures.failureOf;
import static dev.reactivemcp.oauth.flow.Failures.valueOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.WwwAuthenticate;
import dev.reactivemcp.oauth.AuthorizationCodeSource;
import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.ClientRegistrationRequiredException;
import dev.reactivemcp.oauth.IdentityProviderProfile;
import dev.reactivemcp.oauth.IdentityProviderProfile.IssuerMatch;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.flow.QuirkyAuthServer.Miss;
import dev.reactivemcp.oauth.flow.QuirkyAuthServer.Quirk;
import dev.reactivemcp.oauth.internal.AuthorizationContext;
import dev.reactivemcp.oauth.internal.FlowSettings;
import dev.reactivemcp.oauth.internal.flow.OAuthFlow;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

/**
 * Each hosted-provider quirk of {@link QuirkyAuthServer}, driven through the real login (headless redirect), token
 * and refresh requests: with the matching {@link IdentityProviderProfile} the flow passes; without it, it fails with
 * a typed reason where the MCP authorization spec says to refuse.
 */
class HostedProviderQuirksTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-08-01T10:00:00Z"), ZoneOffset.UTC);
    private static final String REDIRECT = "http://127.0.0.1:4711/callback";
    private static final ClientRegistration PRE = new ClientRegistration("", QuirkyAuthServer.CLIENT_ID, null,
            "none", List.of());

    private final InMemoryTokenStore store = new InMemoryTokenStore();

    private OAuthFlow flow(QuirkyAuthServer idp, ClientRegistration pre, String redirect,
                           IdentityProviderProfile... profiles) {
        return new OAuthFlow(new FlowSettings(store, AuthorizationCodeSource.headless(redirect, Duration.ofSeconds(10)),
                pre, null, "idp test", "native", Set.of(), CLOCK, HttpClient.create(), Duration.ofSeconds(10),
                64 * 1024, Schedulers.parallel(), Arrays.asList(profiles)));
    }

    private OAuthFlow flow(QuirkyAuthServer idp, IdentityProviderProfile... profiles) {
        return flow(idp, PRE, REDIRECT, profiles);
    }

    private static AuthorizationContext context(QuirkyAuthServer idp) {
        List<WwwAuthenticate.Challenge> challenges = WwwAuthenticate.parse("Bearer resource_metadata=\"" + idp.base
                + "/.well-known/oauth-protected-resource/mcp\"").challenges();
        return new AuthorizationContext(idp.endpoint, challenges, Set.of(), 0);
    }

    private static Map<String, String> lastAuthorization(QuirkyAuthServer idp) {
        return idp.authorizations.get(idp.authorizations.size() - 1);
    }

    // ---- 2. metadata at one URL form only ------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Miss.class)
    void findsMetadataAtTheOpenIdPathAppendUrlWhateverTheEarlierCandidatesAnswer(Miss miss) {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(miss, Quirk.METADATA_OIDC_APPEND_ONLY)) {
            StoredCredentials login = valueOf(flow(idp).authorize(context(idp)));

            assertThat(login.key().issuer()).isEqualTo(idp.issuer);
            assertThat(idp.trace).containsSubsequence("GET /.well-known/oauth-authorization-server/tenant/v2.0",
                    "GET /.well-known/openid-configuration/tenant/v2.0",
                    "GET /tenant/v2.0/.well-known/openid-configuration", "GET /authorize", "POST /token");
            assertThat(valueOf(flow(idp).refresh(login)).accessToken()).isNotEqualTo(login.tokens().accessToken());
        }
    }

    @Test
    void findsMetadataAtTheRfc8414PathInsertionUrlWithoutProbingFurther() {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(Miss.SERVER_ERROR, Quirk.METADATA_RFC8414_ONLY)) {
            valueOf(flow(idp).authorize(context(idp)));

            assertThat(idp.trace).filteredOn(line -> line.contains("well-known") && !line.contains("protected"))
                    .containsExactly("GET /.well-known/oauth-authorization-server/tenant/v2.0");
        }
    }

    @Test
    void listsEveryUrlTriedAndItsAnswerWhenNoCandidateHoldsTheDocument() {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(Miss.HTML, Quirk.NO_METADATA)) {
            Throwable error = errorOf(flow(idp).authorize(context(idp)));

            assertThat(((McpException) error).failure()).isInstanceOf(McpFailure.ProtocolError.class);
            assertThat(error.getMessage()).contains(
                    idp.base + "/.well-known/oauth-authorization-server/tenant/v2.0 -> HTTP 200 with a body that is "
                            + "not a JSON object (text/html)",
                    idp.base + "/.well-known/openid-configuration/tenant/v2.0 ->",
                    idp.base + "/tenant/v2.0/.well-known/openid-configuration ->");
        }
    }

    @Test
    void keepsTheKindOfATransientAnswerWhenNoCandidateHoldsTheDocument() {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(Miss.SERVER_ERROR, Quirk.NO_METADATA)) {
            Throwable error = errorOf(flow(idp).authorize(context(idp)));

            assertThat(((McpException) error).failure()).isInstanceOf(McpFailure.ServerError.class);
            assertThat(error.getMessage()).contains("tenant/v2.0/.well-known/openid-configuration -> HTTP 500");
        }
    }

    @Test
    void neverGuessesAuthorizeOrRegisterOnTheMcpHostWhenAnAdvertisedServerHasNoMetadata() {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(Miss.DROP, Quirk.NO_METADATA)) {
            Throwable error = errorOf(flow(idp, null, REDIRECT).authorize(context(idp)));

            assertThat(((McpException) error).failure()).isInstanceOf(McpFailure.ConnectionFailure.class);
            assertThat(idp.trace).noneMatch(line -> line.endsWith("/authorize") || line.endsWith("/register")
                    || line.endsWith("/token"));
        }
    }

    // ---- 3. issuer not equal to the URL it came from -------------------------------------------------------

    @Test
    void refusesTheEntraTenantPlaceholderIssuerWithoutAProfile() {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(Quirk.METADATA_OIDC_APPEND_ONLY, Quirk.PKCE_NOT_ADVERTISED,
                Quirk.ENTRA_TENANT_PLACEHOLDER)) {
            McpFailure.IssuerMismatch mismatch = failureOf(flow(idp).authorize(context(idp)),
                    McpFailure.IssuerMismatch.class);

            assertThat(mismatch.actual()).isEqualTo(idp.base + "/{tenantid}/v2.0");
            assertThat(idp.count("GET /authorize")).isZero();
        }
    }

    @Test
    void logsInAndRefreshesWithEntraThroughTheTenantPlaceholderCheckedAgainstTheTokensTenant() {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(Quirk.METADATA_OIDC_APPEND_ONLY, Quirk.PKCE_NOT_ADVERTISED,
                Quirk.ENTRA_TENANT_PLACEHOLDER, Quirk.QUALIFIED_SCOPES_REQUIRED, Quirk.NO_REGISTRATION_ENDPOINT)) {
            IdentityProviderProfile entra = IdentityProviderProfile.entraId().forIssuer(idp.base);

            StoredCredentials login = valueOf(flow(idp, entra).authorize(context(idp)));

            assertThat(login.key().issuer()).isEqualTo(idp.base + "/{tenantid}/v2.0");
            Map<String, String> request = lastAuthorization(idp);
            assertThat(request.get("scope")).isEqualTo(idp.endpoint + "/mcp.read offline_access");
            assertThat(request).containsEntry("resource", idp.endpoint).containsEntry("code_challenge_method", "S256");
            assertThat(valueOf(flow(idp, entra).refresh(login)).refreshable()).isTrue();
            assertThat(idp.tokenRequests).allSatisfy(form -> assertThat(form).containsEntry("resource", idp.endpoint));
        }
    }

    @Test
    void refusesEntraTokensWhoseIssuerNamesAnotherTenant() {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(Quirk.METADATA_OIDC_APPEND_ONLY,
                Quirk.ENTRA_TOKEN_OF_ANOTHER_TENANT)) {
            McpFailure.IssuerMismatch mismatch = failureOf(flow(idp, IdentityProviderProfile.entraId()
                    .forIssuer(idp.base)).authorize(context(idp)), McpFailure.IssuerMismatch.class);

            assertThat(mismatch.expected()).isEqualTo(idp.base + "/" + QuirkyAuthServer.TENANT + "/v2.0");
            assertThat(store.entries).isEmpty();
        }
    }

    @Test
    void refusesATrailingSlashIssuerWithoutAProfileAndAcceptsItWithOne() {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(Quirk.ISSUER_TRAILING_SLASH, Quirk.ISS_SENT_NOT_ADVERTISED)) {
            failureOf(flow(idp).authorize(context(idp)), McpFailure.IssuerMismatch.class);
            assertThat(idp.count("GET /authorize")).isZero();

            IdentityProviderProfile lenient = IdentityProviderProfile.named("slash")
                    .withIssuerMatch(IssuerMatch.IGNORE_TRAILING_SLASH).forIssuer(idp.base);
            StoredCredentials login = valueOf(flow(idp, lenient).authorize(context(idp)));

            assertThat(login.key().issuer()).isEqualTo(idp.issuer + "/");
            assertThat(valueOf(flow(idp, lenient).refresh(login)).refreshable()).isTrue();
        }
    }

    // ---- 4. PKCE enforced, not advertised ------------------------------------------------------------------

    @Test
    void refusesAServerThatDoesNotAdvertisePkceUnlessItsProfileAssumesS256() {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(Quirk.PKCE_NOT_ADVERTISED)) {
            McpFailure.ProtocolError refused = failureOf(flow(idp).authorize(context(idp)),
                    McpFailure.ProtocolError.class);
            assertThat(refused.detail()).contains("PKCE");
            assertThat(idp.count("GET /authorize")).isZero();

            valueOf(flow(idp, IdentityProviderProfile.named("pkce").withPkceS256Assumed(true).forIssuer(idp.base))
                    .authorize(context(idp)));
            assertThat(lastAuthorization(idp)).containsEntry("code_challenge_method", "S256");
        }
    }

    // ---- 5. no dynamic registration ------------------------------------------------------------------------

    @Test
    void tellsWhatToConfigureWhenTheServerAdvertisesNoRegistration() {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(Quirk.NO_REGISTRATION_ENDPOINT)) {
            Throwable error = errorOf(flow(idp, null, REDIRECT).authorize(context(idp)));

            assertThat(error).isInstanceOf(ClientRegistrationRequiredException.class);
            ClientRegistrationRequiredException e = (ClientRegistrationRequiredException) error;
            assertThat(e.issuer()).isEqualTo(idp.issuer);
            assertThat(e.registrationEndpoint()).isEmpty();
            assertThat(e.getMessage()).contains("preRegisteredClient", "client_secret_post", "client_secret_basic");
            assertThat(idp.count("POST /register")).isZero();
            assertThat(idp.count("GET /authorize")).isZero();

            valueOf(flow(idp).authorize(context(idp)));   // the pre-registered client works
        }
    }

    @ParameterizedTest
    @EnumSource(value = Quirk.class, names = {"REGISTRATION_FORBIDDEN", "REGISTRATION_NOT_FOUND"})
    void tellsWhatToConfigureWhenRegistrationIsRefused(Quirk quirk) {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(quirk)) {
            Throwable error = errorOf(flow(idp, null, REDIRECT).authorize(context(idp)));

            assertThat(error).isInstanceOf(ClientRegistrationRequiredException.class);
            ClientRegistrationRequiredException e = (ClientRegistrationRequiredException) error;
            assertThat(e.status()).hasValue(quirk == Quirk.REGISTRATION_FORBIDDEN ? 403 : 404);
            assertThat(e.registrationEndpoint()).contains(idp.base + "/register");
            assertThat(((McpException) error).failure()).isInstanceOf(McpFailure.ProtocolError.class);
            assertThat(idp.count("POST /register")).isOne();
        }
    }

    // ---- 1. resource / audience / scope qualification ------------------------------------------------------

    @Test
    void leavesOutTheResourceWhereTheProfileSaysTheServerRejectsIt() {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(Quirk.RESOURCE_REJECTED)) {
            Throwable refused = errorOf(flow(idp).authorize(context(idp)));
            assertThat(refused.getMessage()).contains("invalid_target");
            assertThat(idp.count("POST /token")).isZero();

            IdentityProviderProfile noResource = IdentityProviderProfile.cognito().forIssuer(idp.base);
            StoredCredentials login = valueOf(flow(idp, noResource).authorize(context(idp)));
            valueOf(flow(idp, noResource).refresh(login));

            assertThat(lastAuthorization(idp)).doesNotContainKey("resource");
            assertThat(idp.tokenRequests).hasSize(2).allSatisfy(form -> assertThat(form).doesNotContainKey("resource"));
        }
    }

    @Test
    void neverRetriesARefreshWithOtherParametersAfterInvalidTarget() {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(Quirk.RESOURCE_REJECTED)) {
            IdentityProviderProfile noResource = IdentityProviderProfile.named("no-resource")
                    .withResourceParameter(false).forIssuer(idp.base);
            StoredCredentials login = valueOf(flow(idp, noResource).authorize(context(idp)));

            McpFailure.TokenRefreshFailed failed = failureOf(flow(idp).refresh(login),
                    McpFailure.TokenRefreshFailed.class);

            assertThat(failed.oauthError()).isEqualTo("invalid_target");
            assertThat(idp.refreshes()).isOne();
        }
    }

    @Test
    void sendsTheAudienceAnAuth0ApiNeeds() {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(Quirk.AUDIENCE_REQUIRED, Quirk.ISSUER_TRAILING_SLASH)) {
            assertThat(errorOf(flow(idp).authorize(context(idp)))).isInstanceOf(McpException.class);

            IdentityProviderProfile auth0 = IdentityProviderProfile.auth0().forIssuer(idp.base);
            StoredCredentials login = valueOf(flow(idp, auth0).authorize(context(idp)));

            assertThat(lastAuthorization(idp)).containsEntry("audience", idp.endpoint)
                    .containsEntry("resource", idp.endpoint).containsEntry("scope", "mcp.read offline_access");
            assertThat(valueOf(flow(idp, auth0).refresh(login)).refreshable()).isTrue();
        }
    }

    @Test
    void qualifiesBareScopesWithTheProfilesPrefix() {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(Quirk.QUALIFIED_SCOPES_REQUIRED)) {
            Throwable refused = errorOf(flow(idp).authorize(context(idp)));
            assertThat(refused.getMessage()).contains("invalid_scope");

            valueOf(flow(idp, IdentityProviderProfile.named("qualified").withScopePrefix("api://mcp-api/")
                    .forIssuer(idp.base)).authorize(context(idp)));

            assertThat(lastAuthorization(idp).get("scope")).isEqualTo("api://mcp-api/mcp.read offline_access");
        }
    }

    // ---- 6. refresh: offline_access, Google ----------------------------------------------------------------

    @Test
    void leavesOutOfflineAccessWhereTheProfileSaysItIsRejected() {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(Quirk.OFFLINE_ACCESS_REJECTED)) {
            Throwable refused = errorOf(flow(idp).authorize(context(idp)));
            assertThat(refused.getMessage()).contains("invalid_scope");

            valueOf(flow(idp, IdentityProviderProfile.cognito().withResourceParameter(true).forIssuer(idp.base))
                    .authorize(context(idp)));

            assertThat(lastAuthorization(idp).get("scope")).isEqualTo("mcp.read");
        }
    }

    @Test
    void asksGoogleForOfflineAccessItsWayAndKeepsTheRefreshTokenItDoesNotResend() {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(Quirk.GOOGLE_REFRESH)) {
            StoredCredentials plain = valueOf(flow(idp).authorize(new AuthorizationContext(idp.endpoint, List.of(),
                    Set.of(), 0)));
            assertThat(plain.tokens().refreshable()).as("no refresh token without access_type=offline").isFalse();

            IdentityProviderProfile google = IdentityProviderProfile.google().forIssuer(idp.base);
            StoredCredentials login = valueOf(flow(idp, google).authorize(context(idp)));
            assertThat(lastAuthorization(idp)).containsEntry("access_type", "offline")
                    .containsEntry("prompt", "consent").containsEntry("scope", "mcp.read");

            OAuthTokens refreshed = valueOf(flow(idp, google).refresh(login));
            assertThat(refreshed.refreshable()).isFalse();
            StoredCredentials kept = login.withTokens(login.tokens().refreshedWith(refreshed), CLOCK.instant());
            assertThat(kept.tokens().refreshToken()).isEqualTo(login.tokens().refreshToken());
            valueOf(flow(idp, google).refresh(kept));
            assertThat(idp.refreshes()).isEqualTo(2);
        }
    }

    // ---- 8. iss in the authorization response --------------------------------------------------------------

    @Test
    void acceptsAnIssThatIsSentWithoutBeingAdvertisedWhenItMatches() {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(Quirk.ISS_SENT_NOT_ADVERTISED)) {
            valueOf(flow(idp).authorize(context(idp)));
            assertThat(idp.count("POST /token")).isOne();
        }
    }

    @Test
    void refusesAResponseWithoutTheIssTheServerAdvertisesBeforeRedeemingTheCode() {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(Quirk.ISS_ADVERTISED_NOT_SENT)) {
            McpFailure.IssuerMismatch mismatch = failureOf(flow(idp).authorize(context(idp)),
                    McpFailure.IssuerMismatch.class);

            assertThat(mismatch.actual()).isEqualTo("(absent)");
            assertThat(idp.count("POST /token")).isZero();
        }
    }

    // ---- 7. loopback redirect matching ---------------------------------------------------------------------

    @Test
    void aServerThatFreesThePortOnlyForIpLiteralsAcceptsAnyPortOn127ButNotOnLocalhost() {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(Quirk.REDIRECT_PORT_FREE_FOR_IP_ONLY)) {
            valueOf(flow(idp, PRE, "http://127.0.0.1:53682/callback").authorize(context(idp)));

            McpFailure.ProtocolError refused = failureOf(flow(idp, PRE, "http://localhost:53682/callback")
                    .authorize(context(idp)), McpFailure.ProtocolError.class);
            assertThat(refused.detail()).contains("HTTP 400");
            assertThat(idp.count("POST /token")).isOne();
        }
    }

    @Test
    void aServerThatMatchesExactlyNeedsTheRegisteredPortAndPath() {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(Quirk.REDIRECT_EXACT)) {
            idp.registeredRedirects.add("http://localhost:33418/oauth/callback");

            failureOf(flow(idp, PRE, "http://localhost:33419/oauth/callback").authorize(context(idp)),
                    McpFailure.ProtocolError.class);
            valueOf(flow(idp, PRE, "http://localhost:33418/oauth/callback").authorize(context(idp)));

            assertThat(URI.create(lastAuthorization(idp).get("redirect_uri")).getPort()).isEqualTo(33418);
        }
    }

    // ---- profiles ------------------------------------------------------------------------------------------

    @Test
    void recognisesTheBuiltInProfilesFromRealIssuerUrls() {
        assertThat(Map.of(
                "https://login.microsoftonline.com/common/v2.0", "entra-id",
                "https://acme.eu.auth0.com/", "auth0",
                "https://acme.okta.com/oauth2/aus1", "okta",
                "https://accounts.google.com", "google",
                "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC", "cognito",
                "https://github.com/login/oauth", "github",
                "https://sso.acme.example/realms/mcp", "keycloak",
                "https://as.acme.example", "standard"))
                .allSatisfy((issuer, name) -> assertThat(IdentityProviderProfile.forIssuer(issuer, List.of()).name())
                        .as(issuer).isEqualTo(name));
    }

    @Test
    void aConfiguredProfileWinsOverTheBuiltInOneForTheSameIssuer() {
        IdentityProviderProfile strict = IdentityProviderProfile.standard().forIssuer("https://login.microsoftonline.com/");

        assertThat(IdentityProviderProfile.forIssuer("https://login.microsoftonline.com/common/v2.0", List.of(strict)))
                .isSameAs(strict);
    }
}
