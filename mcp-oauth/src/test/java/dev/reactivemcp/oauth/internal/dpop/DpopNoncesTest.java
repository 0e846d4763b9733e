package dev.reactivemcp.oauth.internal.dpop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.WwwAuthenticate;
import dev.reactivemcp.transport.Headers;
import java.net.URI;
import org.junit.jupiter.api.Test;

class DpopNoncesTest {

    private static final URI AS = URI.create("https://AS.example:443/token");
    private static final URI RS = URI.create("https://mcp.example/mcp");

    private final DpopNonces nonces = new DpopNonces();

    @Test
    void theLastDpopNonceOfEveryResponseIsRememberedPerOriginAndTarget() {
        nonces.observe(DpopTarget.AUTHORIZATION_SERVER, AS, Headers.empty().with("DPoP-Nonce", "n1"));
        nonces.observe(DpopTarget.AUTHORIZATION_SERVER, AS, Headers.empty());
        nonces.observe(DpopTarget.AUTHORIZATION_SERVER, URI.create("https://as.example/par"),
                Headers.empty().with("dpop-nonce", "n2"));

        assertThat(nonces.current(DpopTarget.AUTHORIZATION_SERVER, URI.create("https://as.example/other")))
                .isEqualTo("n2");
        assertThat(nonces.current(DpopTarget.RESOURCE_SERVER, URI.create("https://as.example/token"))).isNull();
        assertThat(nonces.current(DpopTarget.AUTHORIZATION_SERVER, RS)).isNull();
    }

    @Test
    void aMalformedNonceIsIgnoredAndTheLastGoodOneKept() {
        nonces.observe(DpopTarget.RESOURCE_SERVER, RS, Headers.empty().with("DPoP-Nonce", "good"));
        for (String bad : new String[] {"with space", "quo\"te", "back\\slash", "", "x".repeat(1025), "\u00e9"}) {
            assertThat(nonces.observe(DpopTarget.RESOURCE_SERVER, RS, Headers.empty().with("DPoP-Nonce", bad)))
                    .isNull();
        }
        assertThat(nonces.current(DpopTarget.RESOURCE_SERVER, RS)).isEqualTo("good");
    }

    @Test
    void atMostABoundedNumberOfOriginsIsRemembered() {
        for (int i = 0; i < DpopNonces.MAX_ORIGINS * 2; i++) {
            nonces.observe(DpopTarget.RESOURCE_SERVER, URI.create("https://rs" + i + ".example/mcp"),
                    Headers.empty().with("DPoP-Nonce", "n" + i));
        }
        int remembered = 0;
        for (int i = 0; i < DpopNonces.MAX_ORIGINS * 2; i++) {
            remembered += nonces.current(DpopTarget.RESOURCE_SERVER, URI.create("https://rs" + i + ".example/x")) == null
                    ? 0 : 1;
        }
        assertThat(remembered).isEqualTo(DpopNonces.MAX_ORIGINS);
        assertThat(nonces.current(DpopTarget.RESOURCE_SERVER,
                URI.create("https://rs" + (DpopNonces.MAX_ORIGINS * 2 - 1) + ".example/mcp"))).isNotNull();
    }

    @Test
    void theTokenEndpointDemandIsA400UseDpopNonceBodyRetriedOnceThenAFailure() {
        Headers headers = Headers.empty().with("DPoP-Nonce", "n1");
        String body = "{\"error\":\"use_dpop_nonce\",\"error_description\":\"Authorization server requires nonce\"}";

        assertThat(DpopNonceRetry.needsBody(DpopTarget.AUTHORIZATION_SERVER, 400, headers)).isTrue();
        assertThat(DpopNonceRetry.needsBody(DpopTarget.AUTHORIZATION_SERVER, 400, Headers.empty())).isFalse();
        assertThat(DpopNonceRetry.needsBody(DpopTarget.AUTHORIZATION_SERVER, 200, headers)).isFalse();
        assertThat(DpopNonceRetry.decide(DpopTarget.AUTHORIZATION_SERVER, 400, headers, body, 0))
                .isEqualTo(DpopNonceRetry.Decision.RETRY_WITH_NEW_PROOF);
        assertThat(DpopNonceRetry.decide(DpopTarget.AUTHORIZATION_SERVER, 400, headers,
                "{\"error\":\"invalid_grant\"}", 0)).isEqualTo(DpopNonceRetry.Decision.USE_RESPONSE);
        assertThatThrownBy(() -> DpopNonceRetry.decide(DpopTarget.AUTHORIZATION_SERVER, 400, headers, body, 1))
                .isInstanceOfSatisfying(McpException.class,
                        e -> assertThat(e.failure()).isInstanceOf(McpFailure.ProtocolError.class));
    }

