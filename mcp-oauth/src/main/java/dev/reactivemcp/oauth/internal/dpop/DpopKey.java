package dev.reactivemcp.oauth.internal.dpop;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.reactivemcp.oauth.TokenStoreException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Base64;
import java.text.ParseException;
import java.util.Objects;

/**
 * One client's DPoP key pair (RFC 9449 section 2) with everything a proof needs precomputed: the signer, the
 * protected header ({@code typ} {@code dpop+jwt}, {@code alg}, the public {@code jwk}) already base64url-encoded,
 * and the RFC 7638 SHA-256 thumbprint the server binds tokens to ({@code cnf.jkt}, section 6).
 *
 * <p>Persisted form: {@link #toPrivateJwk()}, a private JWK (RFC 7517) with {@code alg} set, stored next to the
 * tokens it binds and read back with {@link #fromPrivateJwk(String)}. It is a secret: {@link #toString()} shows
 * only the algorithm and the thumbprint.
 */
public final class DpopKey {

    /** The RSA modulus size generated and the least accepted from storage. */
    static final int RSA_BITS = 2048;
    private static final JOSEObjectType DPOP_JWT = new JOSEObjectType("dpop+jwt");

    private final JWK privateJwk;
    private final DpopAlgorithm algorithm;
    private final PrivateKey privateKey;
    private final SecureRandom random;
    private final byte[] headerPrefix;
    private final String thumbprint;
    private final String publicJwkJson;
    /** ES256 only: the private scalar d and the group order n, for signing with a precomputed nonce. */
    private final BigInteger d;
    private final BigInteger n;

    private DpopKey(JWK privateJwk, DpopAlgorithm algorithm, SecureRandom random) throws JOSEException {
        this.privateJwk = privateJwk;
        this.algorithm = algorithm;
        this.privateKey = algorithm.isRsa() ? ((RSAKey) privateJwk).toPrivateKey() : ((ECKey) privateJwk).toPrivateKey();
        this.random = random;
        JWK publicJwk = privateJwk.toPublicJWK();
        this.publicJwkJson = publicJwk.toJSONString();
        JWSHeader header = new JWSHeader.Builder(algorithm.jws()).type(DPOP_JWT).jwk(publicJwk).build();
        this.headerPrefix = (header.toBase64URL().toString() + '.').getBytes(StandardCharsets.US_ASCII);
        this.thumbprint = publicJwk.computeThumbprint().toString();
        if (privateKey instanceof ECPrivateKey ec) {
            this.d = ec.getS();
            this.n = ec.getParams().getOrder();
        } else {
            this.d = null;
            this.n = null;
        }
    }

    /**
     * A new key pair. RSA generation takes tens of milliseconds of CPU: do it off the event loop (at build time or on
     * a bounded-elastic scheduler). {@code random} is also used for ECDSA signatures and PSS salts: pass a seeded
     * generator (DRBG) so signing never reads the OS entropy device on an event loop.
     */
    public static DpopKey generate(DpopAlgorithm algorithm, SecureRandom random) {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(random, "random");
        try {
            JWK jwk = algorithm.isRsa()
                    ? new RSAKeyGenerator(RSA_BITS).algorithm(algorithm.jws()).keyUse(KeyUse.SIGNATURE)
                            .secureRandom(random).generate()
                    : new ECKeyGenerator(Curve.P_256).algorithm(algorithm.jws()).keyUse(KeyUse.SIGNATURE)
                            .secureRandom(random).generate();
            return new DpopKey(jwk, algorithm, random);
        } catch (JOSEException e) {
            throw new IllegalStateException("the JDK cannot generate a " + algorithm + " key", e);
        }
    }

    /**
     * Reads a key written by {@link #toPrivateJwk()}: a private EC P-256 key ({@code alg} ES256 or absent) or a private
     * RSA key of at least 2048 bits ({@code alg} RS256, PS256, or absent for RS256). Anything else (public-only,
     * symmetric, another curve, a short modulus, malformed JSON) is a {@link TokenStoreException} of kind
     * {@code CORRUPT} whose message names the problem and never the key material.
     */
    public static DpopKey fromPrivateJwk(String json, SecureRandom random) {
        Objects.requireNonNull(random, "random");
        JWK jwk;
        try {
            jwk = JWK.parse(Objects.requireNonNull(json, "json"));
        } catch (ParseException e) {
            throw corrupt("the stored proof-of-possession key is not a JWK");   // the parser's message may quote the input
        }
        if (!jwk.isPrivate()) {
            throw corrupt("the stored proof-of-possession key has no private part");
        }
        DpopAlgorithm algorithm = algorithmOf(jwk);
        try {
            DpopKey key = new DpopKey(jwk, algorithm, random);
            if (!key.signsForItsPublicKey()) {   // d not matching x/y or n: fail here, not at the server
                throw corrupt("the stored proof-of-possession key's private and public parts do not match");
            }
            return key;
        } catch (JOSEException | GeneralSecurityException | IllegalStateException | ClassCastException e) {
            throw corrupt("the stored proof-of-possession key cannot sign " + algorithm);
        }
    }

