package dev.reactivemcp.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.text.ParseException;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The private key a client signs its {@code private_key_jwt} assertions with (RFC 7523 section 2.2, OpenID Connect
 * Core section 9), and the JWS algorithm: {@code ES256} (EC P-256, the default for EC keys), {@code RS256} (the
 * default for RSA keys) or {@code PS256}. Read from a PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}) or a private
 * JWK; bad input fails at once with {@code IllegalArgumentException} naming what is wrong, never the key material.
 * Never printed: {@link #toString()} shows the algorithm and key id only.
 *
 * <pre>{@code
 * ClientAssertionKey key = ClientAssertionKey.fromPkcs8Pem(Files.readString(Path.of("client-key.pem")));
 * ClientAssertionKey rsa = ClientAssertionKey.fromJwk(jwkJson, "PS256");
 * }</pre>
 */
public final class ClientAssertionKey {

    /** The algorithms supported. */
    public static final Set<String> ALGORITHMS = Set.of("ES256", "RS256", "PS256");

    private final PrivateKey key;
    private final String algorithm;
    private final String keyId;

    private ClientAssertionKey(PrivateKey key, String algorithm, String keyId) {
        this.key = key;
        this.algorithm = algorithm;
        this.keyId = keyId;
    }

    /**
     * A PKCS#8 PEM private key (EC P-256 or RSA), with the default algorithm of its type ({@code ES256} for EC,
     * {@code RS256} for RSA).
     *
     * @param pem the key, {@code -----BEGIN PRIVATE KEY-----} included
     * @return the key
     * @throws IllegalArgumentException when {@code pem} is not a PKCS#8 EC P-256 or RSA (2048 bits or more) private
     *                                  key; the message never shows the key
     * @throws NullPointerException     when {@code pem} is {@code null}
     */
    public static ClientAssertionKey fromPkcs8Pem(String pem) {
        return fromPkcs8Pem(pem, null);
    }

    /**
     * A PKCS#8 PEM private key with {@code algorithm} ({@code ES256}, {@code RS256} or {@code PS256}).
     *
     * @param pem       the key, {@code -----BEGIN PRIVATE KEY-----} included
     * @param algorithm the JWS algorithm, or null for the default of the key's type
     * @return the key
     * @throws IllegalArgumentException when {@code pem} is not a PKCS#8 private key, or does not fit
     *                                  {@code algorithm}; the message never shows the key
     * @throws NullPointerException     when {@code pem} is {@code null}
     */
    public static ClientAssertionKey fromPkcs8Pem(String pem, String algorithm) {
        Objects.requireNonNull(pem, "pem");
        String body = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        if (pem.contains("-----BEGIN") && !pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new IllegalArgumentException("not a PKCS#8 PEM private key (expected -----BEGIN PRIVATE KEY-----)");
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the PEM private key is not valid base64");
        }
        PrivateKey key = null;
        for (String type : new String[] {"EC", "RSA"}) {
            try {
                key = KeyFactory.getInstance(type).generatePrivate(new PKCS8EncodedKeySpec(der));
                break;
            } catch (GeneralSecurityException e) {
                // try the next key type
            }
        }
        if (key == null) {
            throw new IllegalArgumentException("the PEM holds no EC or RSA PKCS#8 private key");
        }
        return of(key, algorithm, null);
    }

    /**
     * A private JWK (RFC 7517; JSON, {@code kty} EC or RSA); the algorithm from its {@code alg}, else the type's
     * default. Its {@code kid}, if any, is sent in the assertion header.
     *
     * @param jwkJson the JWK as JSON, private parts included
     * @return the key
     * @throws IllegalArgumentException when {@code jwkJson} is not a private EC P-256 or RSA JWK; the message never
     *                                  shows the key
     * @throws NullPointerException     when {@code jwkJson} is {@code null}
     */
    public static ClientAssertionKey fromJwk(String jwkJson) {
        return fromJwk(jwkJson, null);
    }

    /**
     * A private JWK with {@code algorithm}, which takes precedence over the JWK's own {@code alg}.
     *
     * @param jwkJson   the JWK as JSON, private parts included
     * @param algorithm the JWS algorithm, or null for the JWK's {@code alg} or the type's default
     * @return the key
     * @throws IllegalArgumentException when {@code jwkJson} is not a private JWK, or does not fit {@code algorithm}
     * @throws NullPointerException     when {@code jwkJson} is {@code null}
     */
    public static ClientAssertionKey fromJwk(String jwkJson, String algorithm) {
        Objects.requireNonNull(jwkJson, "jwkJson");
        JWK jwk;
        try {
            jwk = JWK.parse(jwkJson);
        } catch (ParseException e) {
            throw new IllegalArgumentException("not a JWK: " + e.getMessage().replaceAll("\"[^\"]{40,}\"", "\"…\""));
        }
        if (!jwk.isPrivate()) {
            throw new IllegalArgumentException("the JWK holds no private key");
        }
        PrivateKey key;
        try {
            if (jwk instanceof ECKey ec) {
                key = ec.toECPrivateKey();
            } else if (jwk instanceof RSAKey rsa) {
                key = rsa.toRSAPrivateKey();
            } else {
                throw new IllegalArgumentException("JWK key type " + jwk.getKeyType() + " is not EC or RSA");
            }
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the JWK private key cannot be read");
        }
        String alg = algorithm != null ? algorithm : jwk.getAlgorithm() == null ? null : jwk.getAlgorithm().getName();
        return of(key, alg, jwk.getKeyID());
    }

    private static ClientAssertionKey of(PrivateKey key, String algorithm, String keyId) {
        String alg = algorithm != null ? algorithm : key instanceof ECPrivateKey ? "ES256" : "RS256";
        if (!ALGORITHMS.contains(alg)) {
            throw new IllegalArgumentException("unsupported client assertion algorithm " + alg + "; use one of "
                    + ALGORITHMS);
        }
        if (alg.startsWith("ES")) {
            if (!(key instanceof ECPrivateKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256) {
                throw new IllegalArgumentException(alg + " needs an EC P-256 private key");
            }
        } else if (!(key instanceof RSAPrivateKey rsa) || rsa.getModulus().bitLength() < 2048) {
            throw new IllegalArgumentException(alg + " needs an RSA private key of at least 2048 bits");
        }
        return new ClientAssertionKey(key, alg, keyId);
    }

    /**
     * The JWS algorithm the assertions are signed with.
     *
     * @return {@code ES256}, {@code RS256} or {@code PS256}
     */
    public String algorithm() {
        return algorithm;
    }

    /**
     * The key id sent as {@code kid}, when the JWK had one.
     *
     * @return the key id, or empty (always empty for a PEM key)
     */
    public Optional<String> keyId() {
        return Optional.ofNullable(keyId);
    }

    PrivateKey privateKey() {
        return key;
    }

    @Override
    public String toString() {
        return "ClientAssertionKey[" + algorithm + (keyId == null ? "" : ", kid=" + keyId) + "]";
    }
}
