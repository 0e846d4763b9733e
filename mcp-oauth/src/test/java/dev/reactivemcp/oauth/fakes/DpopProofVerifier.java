package dev.reactivemcp.oauth.fakes;

import com.nimbusds.jose.JOSEObjectType;
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
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A server's check of DPoP proofs (RFC 9449 section 4.3), with Nimbus and nothing of the client: {@code typ}, the
 * signature by the embedded public {@code jwk}, {@code htm}, {@code htu}, {@code iat} within 60 s of the injected
 * clock, {@code jti} never seen before by this verifier, {@code ath} of the presented token (none for token
 * requests). Returns the key's thumbprint ({@code cnf.jkt}, section 6) the server binds tokens to.
 */
public final class DpopProofVerifier {

    /** A verified proof: its key's RFC 7638 thumbprint, its {@code nonce} claim (or null) and its JWS algorithm. */
    public record Verified(String jkt, String nonce, String algorithm) { }

    private final Clock clock;
    private final Set<String> jtis = ConcurrentHashMap.newKeySet();

    /** A verifier whose freshness window is read on {@code clock}. */
    public DpopProofVerifier(Clock clock) {
        this.clock = clock;
    }

    /**
     * Verifies {@code compact} for a {@code method} request to {@code htu}, presenting {@code accessToken} (null for
     * a token request); throws {@link IllegalArgumentException} saying what is wrong.
     */
    public Verified verify(String compact, String method, String htu, String accessToken) {
        if (compact == null) {
            throw new IllegalArgumentException("no DPoP proof");
        }
        try {
            SignedJWT jwt = SignedJWT.parse(compact);
            JWK jwk = jwt.getHeader().getJWK();
            if (!new JOSEObjectType("dpop+jwt").equals(jwt.getHeader().getType()) || jwk == null || jwk.isPrivate()
                    || !jwt.verify(jwk instanceof ECKey ec ? new ECDSAVerifier(ec) : new RSASSAVerifier((RSAKey) jwk))) {
                throw new IllegalArgumentException("typ, jwk or signature wrong");
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (!method.equals(claims.getStringClaim("htm")) || !htu.equals(claims.getStringClaim("htu"))) {
                throw new IllegalArgumentException("htm or htu wrong");
            }
            long iat = claims.getIssueTime().toInstant().getEpochSecond();
            if (Math.abs(iat - clock.instant().getEpochSecond()) > 60) {
                throw new IllegalArgumentException("iat not fresh");
            }
            if (claims.getJWTID() == null || !jtis.add(claims.getJWTID())) {
                throw new IllegalArgumentException("jti missing or replayed");
            }
            String ath = claims.getStringClaim("ath");
            if (accessToken == null ? ath != null : !sha256(accessToken).equals(ath)) {
                throw new IllegalArgumentException("ath wrong");
            }
            return new Verified(jwk.computeThumbprint().toString(), claims.getStringClaim("nonce"),
                    jwt.getHeader().getAlgorithm().getName());
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static String sha256(String token) throws Exception {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
    }
}
