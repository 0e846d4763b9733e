package dev.reactivemcp.benchmarks.driver;

import dev.reactivemcp.testsupport.TestPki;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Comparator;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;

/**
 * The TLS set-up of the HTTPS modes: a throwaway CA ({@link TestPki}, EC P-256) and a certificate for
 * {@code 127.0.0.1}/{@code localhost}, written as PEM files into a temporary directory the server reads
 * ({@code cert.pem}: leaf then root; {@code key.pem}: PKCS#8; {@code root.pem}), and the client contexts that
 * trust only that root. A and B get the <em>same</em> Netty {@link SslContext} object per wire (same trust, same
 * protocols, same session cache, so resumption behaves the same for both); C gets a JDK {@link SSLContext}.
 * Host names stay verified by every client (the certificate names the IP address).
 */
final class TlsSetup implements AutoCloseable {

    private final Path dir;
    private final X509Certificate root;
    private final SslContext http11;
    private final SslContext h2;
    private final SSLContext jdk;

    private TlsSetup(Path dir, X509Certificate root) {
        this.dir = dir;
        this.root = root;
        try {
            this.http11 = Http11SslContextSpec.forClient().configure(b -> b.trustManager(root)).sslContext();
            this.h2 = Http2SslContextSpec.forClient().configure(b -> b.trustManager(root)).sslContext();
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalStateException("cannot build the client TLS contexts: " + e.getMessage(), e);
        }
        this.jdk = jdkContext(root);
    }

    /** A new CA and server certificate, written to a new temporary directory (deleted by {@link #close()}). */
    static TlsSetup create() throws IOException {
        TestPki pki = TestPki.create("mcp-bench-root");
        TestPki.Identity server = pki.issue("127.0.0.1", "localhost");
        Path dir = Files.createTempDirectory("mcp-bench-tls");
        try {
            Files.writeString(dir.resolve("cert.pem"), pem("CERTIFICATE", server.certificate().getEncoded())
                    + pem("CERTIFICATE", pki.root().getEncoded()));
            Files.writeString(dir.resolve("key.pem"), pem("PRIVATE KEY", server.key().getEncoded()));
            Files.writeString(dir.resolve("root.pem"), pem("CERTIFICATE", pki.root().getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return new TlsSetup(dir, pki.root());
    }

    /** The client side only, from a root written by {@link #create()} (a child JVM of the handshake latency). */
    static TlsSetup trusting(Path rootPem) throws IOException {
        try (InputStream in = Files.newInputStream(rootPem)) {
            X509Certificate root = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return new TlsSetup(null, root);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The directory to give the server as {@code --tls=DIR}. */
    Path dir() {
        return dir;
    }

    Path rootPem() {
        return dir.resolve("root.pem");
    }

    /** {@code http} over {@code wire}: unchanged for plain HTTP; else TLS trusting the root, h2 first for H2. */
    HttpClient secure(HttpClient http, Wire wire) {
        return switch (wire) {
            case PLAIN -> http;
            case TLS -> http.secure(spec -> spec.sslContext(http11));
            case H2 -> http.protocol(HttpProtocol.H2, HttpProtocol.HTTP11).secure(spec -> spec.sslContext(h2));
        };
    }

    /** The JDK context for the official SDK's {@code java.net.http.HttpClient}. */
    SSLContext jdk() {
        return jdk;
    }

    private static SSLContext jdkContext(X509Certificate root) {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("mcp-bench-root", root);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    @Override
    public void close() {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind holds only a throwaway test key
        }
    }
}
