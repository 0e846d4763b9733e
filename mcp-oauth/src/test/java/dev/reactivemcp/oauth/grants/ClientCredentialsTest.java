package dev.reactivemcp.oauth.grants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.oauth.ClientAssertionKey;
import dev.reactivemcp.oauth.ClientCredentials;
import dev.reactivemcp.oauth.InMemoryTokenStore;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.transport.ExchangeFilterFunction;
import dev.reactivemcp.transport.McpHttpResponse;
import dev.reactivemcp.transport.spi.ReactorNettyExchange;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * The client credentials grant end to end: {@code McpOAuth} with {@link ClientCredentials}, its filter in front of
 * real HTTP, against a loopback authorization server that verifies what it receives (Basic credentials, or the
 * RFC 7523 assertion with Nimbus: signature, {@code iss}, {@code sub}, {@code aud}, {@code exp}, unique {@code jti}).
 */
class ClientCredentialsTest {

    private static final String CLIENT = "svc-client";
    private static final String SECRET = "s3cr:et/+";

    private final TestClock clock = TestClock.manual();
    private final ReactorNettyExchange http = new ReactorNettyExchange(HttpClient.create());

    @Test
    void obtainsOneTokenWithClientSecretBasicAtTheFirst401AndSendsItOnEveryRequest() {
        try (CredentialsServer server = new CredentialsServer(clock, Duration.ofHours(1), basicJudge())) {
            McpOAuth oauth = McpOAuth.builder().clock(clock)
                    .clientCredentials(ClientCredentials.clientSecretBasic(CLIENT, SECRET)).build();
            ExchangeFilterFunction filter = oauth.filterFor(server.mcp());

            for (int i = 0; i < 3; i++) {
                assertThat(call(filter, server).status()).as("request %d", i).isEqualTo(200);
            }

            assertThat(server.tokenRequests).as("one token request for three MCP requests").hasSize(1);
            CredentialsServer.TokenRequest request = server.tokenRequests.peek();
            assertThat(request.form()).containsEntry("grant_type", "client_credentials")
                    .containsEntry("resource", server.base() + "/mcp")
                    .doesNotContainKeys("client_secret", "client_assertion", "code", "redirect_uri");
            assertThat(server.tokensSeen).containsExactly("none", "cc-1", "cc-1", "cc-1");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ES256", "RS256", "PS256"})
    void signsAPrivateKeyJwtAssertionThatTheAuthorizationServerVerifies(String algorithm) throws Exception {
        boolean ec = algorithm.startsWith("ES");
        KeyPair pair = ec ? ecKeyPair() : rsaKeyPair();
        ClientAssertionKey key = ec ? ClientAssertionKey.fromPkcs8Pem(pem(pair), algorithm)
                : ClientAssertionKey.fromJwk(new RSAKey.Builder((RSAPublicKey) pair.getPublic())
                        .privateKey((RSAPrivateKey) pair.getPrivate()).keyID("k1").build().toJSONString(), algorithm);
        JWSVerifier verifier = ec ? new ECDSAVerifier((ECPublicKey) pair.getPublic())
                : new RSASSAVerifier((RSAPublicKey) pair.getPublic());
        try (CredentialsServer server = new CredentialsServer(clock, Duration.ofMinutes(10), r -> null)) {
            McpOAuth oauth = McpOAuth.builder().clock(clock)
                    .clientCredentials(ClientCredentials.privateKeyJwt(CLIENT, key)).build();
            ExchangeFilterFunction filter = oauth.filterFor(server.mcp());

            assertThat(call(filter, server).status()).isEqualTo(200);
            clock.advance(Duration.ofMinutes(10)); // expired: the next request waits for a renewal
            assertThat(call(filter, server).status()).isEqualTo(200);

            assertThat(server.grantTypes()).containsExactly("client_credentials", "client_credentials");
            Set<String> jtis = new HashSet<>();
            for (CredentialsServer.TokenRequest request : server.tokenRequests) {
                assertThat(request.authorization()).as("no Basic header with an assertion").isNull();
                assertThat(request.form()).containsEntry("client_assertion_type",
                        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
                SignedJWT jwt = SignedJWT.parse(request.form().get("client_assertion"));
                assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.parse(algorithm));
                assertThat(jwt.verify(verifier)).as("signature verifies with the client's public key").isTrue();
                JWTClaimsSet claims = jwt.getJWTClaimsSet();
                assertThat(claims.getIssuer()).isEqualTo(CLIENT);
                assertThat(claims.getSubject()).isEqualTo(CLIENT);
                assertThat(claims.getAudience()).containsExactly(server.base());
                Duration validity = Duration.between(claims.getIssueTime().toInstant(),
                        claims.getExpirationTime().toInstant());
                assertThat(validity).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
                assertThat(claims.getIssueTime().toInstant()).isBetween(clock.instant().minus(Duration.ofMinutes(10)),
                        clock.instant());
                assertThat(jtis.add(claims.getJWTID())).as("jti unique").isTrue();
            }
            if (!ec) {
                assertThat(SignedJWT.parse(server.tokenRequests.peek().form().get("client_assertion"))
                        .getHeader().getKeyID()).isEqualTo("k1");
            }
        }
    }

    @Test
    void aBurstOfCallersWithAnExpiredTokenSharesOneRenewal() {
        try (CredentialsServer server = new CredentialsServer(clock, Duration.ofMinutes(5), basicJudge())) {
            McpOAuth oauth = McpOAuth.builder().clock(clock)
                    .clientCredentials(ClientCredentials.clientSecretBasic(CLIENT, SECRET)).build();
            ExchangeFilterFunction filter = oauth.filterFor(server.mcp());
            assertThat(call(filter, server).status()).isEqualTo(200);
            clock.advance(Duration.ofMinutes(5));

            List<Integer> statuses = Flux.range(0, 50).flatMap(i -> filter.filter(server.post("{}"), http)
                            .flatMap(r -> r.releaseBody().thenReturn(r.status())), 50)
                    .collectList().block(Duration.ofSeconds(20));

            assertThat(statuses).hasSize(50).containsOnly(200);
            assertThat(server.tokenRequests).as("the first token and exactly one renewal").hasSize(2);
            StoredCredentials stored = oauth.tokenStore().findByEndpoint(server.mcp().toString()).blockFirst();
            assertThat(stored.tokens().accessToken()).isEqualTo("cc-2");
            assertThat(stored.registration().clientSecret()).isEqualTo(SECRET);
        }
    }

    @Test
    void aRejectedClientFailsTypedAfterOneTokenRequestWithoutFallingBackToAnotherGrant() {
        try (CredentialsServer server = new CredentialsServer(clock, Duration.ofHours(1), r -> "invalid_client")) {
            McpOAuth oauth = McpOAuth.builder().clock(clock).tokenStore(new InMemoryTokenStore())
                    .clientCredentials(ClientCredentials.clientSecretBasic(CLIENT, SECRET)).build();

            Throwable error = filterError(oauth.filterFor(server.mcp()), server);

            assertThat(McpFailures.classify(error)).isInstanceOf(McpFailure.RequestRejected.class);
            assertThat(error.toString()).contains("invalid_client").doesNotContain(SECRET);
            assertThat(server.grantTypes()).containsExactly("client_credentials");
        }
    }

    @Test
    void badKeysFailAtConfigurationWithoutEchoingTheKey() throws Exception {
        String rsaPem = pem(rsaKeyPair());
        assertThatThrownBy(() -> ClientAssertionKey.fromPkcs8Pem(rsaPem, "ES256"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("EC P-256")
                .hasMessageNotContaining(rsaPem.substring(40, 80));
        assertThatThrownBy(() -> ClientAssertionKey.fromPkcs8Pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no EC or RSA");
        assertThatThrownBy(() -> ClientAssertionKey.fromPkcs8Pem(pem(ecKeyPair()), "HS256"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unsupported");
        assertThat(ClientAssertionKey.fromPkcs8Pem(pem(ecKeyPair())).algorithm()).isEqualTo("ES256");
        assertThat(ClientAssertionKey.fromPkcs8Pem(rsaPem).algorithm()).isEqualTo("RS256");
        assertThat(ClientCredentials.clientSecretBasic(CLIENT, SECRET).toString()).doesNotContain(SECRET);
    }

    private static CredentialsServer.Judge basicJudge() {
        String expected = "Basic " + Base64.getEncoder().encodeToString(
                ("svc-client:s3cr%3Aet%2F%2B").getBytes(StandardCharsets.UTF_8));
        return request -> expected.equals(request.authorization()) ? null : "invalid_client";
    }

    private McpHttpResponse call(ExchangeFilterFunction filter, CredentialsServer server) {
        McpHttpResponse response = filter.filter(server.post("{}"), http).block(Duration.ofSeconds(20));
        response.releaseBody().block(Duration.ofSeconds(5));
        return response;
    }

    private Throwable filterError(ExchangeFilterFunction filter, CredentialsServer server) {
        return filter.filter(server.post("{}"), http).map(r -> (Throwable) new AssertionError("status " + r.status()))
                .onErrorResume(Mono::just).block(Duration.ofSeconds(20));
    }

    static KeyPair ecKeyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    static KeyPair rsaKeyPair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    static String pem(KeyPair pair) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    }
}
