package dev.reactivemcp.oauth.internal.dpop;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import dev.reactivemcp.oauth.fakes.TestClock;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Map;

/** Keys and an independent proof reader for the DPoP tests (the clock: {@code TestClock}). */
final class Fixtures {

    static final Instant BASE = TestClock.BASE;
    static final SecureRandom RANDOM = drbg();

    private Fixtures() {
    }

    static SecureRandom drbg() {
        try {
            SecureRandom r = SecureRandom.getInstance("DRBG");
            r.nextBytes(new byte[32]);
            return r;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One key per algorithm per test run (RSA generation is slow). */
    static DpopKey key(DpopAlgorithm algorithm) {
        return switch (algorithm) {
            case ES256 -> Keys.ES256;
            case RS256 -> Keys.RS256;
            case PS256 -> Keys.PS256;
        };
    }

    private static final class Keys {
        static final DpopKey ES256 = DpopKey.generate(DpopAlgorithm.ES256, RANDOM);
        static final DpopKey RS256 = DpopKey.generate(DpopAlgorithm.RS256, RANDOM);
        static final DpopKey PS256 = DpopKey.generate(DpopAlgorithm.PS256, RANDOM);
    }

    /**
     * A proof as a server reads it (RFC 9449 section 4.3), with Nimbus only: parsed, its signature verified with the
     * public key embedded in its own header; fails when it does not verify.
     */
    record Proof(JWSObject jws, Map<String, Object> header, Map<String, Object> claims, JWK jwk) {

        static Proof verify(String compact) {
            try {
                JWSObject jws = JWSObject.parse(compact);
                JWK jwk = jws.getHeader().getJWK();
                if (jwk == null || jwk.isPrivate()) {
                    throw new AssertionError("the proof header must carry a public jwk");
                }
                JWSVerifier verifier = jwk instanceof ECKey ec ? new ECDSAVerifier(ec)
                        : new RSASSAVerifier((RSAKey) jwk);
                if (!jws.verify(verifier)) {
                    throw new AssertionError("the proof signature does not verify with its embedded jwk");
                }
                return new Proof(jws, jws.getHeader().toJSONObject(), jws.getPayload().toJSONObject(), jwk);
            } catch (java.text.ParseException | com.nimbusds.jose.JOSEException e) {
                throw new AssertionError("not a well-formed signed proof: " + e, e);
            }
        }

        Object claim(String name) {
            return claims.get(name);
        }
    }
}
