package dev.reactivemcp.oauth.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.oauth.AuthorizationCodeSource;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.testsupport.TestPki;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.ProtocolNegotiation;
import dev.reactivemcp.transport.TlsTrust;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

/**
 * A whole OAuth login over HTTPS on loopback: the MCP endpoint, RFC 9728 and RFC 8414 metadata, registration, the
 * authorization endpoint and the token endpoint all behind TLS with certificates made at test time. When one step
 * lands on a server whose certificate is not trusted or names another host, the call fails with a typed TLS
 * connection failure long before the flow's own deadline (set to 5 minutes here), and that server sees nothing.
 */
class TlsOAuthFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String REDIRECT = "http://localhost:3000/callback";
    private static final TestPki PKI = TestPki.create("oauth test CA");
    private static final TestPki STRANGER = TestPki.create("a CA nobody trusts");
    private static final TlsTrust TRUST = TlsTrust.certificates(PKI.root());

    private final TlsAuthServer server = new TlsAuthServer(PKI.issue("127.0.0.1"));
    private TlsAuthServer other;
    private McpClient client;
    private McpOAuth oauth;

    @AfterEach
    void cleanUp() {
        if (client != null) {
            client.close().onErrorResume(e -> Mono.empty()).block(WAIT);
        }
        if (oauth != null) {
            oauth.dispose();
        }
        server.close();
        if (other != null) {
            other.close();
        }
    }

    private McpClient client(Consumer<McpOAuth.Builder> oauthSettings, Consumer<McpClient.Builder> clientSettings) {
        McpOAuth.Builder ob = McpOAuth.builder().requestTimeout(Duration.ofMinutes(5))
                .codeSource(AuthorizationCodeSource.headless(REDIRECT, Duration.ofMinutes(5), TRUST));
        oauthSettings.accept(ob);
        oauth = ob.build();
        URI uri = URI.create(server.mcp());
        McpClient.Builder cb = McpClient.builder(uri).negotiation(ProtocolNegotiation.legacyOnly())
                .listeningStream(false).filter(oauth.filterFor(uri));
        clientSettings.accept(cb);
        client = cb.build();
        return client;
    }

    @Test
    void logsInAndCallsAToolWithEveryStepOverHttps() {
        client(o -> o.tlsTrust(TRUST), c -> c.tlsTrust(TRUST));

        StepVerifier.create(client.connect().then(client.callTool("echo", Map.of())))
                .assertNext(result -> assertThat(result.text()).isEqualTo("authorized over tls"))
                .verifyComplete();

        assertThat(server.count("GET /.well-known/oauth-protected-resource/mcp")).isEqualTo(1);
        assertThat(server.count("GET /.well-known/oauth-authorization-server")).isEqualTo(1);
        assertThat(server.count("POST /register")).isEqualTo(1);
        assertThat(server.count("GET /authorize")).isEqualTo(1);
        assertThat(server.count("POST /token")).isEqualTo(1);
    }

    @Test
    void logsInOverHttpsThroughTheUsersOwnHttpClients() throws SSLException {
        SslContext trusting = SslContextBuilder.forClient().trustManager(PKI.root()).build();
        HttpClient own = HttpClient.create().secure(spec -> spec.sslContext(trusting));
        client(o -> o.httpClient(own), c -> c.httpClient(own));

        StepVerifier.create(client.connect().then(client.callTool("echo", Map.of())))
                .assertNext(result -> assertThat(result.text()).isEqualTo("authorized over tls"))
                .verifyComplete();
        assertThat(server.count("POST /token")).isEqualTo(1);
    }

    @Test
    void withoutTrustInTheAuthorizationServerTheLoginFailsWithATypedTlsFailure() {
        client(o -> { }, c -> c.tlsTrust(TRUST)); // the MCP server is trusted, the OAuth client trusts the JDK's CAs

        StepVerifier.create(client.connect())
                .expectErrorSatisfies(e -> assertTls(e, "/.well-known/oauth-protected-resource/mcp", "PKIX"))
                .verify(WAIT);
        assertThat(server.count("GET /.well-known/oauth-protected-resource/mcp")).isZero();
        assertThat(server.count("POST /token")).isZero();
    }

    @Test
    void authorizationServerMetadataOnAnUntrustedServerFailsTheLoginWithATypedTlsFailure() {
        other = new TlsAuthServer(STRANGER.issue("127.0.0.1"));
        server.issuer = other.base();
        client(o -> o.tlsTrust(TRUST), c -> c.tlsTrust(TRUST));

        StepVerifier.create(client.connect())
                .expectErrorSatisfies(e -> assertTls(e,
                        "GET " + other.base() + "/.well-known/oauth-authorization-server", "PKIX path building failed"))
                .verify(WAIT);
        assertThat(server.count("GET /.well-known/oauth-protected-resource/mcp")).isEqualTo(1);
        assertThat(other.total()).as("the untrusted server never saw a request").isZero();
        assertThat(server.count("POST /token")).isZero();
    }

    @Test
    void aRegistrationEndpointWhoseCertificateNamesAnotherHostFailsTheLoginWithATypedTlsFailure() {
        other = new TlsAuthServer(PKI.issue("as.other.example"));
        server.endpointBase.put("register", other.base());
        client(o -> o.tlsTrust(TRUST), c -> c.tlsTrust(TRUST));

        StepVerifier.create(client.connect())
                .expectErrorSatisfies(e -> assertTls(e, "POST " + other.base() + "/register",
                        "No subject alternative names"))
                .verify(WAIT);
        assertThat(server.count("GET /.well-known/oauth-authorization-server")).isEqualTo(1);
        assertThat(other.total()).isZero();
        assertThat(server.count("POST /token")).isZero();
    }

    @Test
    void anUntrustedTokenEndpointFailsTheLoginWithATypedTlsFailure() {
        other = new TlsAuthServer(STRANGER.issue("127.0.0.1"));
        server.endpointBase.put("token", other.base());
        client(o -> o.tlsTrust(TRUST), c -> c.tlsTrust(TRUST));

        StepVerifier.create(client.connect())
                .expectErrorSatisfies(e -> assertTls(e, "POST " + other.base() + "/token", "PKIX path building failed"))
                .verify(WAIT);
        assertThat(server.count("GET /authorize")).isEqualTo(1);
        assertThat(other.total()).isZero();
    }

    /** A TLS connection failure whose description names the request that failed and the handshake's reason. */
    static void assertTls(Throwable error, String request, String reason) {
        McpFailure failure = McpFailures.classify(error);
        assertThat(failure.describe()).as("%s", error).contains(request, reason);
        assertThat(failure).as("%s", error).isInstanceOfSatisfying(McpFailure.ConnectionFailure.class,
                c -> assertThat(c.kind()).isEqualTo(McpFailure.ConnectionFailure.Kind.TLS));
        assertThat(failure.describe()).contains("TLS");
        assertThat(error.toString()).doesNotContain("tls-access-token-1", "tls-code");
    }
}