    @Test
    void theResourceDemandIsA401DpopChallengeWithUseDpopNonce() {
        Headers headers = Headers.empty().with("DPoP-Nonce", "n1")
                .with("WWW-Authenticate", "Bearer realm=\"x\", DPoP error=\"use_dpop_nonce\", algs=\"ES256 PS256\"");
        Headers invalidToken = Headers.empty().with("DPoP-Nonce", "n1")
                .with("WWW-Authenticate", "DPoP error=\"invalid_token\"");
        Headers bearerOnly = Headers.empty().with("DPoP-Nonce", "n1")
                .with("WWW-Authenticate", "Bearer error=\"use_dpop_nonce\"");

        assertThat(DpopNonceRetry.decide(DpopTarget.RESOURCE_SERVER, 401, headers, null, 0))
                .isEqualTo(DpopNonceRetry.Decision.RETRY_WITH_NEW_PROOF);
        assertThat(DpopNonceRetry.decide(401, WwwAuthenticate.parse(headers.all("WWW-Authenticate")), headers, 0))
                .isEqualTo(DpopNonceRetry.Decision.RETRY_WITH_NEW_PROOF);
        assertThat(DpopNonceRetry.decide(DpopTarget.RESOURCE_SERVER, 401, invalidToken, null, 0))
                .isEqualTo(DpopNonceRetry.Decision.USE_RESPONSE);
        assertThat(DpopNonceRetry.decide(DpopTarget.RESOURCE_SERVER, 401, bearerOnly, null, 0))
                .isEqualTo(DpopNonceRetry.Decision.USE_RESPONSE);
        assertThat(DpopNonceRetry.decide(DpopTarget.RESOURCE_SERVER, 403, headers, null, 0))
                .isEqualTo(DpopNonceRetry.Decision.USE_RESPONSE);
        assertThatThrownBy(() -> DpopNonceRetry.decide(DpopTarget.RESOURCE_SERVER, 401, headers, null, 1))
                .isInstanceOf(McpException.class).hasMessageContaining("not retried twice");
        assertThat(DpopAlgorithm.advertisedBy(WwwAuthenticate.parse(headers.all("WWW-Authenticate"))))
                .containsExactly("ES256", "PS256");
    }

    @Test
    void theAlgorithmIsThePreferredOneUnlessTheServerListsOthersOnly() {
        assertThat(DpopAlgorithm.negotiate(DpopAlgorithm.ES256, java.util.List.of())).contains(DpopAlgorithm.ES256);
        assertThat(DpopAlgorithm.negotiate(DpopAlgorithm.ES256, java.util.List.of("PS256", "ES256")))
                .contains(DpopAlgorithm.ES256);
        assertThat(DpopAlgorithm.negotiate(DpopAlgorithm.ES256, java.util.List.of("EdDSA", "PS256")))
                .contains(DpopAlgorithm.PS256);
        assertThat(DpopAlgorithm.negotiate(DpopAlgorithm.ES256, java.util.List.of("EdDSA"))).isEmpty();
    }

    @Test
    void thePublicOptionAcceptsTheThreeAlgorithmsOnly() {
        assertThat(dev.reactivemcp.oauth.Dpop.es256().algorithm()).isEqualTo("ES256");
        assertThat(dev.reactivemcp.oauth.Dpop.withAlgorithm("PS256").algorithm()).isEqualTo("PS256");
        assertThatThrownBy(() -> dev.reactivemcp.oauth.Dpop.withAlgorithm("HS256"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ES256, RS256 or PS256");
        for (String name : new String[] {"ES256", "RS256", "PS256"}) {
            assertThat(DpopAlgorithm.named(dev.reactivemcp.oauth.Dpop.withAlgorithm(name).algorithm())).isPresent();
        }
    }
}
