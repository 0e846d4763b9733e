package dev.reactivemcp.oauth.seeding;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.InMemoryTokenStore;
import dev.reactivemcp.oauth.InvalidCredentialsException;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenStores;
import dev.reactivemcp.oauth.fakes.TestClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * {@code TokenStores.seed} refuses, before writing anything, every kind of credentials the token engine could not
 * use, each with its own plain words, all problems in one exception, and no secret in its message.
 */
class SeedRulesTest {

    static final String ENDPOINT = "https://mcp.example.com/mcp";
    static final String ISSUER = "https://as.example.com";
    static final String ACCESS = "access-secret-123";
    static final String REFRESH = "refresh-secret-456";
    static final String CLIENT_SECRET = "client-secret-789";
    static final Duration WAIT = Duration.ofSeconds(10);

    private final TestClock clock = TestClock.manual();
    private final InMemoryTokenStore store = new InMemoryTokenStore();

    /** Parts of a seed, each replaceable. */
    record Parts(String endpoint, CredentialKey key, ClientRegistration registration, OAuthTokens tokens,
                 String tokenEndpoint, boolean rejected) {
        StoredCredentials build(Instant now) {
            return new StoredCredentials(endpoint, key, registration, tokens, tokenEndpoint, rejected, now);
        }
    }

    private Parts valid() {
        return new Parts(ENDPOINT, new CredentialKey(ENDPOINT, ISSUER, "svc", "alice"),
                new ClientRegistration(ISSUER, "svc", CLIENT_SECRET, null, null),
                new OAuthTokens(ACCESS, "Bearer", REFRESH, clock.instant().plus(Duration.ofHours(1)), Set.of("mcp")),
                ISSUER + "/token", false);
    }

