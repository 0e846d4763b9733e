package dev.reactivemcp.testsupport;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority made at test time (EC P-256, BouncyCastle): a self-signed root and server
 * certificates it signs for the names given (DNS names, or IP literals as IP subject alternative names).
 */
public final class TestPki {

    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    private final KeyPair caKeys;
    private final X509Certificate root;

    /** A server's key and certificate chain (leaf first). */
    public record Identity(PrivateKey key, X509Certificate certificate, X509Certificate root) {
        /** A Netty server context presenting this identity. */
        public SslContext serverContext() {
            try {
                return SslContextBuilder.forServer(key, certificate, root).build();
            } catch (SSLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private TestPki(String name) {
        this.caKeys = keys();
        X500Name subject = new X500Name("CN=" + name);
        this.root = sign(new JcaX509v3CertificateBuilder(subject, serial(), notBefore(), notAfter(), subject,
                caKeys.getPublic()), true, new String[0]);
    }

    /** A new authority named {@code name}. */
    public static TestPki create(String name) {
        return new TestPki(name);
    }

    /** The authority's self-signed root certificate (what a client trusts). */
    public X509Certificate root() {
        return root;
    }

    /** A server identity for {@code names} ({@code localhost}, {@code 127.0.0.1}, ...) signed by this authority. */
    public Identity issue(String... names) {
        KeyPair keys = keys();
        X500Name issuer = new X500Name(root.getSubjectX500Principal().getName());
        X509Certificate leaf = sign(new JcaX509v3CertificateBuilder(issuer, serial(), notBefore(), notAfter(),
                new X500Name("CN=" + names[0]), keys.getPublic()), false, names);
        return new Identity(keys.getPrivate(), leaf, root);
    }

    private X509Certificate sign(X509v3CertificateBuilder builder, boolean ca, String[] names) {
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(ca
                    ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                    : KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            if (names.length > 0) {
                GeneralName[] alt = new GeneralName[names.length];
                for (int i = 0; i < names.length; i++) {
                    boolean ip = names[i].matches("[0-9.]+") || names[i].contains(":");
                    alt[i] = new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, names[i]);
                }
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alt));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keys() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static Date notBefore() {
        return Date.from(Instant.now().minus(Duration.ofHours(1)));
    }

    private static Date notAfter() {
        return Date.from(Instant.now().plus(Duration.ofDays(1)));
    }
}
