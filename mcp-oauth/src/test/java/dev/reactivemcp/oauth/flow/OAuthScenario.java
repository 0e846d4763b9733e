package dev.reactivemcp.oauth.flow;

import static org.mockserver.model.HttpRequest.request;
import static org.mockserver.model.HttpResponse.response;

import dev.reactivemcp.errors.WwwAuthenticate;
import dev.reactivemcp.oauth.AuthorizationCodeSource;
import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.internal.AuthorizationContext;
import dev.reactivemcp.oauth.internal.FlowSettings;
import dev.reactivemcp.oauth.internal.flow.OAuthFlow;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.mockserver.integration.ClientAndServer;
import org.mockserver.model.HttpRequest;
import reactor.netty.http.client.HttpClient;

/**
 * One MockServer playing MCP resource server and authorization server, with fixtures from
 * {@code src/test/resources/flow}. {@code ${base}} is {@code http://localhost:<port>}.
 */
final class OAuthScenario implements AutoCloseable {

    static final Instant NOW = Instant.parse("2026-08-01T10:00:00Z");
    static final String CIMD = "https://conformance-test.local/client-metadata.json";

    /** One MockServer for all flow tests (starting one is slow); each scenario resets it when closed. */
    private static ClientAndServer shared;

    final ClientAndServer mock = shared();
    final String base = "http://localhost:" + mock.getPort();
    final String endpoint = base + "/mcp";
    final InMemoryTokenStore store = new InMemoryTokenStore();
    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    AuthorizationCodeSource codeSource = AuthorizationCodeSource.headless();
    ClientRegistration preRegistered;
    String clientMetadataDocument;
    Set<String> defaultScopes = Set.of();
    int maxBodyBytes = 64 * 1024;
    /** What {@code /authorize} answers: from the request's query to the redirect's query parameters. */
    Function<Map<String, String>, Map<String, String>> approve = q -> redirect(q, base);

    /** The default happy-path redirect: code, echoed state, {@code iss}. */
    static Map<String, String> redirect(Map<String, String> query, String iss) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("code", "test-auth-code");
        r.put("state", query.get("state"));
        if (iss != null) {
            r.put("iss", iss);
        }
        return r;
    }

    // ---- scripting -------------------------------------------------------------------------------------

    OAuthScenario get(String path, int status, String body) {
        mock.when(request().withMethod("GET").withPath(path)).respond(response().withStatusCode(status)
                .withHeader("Content-Type", "application/json").withBody(body));
        return this;
    }

    OAuthScenario post(String path, int status, String body) {
        mock.when(request().withMethod("POST").withPath(path)).respond(response().withStatusCode(status)
                .withHeader("Content-Type", "application/json").withBody(body));
        return this;
    }

    OAuthScenario prm(String path, String resource, String issuer, String extra) {
        return get(path, 200, fixture("prm.json", Map.of("resource", resource, "issuer", issuer, "prmExtra", extra)));
    }

    OAuthScenario asMetadata(String path, String issuer, String endpoints, String extra) {
        return get(path, 200, fixture("as-metadata.json",
                Map.of("issuer", issuer, "endpoints", endpoints, "asExtra", extra)));
    }

    OAuthScenario dcr(String path, String clientId, String extra) {
        return post(path, 201, fixture("dcr-response.json", Map.of("clientId", clientId, "dcrExtra", extra)));
    }

    OAuthScenario token(String path, String accessToken, String extra) {
        return post(path, 200, fixture("token-response.json", Map.of("accessToken", accessToken, "tokenExtra", extra)));
    }

    /** {@code GET path} answers 302 to the redirect URI with what {@link #approve} returns. */
    OAuthScenario authorizeEndpoint(String path) {
        mock.when(request().withMethod("GET").withPath(path)).respond(req -> {
            Map<String, String> query = query(req);
            StringBuilder location = new StringBuilder(query.get("redirect_uri")).append('?');
            approve.apply(query).forEach((k, v) -> location.append(enc(k)).append('=').append(enc(v)).append('&'));
            return response().withStatusCode(302).withHeader("Location", location.toString());
        });
        return this;
    }

    /** The usual layout: path-based PRM named by the challenge, AS at the root of the same server, DCR. */
    OAuthScenario standard(String asExtra) {
        prm("/.well-known/oauth-protected-resource/mcp", endpoint, base, "");
        asMetadata("/.well-known/oauth-authorization-server", base, base, asExtra);
        dcr("/register", "test-client-id", "");
        authorizeEndpoint("/authorize");
        return token("/token", "test-token-1", "");
    }

    String fixture(String name, Map<String, String> values) {
        try (InputStream in = getClass().getResourceAsStream("/flow/" + name)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> all = new LinkedHashMap<>(values);
            all.putIfAbsent("base", base);
            for (Map.Entry<String, String> e : all.entrySet()) {
                text = text.replace("${" + e.getKey() + "}", e.getValue());
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- running ---------------------------------------------------------------------------------------

    FlowSettings settings() {
        return new FlowSettings(store, codeSource, preRegistered, clientMetadataDocument, "flow test", "native",
                defaultScopes, clock, HttpClient.create(), Duration.ofSeconds(30), maxBodyBytes);
    }

    OAuthFlow flow() {
        return new OAuthFlow(settings());
    }

    String challengeWithMetadata() {
        return "Bearer error=\"invalid_token\", resource_metadata=\"" + base
                + "/.well-known/oauth-protected-resource/mcp\"";
    }

    AuthorizationContext context(String challenge) {
        return context(challenge, Set.of(), 0);
    }

    AuthorizationContext context(String challenge, Set<String> previous, int attempt) {
        List<WwwAuthenticate.Challenge> challenges = challenge == null ? List.of()
                : WwwAuthenticate.parse(challenge).challenges();
        return new AuthorizationContext(endpoint, challenges, previous, attempt);
    }

    // ---- observing -------------------------------------------------------------------------------------

    List<HttpRequest> requests() {
        return Arrays.asList(mock.retrieveRecordedRequests(request()));
    }

    List<HttpRequest> requests(String method, String path) {
        return requests().stream().filter(r -> r.getMethod().getValue().equals(method)
                && r.getPath().getValue().equals(path)).toList();
    }

    /** {@code METHOD path} of every request, in order. */
    List<String> trace() {
        List<String> out = new ArrayList<>();
        requests().forEach(r -> out.add(r.getMethod().getValue() + " " + r.getPath().getValue()));
        return out;
    }

    HttpRequest only(String method, String path) {
        List<HttpRequest> found = requests(method, path);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + method + " " + path + " but saw " + trace());
        }
        return found.get(0);
    }

    static Map<String, String> query(HttpRequest req) {
        Map<String, String> q = new LinkedHashMap<>();
        req.getQueryStringParameterList().forEach(p -> q.put(p.getName().getValue(), p.getValues().get(0).getValue()));
        return q;
    }

    static Map<String, String> form(HttpRequest req) {
        return formOf(req.getBodyAsString());
    }

    static Map<String, String> formOf(String body) {
        Map<String, String> f = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            f.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return f;
    }

    static Map<String, String> queryOf(URI uri) {
        return formOf(uri.getRawQuery());
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static synchronized ClientAndServer shared() {
        if (shared == null || !shared.isRunning()) {
            shared = ClientAndServer.startClientAndServer(0);
        }
        return shared;
    }

    /** Stops the shared server; test classes call it after all their tests. */
    static synchronized void stopShared() {
        if (shared != null) {
            shared.stop();
            shared = null;
        }
    }

    @Override
    public void close() {
        mock.reset();
    }
}