    private List<String> refused(UnaryOperator<Parts> change) {
        StoredCredentials seed = change.apply(valid()).build(clock.instant());
        InvalidCredentialsException[] caught = new InvalidCredentialsException[1];
        StepVerifier.create(TokenStores.seed(store, URI.create(ENDPOINT), seed, clock))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(InvalidCredentialsException.class);
                    caught[0] = (InvalidCredentialsException) e;
                }).verify(WAIT);
        String shown = caught[0].getMessage() + caught[0] + caught[0].problems();
        assertThat(shown).doesNotContain(ACCESS).doesNotContain(REFRESH).doesNotContain(CLIENT_SECRET);
        assertThat(store.findAll().collectList().block(WAIT)).as("nothing written").isEmpty();
        assertThat(store.loadRegistration(ISSUER).blockOptional(WAIT)).as("no registration written").isEmpty();
        return caught[0].problems();
    }

    private static OAuthTokens tokens(String access, String type, String refresh, Instant expiresAt, String key) {
        return new OAuthTokens(access, type, refresh, expiresAt, Set.of("mcp"), key);
    }

    @Test
    void validCredentialsAreStoredWithTheirRegistration() {
        StepVerifier.create(TokenStores.seed(store, URI.create(ENDPOINT), valid().build(clock.instant()), clock))
                .verifyComplete();

        assertThat(store.findByEndpoint(ENDPOINT, "alice").collectList().block(WAIT)).singleElement()
                .satisfies(c -> assertThat(c.tokens().refreshToken()).isEqualTo(REFRESH));
        assertThat(store.loadRegistration(ISSUER).block(WAIT).clientId()).isEqualTo("svc");
        assertThat(TokenStores.problems(URI.create(ENDPOINT), valid().build(clock.instant()), clock.instant())).isEmpty();
    }

    @Test
    void credentialsFiledUnderAnotherEndpointStringAreRefusedNamingBothStrings() {
        assertThat(refused(p -> new Parts(ENDPOINT + "/", p.key(), p.registration(), p.tokens(), p.tokenEndpoint(),
                false))).singleElement().asString()
                .contains("filed under the MCP endpoint \"" + ENDPOINT + "/\"")
                .contains("looks them up under \"" + ENDPOINT + "\"");
    }

    @Test
    void aBlankOwnerIsRefused() {
        assertThat(refused(p -> new Parts(p.endpoint(), p.key().withOwner("  "), p.registration(), p.tokens(),
                p.tokenEndpoint(), false))).singleElement().asString().contains("the owner is blank");
    }

    @Test
    void aRegistrationOfAnotherIssuerOrClientIsRefusedBecauseARefreshWouldBe() {
        List<String> problems = refused(p -> new Parts(p.endpoint(), p.key(),
                new ClientRegistration("https://other.example.com", "other-client", CLIENT_SECRET, null, null),
                p.tokens(), p.tokenEndpoint(), false));

        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).contains("registration is for issuer \"https://other.example.com\"")
                .contains("a refresh would be refused");
        assertThat(problems.get(1)).contains("has client id \"other-client\"").contains("names client id \"svc\"");
    }

    @Test
    void aTokenEndpointOverPlainHttpToAnotherHostIsRefusedAndLoopbackIsAccepted() {
        assertThat(refused(p -> new Parts(p.endpoint(), p.key(), p.registration(), p.tokens(),
                "http://as.example.com/token", false))).singleElement().asString()
                .contains("plain http to a non-loopback host");
        assertThat(TokenStores.problems(URI.create(ENDPOINT), new Parts(ENDPOINT, valid().key(), valid().registration(),
                valid().tokens(), "http://127.0.0.1:8080/token", false).build(clock.instant()), clock.instant()))
                .isEmpty();
    }

    @Test
    void aTokenTypeOtherThanBearerOrDpopAndADpopTokenWithoutItsKeyAreRefused() {
        Instant later = clock.instant().plus(Duration.ofHours(1));
        assertThat(refused(p -> new Parts(p.endpoint(), p.key(), p.registration(), tokens(ACCESS, "MAC", REFRESH,
                later, null), p.tokenEndpoint(), false))).singleElement().asString()
                .contains("only Bearer and DPoP can be sent");
        assertThat(refused(p -> new Parts(p.endpoint(), p.key(), p.registration(), tokens(ACCESS, "DPoP", REFRESH,
                later, null), p.tokenEndpoint(), false))).singleElement().asString()
                .contains("the token type is DPoP but no DPoP key is given");
    }

    @Test
    void anUnusableDpopKeyAndATokenBoundToAnotherKeyAreRefused() throws Exception {
        Instant later = clock.instant().plus(Duration.ofHours(1));
        String symmetric = "{\"kty\":\"oct\",\"k\":\"c2VjcmV0LWtleS1tYXRlcmlhbA\"}";
        List<String> unusable = refused(p -> new Parts(p.endpoint(), p.key(), p.registration(),
                tokens(ACCESS, "DPoP", REFRESH, later, symmetric), p.tokenEndpoint(), false));
        assertThat(unusable).singleElement().asString().contains("the DPoP key is unusable")
                .doesNotContain("c2VjcmV0LWtleS1tYXRlcmlhbA");

        String key = new ECKeyGenerator(Curve.P_256).generate().toJSONString();
        String boundElsewhere = jwtBoundTo("someone-elses-thumbprint");
        assertThat(refused(p -> new Parts(p.endpoint(), p.key(), p.registration(),
                tokens(boundElsewhere, "DPoP", REFRESH, later, key), p.tokenEndpoint(), false)))
                .singleElement().asString().contains("bound (cnf.jkt) to another key");
    }

    @Test
    void rejectedCredentialsAndAnExpiredTokenWithoutRefreshTokenAreRefusedAsUnusable() {
        assertThat(refused(p -> new Parts(p.endpoint(), p.key(), p.registration(), p.tokens(), p.tokenEndpoint(),
                true))).singleElement().asString().contains("marked rejected");
        assertThat(refused(p -> new Parts(p.endpoint(), p.key(), p.registration(), tokens(ACCESS, "Bearer", null,
                clock.instant().minusSeconds(1), null), p.tokenEndpoint(), false))).singleElement().asString()
                .contains("expired at").contains("no refresh token");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        List<String> problems = refused(p -> new Parts(ENDPOINT + "?x", p.key().withOwner(" "),
                new ClientRegistration(ISSUER + "/", "svc2", CLIENT_SECRET, null, null),
                tokens(ACCESS, "DPoP", null, clock.instant().minusSeconds(5), null), "ftp://as.example.com/token", true));

        assertThat(problems).hasSize(8);
    }

    @Test
    void aRegistrationConflictingWithTheOneTheStoreHoldsForTheIssuerIsRefused() {
        store.saveRegistration(new ClientRegistration(ISSUER, "the-services-client", null, "none", null)).block(WAIT);

        StepVerifier.create(TokenStores.seed(store, URI.create(ENDPOINT), valid().build(clock.instant()), clock))
                .expectErrorSatisfies(e -> assertThat(((InvalidCredentialsException) e).problems()).singleElement()
                        .asString().contains("already holds the client registration \"the-services-client\""))
                .verify(WAIT);
        assertThat(store.findAll().collectList().block(WAIT)).isEmpty();
    }

    private static String jwtBoundTo(String jkt) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"sub\":\"alice\",\"cnf\":{\"jkt\":\"" + jkt + "\"}}")
                .getBytes(StandardCharsets.UTF_8)) + ".";
    }
}
