package dev.reactivemcp.oauth.internal.flow;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Signs {@code private_key_jwt} client assertions (RFC 7523 sections 2.2 and 3): {@code iss} = {@code sub} = the
 * client id, {@code aud} = the authorization server's issuer, {@code iat} now, {@code exp} a short lifetime later,
 * and a {@code jti} of 256 random bits, never repeated. Signing draws from a generator seeded up front, so it
 * touches no entropy device on an event loop.
 */
public final class ClientAssertionSigner {

    /** {@code client_assertion_type} for a JWT (RFC 7523 section 2.2). */
    public static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private final String clientId;
    private final JWSSigner signer;
    private final JWSAlgorithm algorithm;
    private final String keyId;
    private final Duration lifetime;
    private final Clock clock;
    private final Secrets secrets = new Secrets();

    /** A signer for {@code clientId} with {@code key} ({@code ES256}, {@code RS256} or {@code PS256}). */
    public ClientAssertionSigner(String clientId, PrivateKey key, String algorithm, String keyId, Duration lifetime,
                                 Clock clock) {
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.algorithm = JWSAlgorithm.parse(Objects.requireNonNull(algorithm, "algorithm"));
        this.keyId = keyId;
        this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
        this.clock = Objects.requireNonNull(clock, "clock");
        try {
            this.signer = key instanceof ECPrivateKey ec ? new ECDSASigner(ec) : new RSASSASigner(key);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the client assertion key cannot sign " + algorithm);
        }
        this.signer.getJCAContext().setSecureRandom(secrets.random());
    }

    /** The client id assertions are issued for. */
    public String clientId() {
        return clientId;
    }

    /**
     * A fresh assertion for the authorization server {@code issuer}, signed off the event loop: the JDK's RSA
     * blinding and PSS salt draw from the default (file-backed) generator whatever random the signer is given.
     */
    Mono<String> assertion(String issuer) {
        return Mono.fromCallable(() -> sign(issuer)).subscribeOn(Schedulers.boundedElastic());
    }

    /** A fresh assertion for the authorization server {@code issuer}; may block briefly (see {@link #assertion}). */
    String sign(String issuer) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(clientId)
                .subject(clientId)
                .audience(issuer)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(secrets.next())
                .build();
        JWSHeader header = new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).keyID(keyId).build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw FlowErrors.protocol("signing the client assertion failed (" + algorithm + ")");
        }
        return jwt.serialize();
    }

    @Override
    public String toString() {
        return "ClientAssertionSigner[" + clientId + ", " + algorithm + "]";
    }
}