    private static DpopAlgorithm algorithmOf(JWK jwk) {
        String alg = jwk.getAlgorithm() == null ? null : jwk.getAlgorithm().getName();
        if (jwk instanceof ECKey ec) {
            if (!Curve.P_256.equals(ec.getCurve()) || (alg != null && !"ES256".equals(alg))) {
                throw corrupt("the stored proof-of-possession EC key must be P-256 for ES256");
            }
            return DpopAlgorithm.ES256;
        }
        if (jwk instanceof RSAKey rsa) {
            if (rsa.size() < RSA_BITS) {
                throw corrupt("the stored proof-of-possession RSA key is shorter than " + RSA_BITS + " bits");
            }
            DpopAlgorithm a = alg == null ? DpopAlgorithm.RS256 : DpopAlgorithm.named(alg).orElse(null);
            if (a == null || !a.isRsa()) {
                throw corrupt("the stored proof-of-possession RSA key names an unsupported alg");
            }
            return a;
        }
        throw corrupt("the stored proof-of-possession key must be an EC or RSA key");
    }

    private static TokenStoreException corrupt(String message) {
        return new TokenStoreException(TokenStoreException.Kind.CORRUPT, message, null);
    }

    private boolean signsForItsPublicKey() throws JOSEException, GeneralSecurityException {
        byte[] data = headerPrefix;
        Signature signer = signer();
        signer.update(data);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(signer.getAlgorithm());
        if (algorithm == DpopAlgorithm.PS256) {
            verifier.setParameter(signer.getParameters().getParameterSpec(PSSParameterSpec.class));
        }
        verifier.initVerify(algorithm.isRsa() ? ((RSAKey) privateJwk).toPublicKey()
                : ((ECKey) privateJwk).toPublicKey());
        verifier.update(data);
        return verifier.verify(signature);
    }

    /** The persisted form: the private JWK as JSON, with {@code alg}. A secret. */
    public String toPrivateJwk() {
        return privateJwk.toJSONString();
    }

    /** The public JWK as JSON, as embedded in every proof header. */
    public String publicJwkJson() {
        return publicJwkJson;
    }

    /** The RFC 7638 SHA-256 JWK thumbprint, base64url: the {@code jkt} a bound token's {@code cnf} carries. */
    public String thumbprint() {
        return thumbprint;
    }

    /** The signing algorithm. */
    public DpopAlgorithm algorithm() {
        return algorithm;
    }

    /** The compact JWS {@code header.payload.signature} over the already encoded {@code payloadB64}. */
    String sign(String payloadB64) {
        return sign(payloadB64, null);
    }

    /**
     * As {@link #sign(String)}; an ES256 key takes a precomputed nonce from {@code pool} (may be null) when one is
     * ready, else signs with plain JCA.
     */
    String sign(String payloadB64, EcdsaNoncePool pool) {
        int payloadLength = payloadB64.length();
        byte[] input = new byte[headerPrefix.length + payloadLength];
        System.arraycopy(headerPrefix, 0, input, 0, headerPrefix.length);
        for (int i = 0; i < payloadLength; i++) {
            input[headerPrefix.length + i] = (byte) payloadB64.charAt(i);   // base64url is ASCII
        }
        try {
            byte[] signature = null;
            if (pool != null && d != null) {
                EcdsaNoncePool.Nonce nonce = pool.take();
                if (nonce != null) {
                    signature = PrecomputedEcdsa.sign(input, d, n, nonce, random);
                }
            }
            if (signature == null) {
                Signature signer = signer();
                signer.update(input);
                signature = signer.sign();
            }
            return new StringBuilder(input.length + 1 + 2 * signature.length)
                    .append(new String(input, StandardCharsets.US_ASCII)).append('.')
                    .append(Base64.getUrlEncoder().withoutPadding().encodeToString(signature)).toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing a proof of possession failed with " + algorithm, e);
        }
    }

    /**
     * A JCA signature ready to sign, with this key's seeded random (ECDSA's k, PSS salt): the JDK default would read
     * the OS entropy device. ES256 is produced directly in the JWS form (R || S, RFC 7518 section 3.4).
     */
    private Signature signer() throws GeneralSecurityException {
        Signature signature;
        switch (algorithm) {
            case ES256 -> signature = Signature.getInstance("SHA256withECDSAinP1363Format");
            case RS256 -> signature = Signature.getInstance("SHA256withRSA");
            default -> {
                signature = Signature.getInstance("RSASSA-PSS");
                signature.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
            }
        }
        signature.initSign(privateKey, random);
        return signature;
    }

    /** The algorithm and thumbprint; never key material. */
    @Override
    public String toString() {
        return "DpopKey[" + algorithm + ", jkt=" + thumbprint + "]";
    }
}
