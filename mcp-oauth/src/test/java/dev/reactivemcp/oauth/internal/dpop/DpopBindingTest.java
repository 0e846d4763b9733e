package dev.reactivemcp.oauth.internal.dpop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.reactivemcp.errors.McpException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DpopBindingTest {

    private final DpopKey key = Fixtures.key(DpopAlgorithm.ES256);

    private static String accessToken(Object cnf) throws Exception {
        ECKey issuer = new ECKeyGenerator(Curve.P_256).generate();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject("alice").audience("https://mcp.example/mcp");
        if (cnf != null) {
            claims.claim("cnf", cnf);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.ES256), claims.build());
        jwt.sign(new ECDSASigner(issuer));
        return jwt.serialize();
    }

    @Test
    void aTokenWhoseCnfJktIsOurThumbprintIsBoundToThisKey() throws Exception {
        assertThat(DpopBinding.of(key, accessToken(Map.of("jkt", key.thumbprint()))))
                .isEqualTo(DpopBinding.Result.BOUND_TO_THIS_KEY);
    }

    @Test
    void aDpopTokenBoundToAnotherKeyIsRefusedButBearerAndUncheckableTokensPass() throws Exception {
        String foreign = accessToken(Map.of("jkt", Fixtures.key(DpopAlgorithm.PS256).thumbprint()));

        assertThat(DpopBinding.of(key, foreign)).isEqualTo(DpopBinding.Result.BOUND_TO_ANOTHER_KEY);
        assertThatThrownBy(() -> DpopBinding.require(key, "DPoP", foreign)).isInstanceOf(McpException.class)
                .hasMessageContaining("a key other than the one that signed")
                .hasMessageNotContaining("REDACTED").hasMessageNotContaining(foreign);
        assertThat(DpopBinding.require(key, "Bearer", foreign)).isEqualTo("Bearer");
        assertThat(DpopBinding.require(key, "DPoP", "opaque-token")).isEqualTo("DPoP");
        assertThat(DpopBinding.of(key, accessToken(null))).isEqualTo(DpopBinding.Result.UNKNOWN);
        assertThat(DpopBinding.of(key, "a.b.c")).isEqualTo(DpopBinding.Result.UNKNOWN);
    }
}
