package dev.reactivemcp.transport;

import static dev.reactivemcp.transport.Clients.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.testsupport.TestPki;
import dev.reactivemcp.transport.internal.Json;
import dev.reactivemcp.transport.internal.JsonCodec;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * HTTP/2 over TLS is not the SDK's default (HTTP/1.1); it works when the user's own client offers it through ALPN.
 * {@code -Dtls.measure=true} runs a loopback comparison of the two and prints calls per second.
 */
class Http2OverTlsTest {

    private static final TestPki PKI = TestPki.create("h2 test CA");
    private static final TestPki.Identity LOOPBACK = PKI.issue("127.0.0.1");

    private final Set<String> protocols = ConcurrentHashMap.newKeySet();
    private DisposableServer server;

    @BeforeEach
    void startServer() {
        server = server();
    }

    @AfterEach
    void stopServer() {
        server.disposeNow();
    }

    private java.net.URI endpoint() {
        return java.net.URI.create("https://127.0.0.1:" + server.port() + "/mcp");
    }

    private DisposableServer server() {
        return HttpServer.create().host("127.0.0.1").port(0)
                .protocol(HttpProtocol.H2, HttpProtocol.HTTP11)
                .secure(spec -> spec.sslContext(Http2SslContextSpec.forServer(LOOPBACK.key(), LOOPBACK.certificate(),
                        LOOPBACK.root())))
                .handle(this::handle)
                .bindNow();
    }

    private Publisher<Void> handle(HttpServerRequest req, HttpServerResponse resp) {
        protocols.add(req.protocol());
        return req.receive().aggregate().asByteArray().flatMap(body -> {
            Map<String, Object> rpc = Json.asObject(JsonCodec.get().read(body, "request"));
            Object id = rpc.get("id");
            if (id == null) {
                return resp.status(202).send().then();
            }
            Object result = "initialize".equals(rpc.get("method"))
                    ? JsonCodec.get().read(MockMcpServer.initializeResult("2025-11-25"), "init")
                    : Map.of("content", java.util.List.of(Map.of("type", "text", "text", "ok")));
            return resp.header("Content-Type", "application/json")
                    .sendByteArray(Mono.just(JsonCodec.get().write(Map.of("jsonrpc", "2.0", "id", id,
                            "result", result)))).then();
        });
    }

    private static HttpClient h2Client() {
        return HttpClient.create().protocol(HttpProtocol.H2, HttpProtocol.HTTP11)
                .secure(spec -> spec.sslContext(Http2SslContextSpec.forClient()
                        .configure(b -> b.trustManager(PKI.root()))));
    }

    private static HttpClient h1Client() {
        return HttpClient.create().secure(spec -> spec.sslContext(Http11SslContextSpec.forClient()
                .configure(b -> b.trustManager(PKI.root()))));
    }

    @Test
    void callsAToolOverHttp2WhenTheUsersClientOffersIt() {
        assertCallsAToolOver("HTTP/2.0", Clients.legacy(endpoint()).httpClient(h2Client()));
    }

    @Test
    void keepsOfferingHttp2WhenTheTrustIsGivenToTheBuilder() {
        HttpClient offersH2 = HttpClient.create().protocol(HttpProtocol.H2, HttpProtocol.HTTP11);
        assertCallsAToolOver("HTTP/2.0", Clients.legacy(endpoint()).httpClient(offersH2)
                .tlsTrust(TlsTrust.certificates(PKI.root())));
    }

    @Test
    void staysOnHttp11WhenTheUsersClientDoesNotOfferHttp2() {
        assertCallsAToolOver("HTTP/1.1", Clients.legacy(endpoint()).httpClient(HttpClient.create())
                .tlsTrust(TlsTrust.certificates(PKI.root())));
    }

    /** Connects the client {@code builder} builds, calls a tool, and checks every request arrived on {@code protocol}. */
    private void assertCallsAToolOver(String protocol, McpClient.Builder builder) {
        McpClient client = builder.build();
        try {
            CallToolResult result = client.connect().then(client.callTool("echo", Map.of())).block(WAIT);

            assertThat(result.text()).isEqualTo("ok");
            assertThat(protocols).containsExactly(protocol);
        } finally {
            client.close().block(WAIT);
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "tls.measure", matches = "true")
    void measuresHttp1AgainstHttp2OverTls() {
        for (int round = 0; round < 3; round++) {
            for (String mode : new String[] {"HTTP/1.1", "HTTP/2"}) {
                HttpClient http = mode.equals("HTTP/2") ? h2Client() : h1Client();
                for (int callers : new int[] {1, 16, 64}) {
                    System.out.printf("round %d %s callers %d: %.0f calls/s%n", round, mode, callers,
                            rate(server, http, callers));
                }
            }
        }
    }

    private static double rate(DisposableServer server, HttpClient http, int callers) {
        McpClient client = Clients.legacy(java.net.URI.create("https://127.0.0.1:" + server.port() + "/mcp"))
                .httpClient(http).build();
        try {
            client.connect().block(WAIT);
            int warmup = 500;
            int calls = 3000;
            Flux.range(0, warmup).flatMap(i -> client.callTool("echo", Map.of()), callers).blockLast(WAIT);
            long start = System.nanoTime();
            Flux.range(0, calls).flatMap(i -> client.callTool("echo", Map.of()), callers)
                    .blockLast(java.time.Duration.ofMinutes(5));
            return calls / ((System.nanoTime() - start) / 1e9);
        } finally {
            client.close().block(WAIT);
        }
    }
}
