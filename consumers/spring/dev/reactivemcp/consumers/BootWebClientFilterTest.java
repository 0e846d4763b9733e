package dev.reactivemcp.consumers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reactivemcp.oauth.AuthorizationCodeSource;
import dev.reactivemcp.oauth.FileTokenStore;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.observation.McpObservation;
import dev.reactivemcp.spring.webflux.McpOAuthExchangeFilter;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.ProtocolNegotiation;
import dev.reactivemcp.transport.TlsTrust;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Publisher;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * mcp-spring-webflux and mcp-observation as a Spring Boot service meets them: Boot's own {@code WebClient.Builder}
 * with {@link McpOAuthExchangeFilter}, Boot's own {@link ObservationRegistry} with {@link McpObservation}, against an
 * MCP server, its REST API and its authorization server over HTTPS on loopback. The server counts what it receives.
 */
class BootWebClientFilterTest {

    private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
    private final AtomicInteger issued = new AtomicInteger();
    private volatile String validToken = "none";

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class Service { }

    @Test
    void bootsWebClientCarriesTheTokenRenewsItOnceAfterA401AndBootsRegistryObservesTheCalls(@TempDir Path dir)
            throws Exception {
        KeyPair keys = HttpsSmokeTest.keys();
        X509Certificate cert = HttpsSmokeTest.selfSigned(keys);
        DisposableServer server = HttpServer.create().host("127.0.0.1").port(0)
                .secure(spec -> spec.sslContext(HttpsSmokeTest.forServer(keys, cert)))
                .handle(this::handle).bindNow();
        String base = "https://127.0.0.1:" + server.port();
        URI uri = URI.create(base + "/mcp");
        TlsTrust trust = TlsTrust.certificates(cert);
        ConfigurableApplicationContext boot = new SpringApplicationBuilder(Service.class)
                .web(WebApplicationType.NONE).run("--spring.main.banner-mode=off");
        try {
            ObservationRegistry registry = boot.getBean(ObservationRegistry.class);
            List<String> observed = new CopyOnWriteArrayList<>();
            registry.observationConfig().observationHandler(new ObservationHandler<Observation.Context>() {
                @Override
                public void onStop(Observation.Context context) {
                    observed.add(context.getName() + " " + context.getLowCardinalityKeyValues().stream()
                            .filter(kv -> kv.getKey().equals("mcp.tool.name") || kv.getKey().equals("mcp.outcome"))
                            .map(kv -> kv.getKey() + "=" + kv.getValue()).sorted().toList());
                }

                @Override
                public boolean supportsContext(Observation.Context context) {
                    return true;
                }
            });
            McpOAuth oauth = McpOAuth.builder().tokenStore(FileTokenStore.at(dir.resolve("tokens.json")))
                    .tlsTrust(trust).codeSource(AuthorizationCodeSource.headless("http://localhost:3000/callback",
                            Duration.ofSeconds(30), trust))
                    .build();
            McpClient client = McpClient.builder(uri).negotiation(ProtocolNegotiation.legacyOnly())
                    .listeningStream(false).tlsTrust(trust).filter(oauth.filterFor(uri))
                    .callListener(McpObservation.calls(registry)).build();
            WebClient web = boot.getBean(WebClient.Builder.class).baseUrl(base)
                    .clientConnector(new ReactorClientHttpConnector(HttpClient.create()
                            .secure(s -> s.sslContext(Http11SslContextSpec.forClient().configure(b -> b.trustManager(cert))))))
                    .filter(McpOAuthExchangeFilter.of(oauth, uri))
                    .build();

            String tool = client.connect().then(client.callTool("echo", Map.of("message", "hi")))
                    .block(Duration.ofSeconds(60)).text();
            String first = web.get().uri("/api/reports").retrieve().bodyToMono(String.class)
                    .block(Duration.ofSeconds(30));
            validToken = "none"; // the server revokes the token: the next request gets a 401
            String renewed = web.get().uri("/api/reports").retrieve().bodyToMono(String.class)
                    .block(Duration.ofSeconds(30));
            String again = client.callTool("echo", Map.of("message", "hi")).block(Duration.ofSeconds(30)).text();
            client.close().block(Duration.ofSeconds(30));
            oauth.shutdown().block(Duration.ofSeconds(30));

            assertEquals("echo by access-1", tool);
            assertEquals("report for access-1", first, "the WebClient carries the McpClient's token");
            assertEquals("report for access-2", renewed, "a 401 is renewed once and the request replayed");
            assertEquals("echo by access-2", again, "one engine: the McpClient uses the token the WebClient renewed");
            assertEquals(1, count("grant authorization_code"), "one login");
            assertEquals(1, count("grant refresh_token"), "one refresh, for the 401");
            assertEquals(3, count("GET /api/reports"), "two requests and one replay, counted by the server");
            assertEquals(1, count("401 /api/reports"));
            assertTrue(observed.contains("mcp.client.call [mcp.outcome=success, mcp.tool.name=echo]"),
                    "Boot's registry saw the tool call: " + observed);
            assertEquals(2, observed.stream().filter(o -> o.startsWith("mcp.client.call ")
                    && o.contains("mcp.tool.name=echo")).count(), "one observation per call: " + observed);
            assertTrue(observed.stream().anyMatch(o -> o.startsWith("mcp.client.handshake ")), observed::toString);
            System.out.println("spring " + WebClient.class.getPackage().getImplementationVersion() + ", boot "
                    + SpringApplicationBuilder.class.getPackage().getImplementationVersion() + ", observed "
                    + observed.size());
        } finally {
            boot.close();
            server.disposeNow();
        }
    }

