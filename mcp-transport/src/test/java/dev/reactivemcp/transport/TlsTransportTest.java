package dev.reactivemcp.transport;

import static dev.reactivemcp.transport.Clients.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.testsupport.TestPki;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.util.Base64;
import java.util.Map;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Publisher;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServerResponse;
import reactor.test.StepVerifier;

/**
 * MCP over HTTPS against a real TLS server on loopback whose certificates are made at test time: trust through the
 * builder's option and through the user's own {@link HttpClient}; untrusted certificates and wrong host names are
 * typed TLS connection failures, delivered (never a hang) and never retryable.
 */
class TlsTransportTest {

    private static final TestPki PKI = TestPki.create("reactive-mcp test CA");
    private static final TestPki.Identity LOOPBACK = PKI.issue("localhost", "127.0.0.1");

    @RegisterExtension
    final LoopbackMcp mcp = new LoopbackMcp();
    private McpClient client;

    /** A legacy MCP server: initialize, the initialized notification, an echo tool, DELETE. */
    static Publisher<Void> legacyServer(StreamingServer.Exchange ex, HttpServerResponse resp) {
        if ("initialize".equals(ex.rpcMethod())) {
            return StreamingServer.json(resp.header("Mcp-Session-Id", "s-1"),
                    ex.response(StreamingServer.initializeResult("2025-11-25")));
        }
        if ("tools/call".equals(ex.rpcMethod())) {
            return StreamingServer.json(resp, ex.response("{\"content\":[{\"type\":\"text\",\"text\":\"over tls\"}]}"));
        }
        return resp.status(202).send();
    }

    @Test
    void callsAToolOverHttpsTrustingTheBuildersCertificates() {
        try (StreamingServer server = StreamingServer.startTls(LOOPBACK, TlsTransportTest::legacyServer)) {
            client = mcp.client(Clients.legacy(server.uri()).tlsTrust(TlsTrust.certificates(PKI.root())));

            StepVerifier.create(client.connect().then(client.callTool("echo", Map.of())))
                    .assertNext(result -> assertThat(result.text()).isEqualTo("over tls"))
                    .verifyComplete();

            assertThat(server.exchanges()).extracting(StreamingServer.Exchange::rpcMethod)
                    .containsExactly("initialize", "notifications/initialized", "tools/call");
        }
    }

    @Test
    void trustsTheCertificatesOfAPemFile(@TempDir Path dir) throws IOException, CertificateEncodingException {
        Path pem = dir.resolve("ca.pem");
        Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(
                        PKI.root().getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        try (StreamingServer server = StreamingServer.startTls(LOOPBACK, TlsTransportTest::legacyServer)) {
            client = mcp.client(Clients.legacy(server.uri()).tlsTrust(TlsTrust.pemFile(pem)));

            StepVerifier.create(client.connect()).expectNextCount(1).verifyComplete();
            assertThat(TlsTrust.pemFile(pem)).hasToString("TlsTrust[1 certificate(s)]");
        }
    }

    @Test
    void callsAToolOverHttpsThroughTheUsersOwnHttpClient() throws SSLException {
        io.netty.handler.ssl.SslContext trusting = sslContextTrusting();
        HttpClient own = HttpClient.create().secure(spec -> spec.sslContext(trusting));
        try (StreamingServer server = StreamingServer.startTls(LOOPBACK, TlsTransportTest::legacyServer)) {
            client = mcp.client(Clients.legacy(server.uri()).httpClient(own));

            StepVerifier.create(client.connect().then(client.callTool("echo", Map.of())))
                    .assertNext(result -> assertThat(result.text()).isEqualTo("over tls"))
                    .verifyComplete();
            assertThat(server.exchanges()).extracting(StreamingServer.Exchange::rpcMethod).contains("tools/call");
        }
    }

    @Test
    void anUntrustedCertificateFailsConnectWithATypedTlsConnectionFailure() {
        try (StreamingServer server = StreamingServer.startTls(LOOPBACK, TlsTransportTest::legacyServer)) {
            client = mcp.client(Clients.legacy(server.uri())); // the JDK's trust store does not know the test CA

            StepVerifier.create(client.connect())
                    .expectErrorSatisfies(e -> {
                        assertTlsFailure(e);
                        assertThat(McpFailures.classify(e).describe()).contains("PKIX path building failed");
                    })
                    .verify();
            assertThat(server.exchanges()).as("no request got through").isEmpty();
        }
    }

    @Test
    void aCertificateForAnotherHostFailsWithATypedTlsConnectionFailure() {
        TestPki.Identity elsewhere = PKI.issue("mcp.other.example");
        try (StreamingServer server = StreamingServer.startTls(elsewhere, TlsTransportTest::legacyServer)) {
            client = mcp.client(Clients.legacy(server.uri()).tlsTrust(TlsTrust.certificates(PKI.root())));

            StepVerifier.create(client.connect())
                    .expectErrorSatisfies(e -> {
                        assertTlsFailure(e);
                        assertThat(McpFailures.classify(e).describe()).contains("No subject alternative names");
                    })
                    .verify();
            assertThat(server.exchanges()).isEmpty();
        }
    }

    @Test
    void aClientTrustingOnlyAnotherAuthorityFailsEvenWhenAnotherClientSharesThePool() {
        TestPki other = TestPki.create("another CA");
        try (StreamingServer server = StreamingServer.startTls(LOOPBACK, TlsTransportTest::legacyServer)) {
            McpClient trusted = Clients.legacy(server.uri()).tlsTrust(TlsTrust.certificates(PKI.root())).build();
            StepVerifier.create(trusted.connect()).expectNextCount(1).verifyComplete();

            client = mcp.client(Clients.legacy(server.uri()).tlsTrust(TlsTrust.certificates(other.root())));
            StepVerifier.create(client.connect())
                    .expectErrorSatisfies(TlsTransportTest::assertTlsFailure)
                    .verify();
            trusted.close().block(WAIT);
            assertThat(server.exchanges()).extracting(StreamingServer.Exchange::rpcMethod)
                    .containsOnlyOnce("initialize");
        }
    }

    @Test
    void aPlainHttpEndpointStaysPlainWhenATrustIsConfigured() {
        try (StreamingServer server = StreamingServer.start(TlsTransportTest::legacyServer)) {
            client = mcp.client(Clients.legacy(server.uri()).tlsTrust(TlsTrust.certificates(PKI.root())));

            StepVerifier.create(client.connect()).expectNextCount(1).verifyComplete();
            assertThat(server.exchanges()).isNotEmpty();
        }
    }

    static void assertTlsFailure(Throwable error) {
        McpFailure failure = McpFailures.classify(error);
        assertThat(failure).isInstanceOfSatisfying(McpFailure.ConnectionFailure.class,
                c -> assertThat(c.kind()).isEqualTo(McpFailure.ConnectionFailure.Kind.TLS));
        assertThat(failure.describe()).contains("TLS");
        assertThat(McpFailures.isRetryable(error)).as("a certificate problem does not heal by retrying").isFalse();
    }

    private static io.netty.handler.ssl.SslContext sslContextTrusting() throws SSLException {
        return SslContextBuilder.forClient().trustManager(PKI.root()).build();
    }
}

