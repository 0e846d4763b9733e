package dev.reactivemcp.oauth.internal.dpop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.reactivemcp.oauth.TokenStoreException;
import dev.reactivemcp.oauth.fakes.TestClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class DpopKeyTest {

    private static final URI TOKEN = URI.create("https://as.example/token");

    @Test
    void anEs256KeyIsAPrivateP256JwkWithItsAlgorithm() throws Exception {
        DpopKey key = Fixtures.key(DpopAlgorithm.ES256);
        JWK stored = JWK.parse(key.toPrivateJwk());

        assertThat(stored).isInstanceOf(ECKey.class);
        assertThat(((ECKey) stored).getCurve()).isEqualTo(Curve.P_256);
        assertThat(stored.isPrivate()).isTrue();
        assertThat(stored.getAlgorithm().getName()).isEqualTo("ES256");
        assertThat(key.algorithm()).isEqualTo(DpopAlgorithm.ES256);
    }

    @ParameterizedTest
    @EnumSource(DpopAlgorithm.class)
    void aKeyReadBackFromItsPrivateJwkSignsProofsTheOriginalPublicKeyVerifies(DpopAlgorithm algorithm) {
        DpopKey original = Fixtures.key(algorithm);
        DpopKey restored = DpopKey.fromPrivateJwk(original.toPrivateJwk(), Fixtures.RANDOM);

        String proof = new DpopProofs(restored, TestClock.manual(), Fixtures.RANDOM)
                .create("POST", TOKEN, null, null);
        Fixtures.Proof read = Fixtures.Proof.verify(proof);

        assertThat(restored.algorithm()).isEqualTo(algorithm);
        assertThat(restored.thumbprint()).isEqualTo(original.thumbprint());
        assertThat(read.jwk().toJSONString()).isEqualTo(original.publicJwkJson());
        assertThat(read.jws().getHeader().getAlgorithm().getName()).isEqualTo(algorithm.name());
    }

    @Test
    void theThumbprintIsTheRfc7638HashOfTheRequiredMembersInLexicographicOrder() throws Exception {
        DpopKey key = Fixtures.key(DpopAlgorithm.ES256);
        ECKey pub = (ECKey) JWK.parse(key.publicJwkJson());
        String canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + pub.getX() + "\",\"y\":\"" + pub.getY() + "\"}";
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));

        assertThat(key.thumbprint()).isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(sha));
    }

    @Test
    void anRsaThumbprintIsTheRfc7638HashOfEAndN() throws Exception {
        DpopKey key = Fixtures.key(DpopAlgorithm.PS256);
        com.nimbusds.jose.jwk.RSAKey pub = (com.nimbusds.jose.jwk.RSAKey) JWK.parse(key.publicJwkJson());
        String canonical = "{\"e\":\"" + pub.getPublicExponent() + "\",\"kty\":\"RSA\",\"n\":\"" + pub.getModulus() + "\"}";
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));

        assertThat(key.thumbprint()).isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(sha));
    }

    @Test
    void aStoredRsaKeyWithoutAlgIsReadAsRs256AndWithPs256AsPs256() throws Exception {
        com.nimbusds.jose.jwk.RSAKey rsa = new RSAKeyGenerator(2048).generate();
        assertThat(DpopKey.fromPrivateJwk(rsa.toJSONString(), Fixtures.RANDOM).algorithm())
                .isEqualTo(DpopAlgorithm.RS256);
        String ps = new com.nimbusds.jose.jwk.RSAKey.Builder(rsa).algorithm(com.nimbusds.jose.JWSAlgorithm.PS256)
                .build().toJSONString();
        assertThat(DpopKey.fromPrivateJwk(ps, Fixtures.RANDOM).algorithm()).isEqualTo(DpopAlgorithm.PS256);
    }

    @Test
    void storedKeysItCannotSignWithAreCorruptStoresNamingTheProblemButNoKeyMaterial() throws Exception {
        ECKey p256 = new ECKeyGenerator(Curve.P_256).generate();
        ECKey p384 = new ECKeyGenerator(Curve.P_384).generate();
        OctetSequenceKey oct = new OctetSequenceKeyGenerator(256).generate();
        com.nimbusds.jose.jwk.RSAKey shortRsa = new RSAKeyGenerator(1024, true).generate();
        String es256WithWrongAlg = new ECKey.Builder(p256).algorithm(com.nimbusds.jose.JWSAlgorithm.RS256).build()
                .toJSONString();

        assertCorrupt(p256.toPublicJWK().toJSONString(), "no private part", p256.getX().toString());
        assertCorrupt(p384.toJSONString(), "P-256", p384.getD().toString());
        assertCorrupt(oct.toJSONString(), "EC or RSA", oct.getKeyValue().toString());
        assertCorrupt(shortRsa.toJSONString(), "2048", shortRsa.getPrivateExponent().toString());
        assertCorrupt(es256WithWrongAlg, "P-256", p256.getD().toString());
        assertCorrupt("{\"kty\":\"EC\",\"d\":\"c2VjcmV0LXZhbHVl\"", "not a JWK", "c2VjcmV0LXZhbHVl");
    }

    private static void assertCorrupt(String json, String problem, String material) {
        assertThatThrownBy(() -> DpopKey.fromPrivateJwk(json, Fixtures.RANDOM))
                .isInstanceOfSatisfying(TokenStoreException.class,
                        e -> assertThat(e.kind()).isEqualTo(TokenStoreException.Kind.CORRUPT))
                .hasMessageContaining(problem).hasMessageNotContaining("REDACTED")
                .satisfies(e -> assertThat(String.valueOf(e)).doesNotContain(material));
    }

    @ParameterizedTest
    @EnumSource(DpopAlgorithm.class)
    void toStringShowsTheAlgorithmAndThumbprintButNoKeyMaterial(DpopAlgorithm algorithm) throws Exception {
        DpopKey key = Fixtures.key(algorithm);
        JWK stored = JWK.parse(key.toPrivateJwk());
        String text = key + " " + new DpopProofs(key, TestClock.manual(), Fixtures.RANDOM)
                + " " + new DpopRequests(new DpopProofs(key, TestClock.manual(), Fixtures.RANDOM),
                new DpopNonces());

        assertThat(text).contains(algorithm.name(), key.thumbprint());
        for (String member : new String[] {"d", "p", "q", "dp", "dq", "qi"}) {
            Object secret = stored.toJSONObject().get(member);
            if (secret != null) {
                assertThat(text).doesNotContain(secret.toString());
            }
        }
        assertThat(text).doesNotContain(key.publicJwkJson());
    }
}
