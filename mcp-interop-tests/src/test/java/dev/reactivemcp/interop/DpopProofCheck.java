package dev.reactivemcp.interop;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A resource server's check of a DPoP proof (RFC 9449 section 4.3 and 7.1), written here from the RFC and
 * independent of the SDK's own code: exactly one {@code DPoP} header; a JWS with {@code typ dpop+jwt}, an asymmetric
 * {@code alg} and a public {@code jwk} that verifies its signature; {@code htm} and {@code htu} of this request;
 * {@code iat} within {@link #IAT_WINDOW}; a {@code jti} never seen before; {@code ath} = the SHA-256 of the access
 * token presented; the server's current nonce (section 9); and the token's {@code cnf.jkt} equal to the proof key's
 * thumbprint (section 6.1).
 */
final class DpopProofCheck {

    /** How far a proof's {@code iat} may be from this server's clock; the nonce is what proves freshness here. */
    static final Duration IAT_WINDOW = Duration.ofMinutes(5);
    private static final Set<JWSAlgorithm> ALGS = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256, JWSAlgorithm.PS256);

    /** The outcome: null {@code refusal} means verified; {@code useNonce} asks the client to retry with the nonce. */
    record Result(String refusal, boolean useNonce, String jkt) {
        boolean ok() {
            return refusal == null;
        }
    }

    private final Clock clock = Clock.systemUTC();
    private final String nonce;
    private final Set<String> jtis = ConcurrentHashMap.newKeySet();

    DpopProofCheck(String nonce) {
        this.nonce = nonce;
    }

    String nonce() {
        return nonce;
    }

    Result check(List<String> proofs, String method, String htu, String accessToken, JWTClaimsSet token) {
        if (proofs.size() != 1) {
            return new Result("proof count " + proofs.size(), false, null);
        }
        try {
            SignedJWT proof = SignedJWT.parse(proofs.get(0));
            if (!new JOSEObjectType("dpop+jwt").equals(proof.getHeader().getType())
                    || !ALGS.contains(proof.getHeader().getAlgorithm())) {
                return new Result("typ or alg", false, null);
            }
            JWK jwk = proof.getHeader().getJWK();
            if (jwk == null || jwk.isPrivate() || !proof.verify(verifier(jwk))) {
                return new Result("signature", false, null);
            }
            JWTClaimsSet claims = proof.getJWTClaimsSet();
            if (!method.equals(claims.getStringClaim("htm")) || !htu.equals(claims.getStringClaim("htu"))) {
                return new Result("htm or htu", false, null);
            }
            if (claims.getIssueTime() == null || Duration.between(claims.getIssueTime().toInstant(), clock.instant())
                    .abs().compareTo(IAT_WINDOW) > 0) {
                return new Result("iat", false, null);
            }
            if (claims.getJWTID() == null || !jtis.add(claims.getJWTID())) {
                return new Result("jti replayed", false, null);
            }
            if (!sha256(accessToken).equals(claims.getStringClaim("ath"))) {
                return new Result("ath", false, null);
            }
            String jkt = jwk.computeThumbprint().toString();
            Object cnf = token.getClaim("cnf");
            if (!(cnf instanceof Map<?, ?> m) || !jkt.equals(m.get("jkt"))) {
                return new Result("cnf.jkt", false, jkt);
            }
            if (!nonce.equals(claims.getStringClaim("nonce"))) {
                return new Result("nonce", true, jkt);
            }
            return new Result(null, false, jkt);
        } catch (Exception e) {
            return new Result("malformed proof", false, null);
        }
    }

    private static JWSVerifier verifier(JWK jwk) throws Exception {
        if (jwk instanceof ECKey ec) {
            return new ECDSAVerifier(ec);
        }
        if (jwk instanceof RSAKey rsa) {
            return new RSASSAVerifier(rsa);
        }
        throw new IllegalArgumentException("key type " + jwk.getKeyType());
    }

    static String sha256(String text) throws Exception {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII)));
    }
}
