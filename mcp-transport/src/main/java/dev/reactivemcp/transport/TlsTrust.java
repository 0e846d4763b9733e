package dev.reactivemcp.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.TrustManagerFactory;

/**
 * Which certificate authorities an HTTPS connection trusts: the JDK's default trust store, or roots you name (a
 * private CA, a self-signed development server). Host names are always verified (RFC 9110 section 4.3.4, RFC 6125);
 * trust decides only whose signatures count. Immutable.
 *
 * <pre>{@code
 * TlsTrust trust = TlsTrust.pemFile(Path.of("/etc/my-app/internal-ca.pem"));
 * McpClient client = McpClient.builder(URI.create("https://mcp.internal/mcp")).tlsTrust(trust).build();
 * McpOAuth oauth = McpOAuth.builder().tlsTrust(trust).build();   // discovery, registration, tokens
 * }</pre>
 *
 * A handshake that fails (an untrusted certificate, a name that does not match) is a
 * {@code McpFailure.ConnectionFailure} of kind {@code TLS}, never retried by {@code McpFailures::isRetryable}.
 */
public final class TlsTrust {

    private static final TlsTrust SYSTEM = new TlsTrust(null, "system default");

    private final TrustManagerFactory factory;
    private final String description;

    private TlsTrust(TrustManagerFactory factory, String description) {
        this.factory = factory;
        this.description = description;
    }

    /**
     * The JDK's default trust store ({@code cacerts}, or {@code javax.net.ssl.trustStore}); the default.
     *
     * @return the shared system-default instance
     */
    public static TlsTrust systemDefault() {
        return SYSTEM;
    }

    /**
     * Trusts exactly these root (or self-signed) certificates, and no others.
     *
     * @param roots the trusted certificates; at least one, none {@code null}
     * @return the trust
     * @throws IllegalArgumentException when no certificate is given or no trust store can be built from them
     * @throws NullPointerException     when {@code roots} or one of them is {@code null}
     */
    public static TlsTrust certificates(X509Certificate... roots) {
        return certificates(List.of(roots));
    }

    /**
     * Trusts exactly these root (or self-signed) certificates, and no others.
     *
     * @param roots the trusted certificates (copied); at least one, none {@code null}
     * @return the trust
     * @throws IllegalArgumentException when no certificate is given or no trust store can be built from them
     * @throws NullPointerException     when {@code roots} or one of them is {@code null}
     */
    public static TlsTrust certificates(Collection<X509Certificate> roots) {
        List<X509Certificate> copy = List.copyOf(roots);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("at least one trusted certificate is needed");
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < copy.size(); i++) {
                store.setCertificateEntry("trusted-" + i, copy.get(i));
            }
            return new TlsTrust(factoryFor(store), copy.size() + " certificate(s)");
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot build a trust store from the certificates: " + e, e);
        }
    }

    /**
     * Trusts the certificates of a PEM file (one or more {@code -----BEGIN CERTIFICATE-----} blocks).
     *
     * @param pem the file, read once now (blocking I/O: call it at startup, not on an event loop)
     * @return the trust
     * @throws java.io.UncheckedIOException when the file cannot be read
     * @throws IllegalArgumentException     when the file holds no certificate or is not a PEM certificate file
     */
    public static TlsTrust pemFile(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            List<X509Certificate> certs = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certs.add((X509Certificate) c);
            }
            return certificates(certs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pem, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a PEM certificate file: " + pem, e);
        }
    }

    /**
     * Trusts the certificate entries of a loaded key store (for example a PKCS#12 trust store).
     *
     * @param trustStore the loaded key store; not {@code null}
     * @return the trust
     * @throws NullPointerException     when {@code trustStore} is {@code null}
     * @throws IllegalArgumentException when the key store cannot initialise a trust manager
     */
    public static TlsTrust keyStore(KeyStore trustStore) {
        Objects.requireNonNull(trustStore, "trustStore");
        try {
            return new TlsTrust(factoryFor(trustStore), "key store");
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use the key store as a trust store: " + e, e);
        }
    }

    /**
     * Trusts what an initialised {@link TrustManagerFactory} trusts (custom revocation checks, pinning...).
     *
     * @param factory an initialised factory; not {@code null}
     * @return the trust
     * @throws NullPointerException when {@code factory} is {@code null}
     */
    public static TlsTrust trustManagerFactory(TrustManagerFactory factory) {
        return new TlsTrust(Objects.requireNonNull(factory, "factory"), "trust manager factory");
    }

    /**
     * The trust managers' factory, or {@code null} for {@link #systemDefault()}.
     *
     * @return the initialised factory, or {@code null} for the system default
     */
    public TrustManagerFactory factory() {
        return factory;
    }

    /**
     * Whether this is {@link #systemDefault()}.
     *
     * @return {@code true} for the JDK's default trust store
     */
    public boolean isSystemDefault() {
        return factory == null;
    }

    private static TrustManagerFactory factoryFor(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(store);
        return f;
    }

    @Override
    public String toString() {
        return "TlsTrust[" + description + "]";
    }
}
