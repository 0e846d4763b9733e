package dev.reactivemcp.consumers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.oauth.AuthState;
import dev.reactivemcp.oauth.AuthorizationCodeSource;
import dev.reactivemcp.oauth.FileTokenStore;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.transport.CallToolResult;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.ProtocolNegotiation;
import dev.reactivemcp.transport.TlsTrust;
import io.netty.handler.ssl.SslContextBuilder;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The smoke test every consumer project runs, with only what the README tells users to declare: an MCP server and
 * its OAuth authorization server over HTTPS on loopback (a self-signed certificate made here), a login through
 * metadata discovery, registration, the authorization endpoint and the token endpoint, tokens saved in a
 * {@link FileTokenStore}, one tool call, and an untrusted server failing as a typed TLS failure.
 */
class HttpsSmokeTest {

    private static final String TOKEN = "smoke-access-token";
    private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();

    @Test
    void logsInOverHttpsSavesTheTokensAndCallsATool(@TempDir Path dir) throws Exception {
        KeyPair keys = keys();
        X509Certificate cert = selfSigned(keys);
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(0)
                .secure(spec -> spec.sslContext(forServer(keys, cert)))
                .handle(this::handle).bindNow();
        Path tokens = dir.resolve("tokens.json");
        URI uri = URI.create("https://127.0.0.1:" + server.port() + "/mcp");
        TlsTrust trust = TlsTrust.certificates(cert);
        printVersions();
        try {
            McpOAuth oauth = McpOAuth.builder().tokenStore(FileTokenStore.at(tokens)).tlsTrust(trust)
                    .codeSource(AuthorizationCodeSource.headless("http://localhost:3000/callback",
                            Duration.ofSeconds(30), trust))
                    .build();
            McpClient client = McpClient.builder(uri).negotiation(ProtocolNegotiation.legacyOnly())
                    .listeningStream(false).tlsTrust(trust).filter(oauth.filterFor(uri)).build();

            CallToolResult result = client.connect().then(client.callTool("echo", Map.of("message", "hi")))
                    .block(Duration.ofSeconds(60));
            client.close().block(Duration.ofSeconds(30));

            assertEquals("smoke over https", result.text());
            assertEquals(1, count("POST /token"), "one token request, counted by the server");
            assertEquals(1, count("POST /register"));
            assertTrue(Files.readString(tokens).contains("\"accessToken\""), "the token file holds the tokens");
            McpOAuth reopened = McpOAuth.builder().tokenStore(FileTokenStore.at(tokens)).tlsTrust(trust).build();
            assertEquals(AuthState.OAUTH, reopened.storedAuthState(uri).block(Duration.ofSeconds(10)));

            McpClient untrusting = McpClient.builder(uri).negotiation(ProtocolNegotiation.legacyOnly())
                    .listeningStream(false).build();
            Throwable error = untrusting.connect().then(Mono.<Throwable>empty()).onErrorResume(Mono::just)
                    .block(Duration.ofSeconds(30));
            McpFailure failure = McpFailures.classify(error);
            assertTrue(failure instanceof McpFailure.ConnectionFailure c
                    && c.kind() == McpFailure.ConnectionFailure.Kind.TLS, "a TLS failure: " + failure);
            System.out.println("untrusted server: " + failure.describe());
        } finally {
            server.disposeNow();
        }
    }

    int count(String key) {
        AtomicInteger n = seen.get(key);
        return n == null ? 0 : n.get();
    }

    Publisher<Void> handle(HttpServerRequest req, HttpServerResponse resp) {
        String path = req.fullPath();
        seen.computeIfAbsent(req.method().name() + " " + path, k -> new AtomicInteger()).incrementAndGet();
        String base = "https://" + req.requestHeaders().get("Host");
        return req.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                .flatMap(body -> Mono.from(route(req, resp, path, body, base)));
    }