    private int count(String key) {
        AtomicInteger n = seen.get(key);
        return n == null ? 0 : n.get();
    }

    private void see(String key) {
        seen.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    private Publisher<Void> handle(HttpServerRequest req, HttpServerResponse resp) {
        String path = req.fullPath();
        see(req.method().name() + " " + path);
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
                return json(resp, 201, "{\"client_id\":\"boot-client\","
                        + "\"redirect_uris\":[\"http://localhost:3000/callback\"]}");
            case "/authorize": {
                Map<String, String> q = form(req.uri().substring(req.uri().indexOf('?') + 1));
                return resp.status(302).header("Location", q.get("redirect_uri") + "?code=boot-code&state="
                        + enc(q.get("state")) + "&iss=" + enc(base)).send();
            }
            case "/token": {
                see("grant " + form(body).get("grant_type"));
                int n = issued.incrementAndGet();
                validToken = "access-" + n;
                return json(resp, 200, "{\"access_token\":\"access-" + n + "\",\"token_type\":\"Bearer\","
                        + "\"expires_in\":3600,\"refresh_token\":\"refresh-" + n + "\"}");
            }
            case "/api/reports":
                if (!authorized(req)) {
                    see("401 " + path);
                    return unauthorized(resp, base);
                }
                return resp.status(200).header("Content-Type", "text/plain")
                        .sendString(Mono.just("report for " + validToken));
            case "/mcp":
                return authorized(req) ? mcp(resp, body) : unauthorized(resp, base);
            default:
                return resp.status(404).send();
        }
    }

    private boolean authorized(HttpServerRequest req) {
        return ("Bearer " + validToken).equals(req.requestHeaders().get("Authorization"));
    }

    private static Publisher<Void> unauthorized(HttpServerResponse resp, String base) {
        return resp.status(401).header("WWW-Authenticate", "Bearer error=\"invalid_token\", resource_metadata=\""
                + base + "/.well-known/oauth-protected-resource/mcp\"").send();
    }

    private Publisher<Void> mcp(HttpServerResponse resp, String body) {
        Matcher id = Pattern.compile("\"id\"\\s*:\\s*(\\d+|\"[^\"]*\")").matcher(body);
        if (!id.find()) {
            return resp.status(202).send();
        }
        if (body.contains("\"initialize\"")) {
            return json(resp.header("Mcp-Session-Id", "boot"), 200, "{\"jsonrpc\":\"2.0\",\"id\":" + id.group(1)
                    + ",\"result\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"tools\":{}},"
                    + "\"serverInfo\":{\"name\":\"boot\",\"version\":\"1\"}}}");
        }
        return json(resp, 200, "{\"jsonrpc\":\"2.0\",\"id\":" + id.group(1)
                + ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"echo by " + validToken + "\"}]}}");
    }

    private static Publisher<Void> json(HttpServerResponse resp, int status, String body) {
        return resp.status(status).header("Content-Type", "application/json").sendString(Mono.just(body));
    }

    private static Map<String, String> form(String query) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
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
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