    private Publisher<Void> route(HttpServerRequest req, HttpServerResponse resp, String path, String body,
                                  String base) {
        switch (path) {
            case "/.well-known/oauth-protected-resource/mcp":
                return json(resp, 200, "{\"resource\":\"" + base + "/mcp\",\"authorization_servers\":[\"" + base
                        + "\"]}");
            case "/.well-known/oauth-authorization-server":
                return json(resp, 200, "{\"issuer\":\"" + base + "\",\"authorization_endpoint\":\"" + base
                        + "/authorize\",\"token_endpoint\":\"" + base + "/token\",\"registration_endpoint\":\""
                        + base + "/register\",\"response_types_supported\":[\"code\"],"
                        + "\"code_challenge_methods_supported\":[\"S256\"],"
                        + "\"authorization_response_iss_parameter_supported\":true,"
                        + "\"token_endpoint_auth_methods_supported\":[\"none\"]}");
            case "/register":
                return json(resp, 201, "{\"client_id\":\"smoke-client\","
                        + "\"redirect_uris\":[\"http://localhost:3000/callback\"]}");
            case "/authorize": {
                Map<String, String> q = form(req.uri().substring(req.uri().indexOf('?') + 1));
                return resp.status(302).header("Location", q.get("redirect_uri") + "?code=smoke-code&state="
                        + enc(q.get("state")) + "&iss=" + enc(base)).send();
            }
            case "/token":
                return json(resp, 200, "{\"access_token\":\"" + TOKEN + "\",\"token_type\":\"Bearer\","
                        + "\"expires_in\":3600,\"refresh_token\":\"smoke-refresh-token\"}");
            case "/mcp":
                return mcp(req, resp, body, base);
            default:
                return resp.status(404).send();
        }
    }

    private static Publisher<Void> mcp(HttpServerRequest req, HttpServerResponse resp, String body, String base) {
        if (!("Bearer " + TOKEN).equals(req.requestHeaders().get("Authorization"))) {
            return resp.status(401).header("WWW-Authenticate", "Bearer resource_metadata=\"" + base
                    + "/.well-known/oauth-protected-resource/mcp\"").send();
        }
        Matcher id = Pattern.compile("\"id\"\\s*:\\s*(\\d+|\"[^\"]*\")").matcher(body);
        if (!id.find()) {
            return resp.status(202).send();
        }
        if (body.contains("\"initialize\"")) {
            return json(resp.header("Mcp-Session-Id", "smoke"), 200, "{\"jsonrpc\":\"2.0\",\"id\":" + id.group(1)
                    + ",\"result\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"tools\":{}},"
                    + "\"serverInfo\":{\"name\":\"smoke\",\"version\":\"1\"}}}");
        }
        return json(resp, 200, "{\"jsonrpc\":\"2.0\",\"id\":" + id.group(1)
                + ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"smoke over https\"}]}}");
    }

    private static Publisher<Void> json(HttpServerResponse resp, int status, String body) {
        return resp.status(status).header("Content-Type", "application/json").sendString(Mono.just(body));
    }

    private static Map<String, String> form(String query) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static KeyPair keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    /** A self-signed certificate for 127.0.0.1 (IP subject alternative name), valid around now. */
    static X509Certificate selfSigned(KeyPair keys) throws Exception {
        X500Name name = new X500Name("CN=127.0.0.1");
        Instant now = Instant.now(); // the TLS stack checks validity against the wall clock
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), name,
                keys.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    }

    static io.netty.handler.ssl.SslContext forServer(KeyPair keys, X509Certificate cert) {
        try {
            return SslContextBuilder.forServer(keys.getPrivate(), cert).build();
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the consumer's dependency management resolved, for the log. */
    private static void printVersions() {
        System.out.println("netty " + io.netty.util.Version.identify().values().stream()
                .filter(v -> v.artifactId().equals("netty-common")).map(v -> v.artifactVersion()).findFirst()
                .orElse("?") + ", reactor-core " + version(reactor.core.publisher.Flux.class) + ", reactor-netty "
                + version(reactor.netty.http.client.HttpClient.class));
    }

    private static String version(Class<?> type) {
        String v = type.getPackage().getImplementationVersion();
        return v == null ? "?" : v;
    }
}
