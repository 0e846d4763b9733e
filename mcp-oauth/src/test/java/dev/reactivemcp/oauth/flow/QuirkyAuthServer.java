package dev.reactivemcp.oauth.flow;

import io.netty.handler.codec.http.HttpMethod;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A loopback MCP protected resource and authorization server that departs from the MCP authorization spec the way
 * hosted identity providers do, one {@link Quirk} at a time (see {@code shared/notes/hosted-identity-providers.md}).
 * Its issuer has a path ({@code /tenant/v2.0}, or {@code /common/v2.0} for {@link Quirk#ENTRA_TENANT_PLACEHOLDER}), so
 * discovery has three candidate URLs. It enforces PKCE S256 always, issues rotating refresh tokens, and records every
 * request it serves, so tests count effects from the server's side.
 */
final class QuirkyAuthServer implements AutoCloseable {

    /** One departure each; a server runs with any set of them. */
    enum Quirk {
        /** Metadata only at the OIDC path-append URL (Entra, Cognito); the other candidates answer {@link #miss}. */
        METADATA_OIDC_APPEND_ONLY,
        /** Metadata only at the RFC 8414 path-insertion URL (GitHub); the other candidates answer {@link #miss}. */
        METADATA_RFC8414_ONLY,
        /** No candidate holds the document: each answers {@link #miss}. */
        NO_METADATA,
        /**
         * Protected resource metadata only at the root well-known URL (RFC 9728 section 3.1 allows either); the
         * path-suffixed candidate answers {@link #miss}.
         */
        PRM_ROOT_ONLY,
        /** Neither protected resource metadata candidate holds the document: both answer {@link #miss}. */
        NO_PRM,
        /** The document's issuer is {@code .../{tenantid}/v2.0} although it was fetched for {@code .../common/v2.0}. */
        ENTRA_TENANT_PLACEHOLDER,
        /** {@link #ENTRA_TENANT_PLACEHOLDER}, and the access token names another tenant in {@code iss} than in {@code tid}. */
        ENTRA_TOKEN_OF_ANOTHER_TENANT,
        /** The document's issuer ends with a {@code /} the advertised one lacks (Auth0, Google). */
        ISSUER_TRAILING_SLASH,
        /** No {@code code_challenge_methods_supported}, PKCE S256 still enforced (Entra, Cognito). */
        PKCE_NOT_ADVERTISED,
        /** No {@code registration_endpoint} (Entra, Google, Cognito, GitHub). */
        NO_REGISTRATION_ENDPOINT,
        /** {@code registration_endpoint} answers 403 (Keycloak trusted hosts, Okta without an admin token). */
        REGISTRATION_FORBIDDEN,
        /** {@code registration_endpoint} answers 404. */
        REGISTRATION_NOT_FOUND,
        /** Any {@code resource} parameter is answered with {@code invalid_target} (older Entra tenants, Cognito). */
        RESOURCE_REJECTED,
        /** Without {@code audience} the authorization is refused with {@code invalid_request} (Auth0 APIs). */
        AUDIENCE_REQUIRED,
        /** Bare scopes are refused with {@code invalid_scope}; they must be {@code <resource>/<scope>} (Entra). */
        QUALIFIED_SCOPES_REQUIRED,
        /** Lists {@code offline_access} but refuses it with {@code invalid_scope} (Google, Cognito). */
        OFFLINE_ACCESS_REJECTED,
        /** Issues a refresh token only with {@code access_type=offline}; refresh responses carry none (Google). */
        GOOGLE_REFRESH,
        /** Sends {@code iss} in the authorization response without advertising it. */
        ISS_SENT_NOT_ADVERTISED,
        /** Advertises {@code authorization_response_iss_parameter_supported} and never sends {@code iss}. */
        ISS_ADVERTISED_NOT_SENT,
        /**
         * The token endpoint refuses a request without {@link #CLIENT_SECRET} ({@code client_secret_post} or
         * {@code client_secret_basic}) even with PKCE, and the metadata advertises only those two methods (Google).
         */
        CLIENT_SECRET_REQUIRED,
        /** {@link #CLIENT_SECRET_REQUIRED}, while the metadata still lists {@code none} among the methods. */
        CLIENT_SECRET_REQUIRED_UNADVERTISED,
        /**
         * {@link #CLIENT_SECRET_REQUIRED_UNADVERTISED} the GitHub way: the token endpoint answers HTTP 200 with
         * {@code {"error":"incorrect_client_credentials"}}.
         */
        CLIENT_SECRET_REQUIRED_GITHUB,
        /** Refresh tokens are not rotated: every refresh answers the same refresh token back (Entra, Okta default). */
        ROTATION_NONE,
        /** A spent refresh token presented again revokes every token of its grant (Auth0, Okta, Keycloak option). */
        ROTATION_FAMILY_REVOCATION,
        /** A spent refresh token is still accepted for {@link #GRACE} after its rotation (Okta, Auth0 leeway). */
        ROTATION_REUSE_GRACE,
        /** Redirect URIs must match the registered one exactly, port included. */
        REDIRECT_EXACT,
        /** The port of a registered {@code http://127.0.0.1} redirect URI may differ; {@code localhost} is exact. */
        REDIRECT_PORT_FREE_FOR_IP_ONLY
    }

    /** What the metadata candidates that do not hold the document answer. */
    enum Miss { NOT_FOUND, SERVER_ERROR, HTML, DROP, REDIRECT_ELSEWHERE, REDIRECT_TO_PLAIN_HTTP }

    static final String CLIENT_ID = "pre-registered-client";
    static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    static final String CLIENT_SECRET = "quirky-client-secret";
    static final java.time.Duration GRACE = java.time.Duration.ofSeconds(30);

    private final Set<Quirk> quirks;
    private final Miss miss;
    private final DisposableServer server;
    final String base;
    final String endpoint;
    final String issuer;
    /** The redirect URIs registered for {@link #CLIENT_ID}. */
    final List<String> registeredRedirects = new CopyOnWriteArrayList<>(List.of("http://127.0.0.1/callback"));
    /** {@code METHOD path} of every request, in order. */
    final List<String> trace = new CopyOnWriteArrayList<>();
    /** The query of every authorization request and the form of every token request, in order. */
    final List<Map<String, String>> authorizations = new CopyOnWriteArrayList<>();
    final List<Map<String, String>> tokenRequests = new CopyOnWriteArrayList<>();
    private final Map<String, String> codes = new ConcurrentHashMap<>();
    private final Set<String> liveRefreshTokens = ConcurrentHashMap.newKeySet();
    /** Rotated refresh tokens, with when ({@link System#nanoTime}) they were spent. */
    private final Map<String, Long> spentRefreshTokens = new ConcurrentHashMap<>();
    /** Refresh requests that presented a refresh token already spent (rotated away), whatever the answer. */
    final AtomicInteger reuses = new AtomicInteger();
    /** Grants revoked because a spent refresh token came back. */
    final AtomicInteger revocations = new AtomicInteger();
    private final AtomicInteger serial = new AtomicInteger();

    QuirkyAuthServer(Miss miss, Quirk... quirks) {
        this.quirks = quirks.length == 0 ? EnumSet.noneOf(Quirk.class) : EnumSet.of(quirks[0], quirks);
        this.miss = miss;
        this.server = HttpServer.create().host("127.0.0.1").port(0).handle(this::handle).bindNow();
        this.base = "http://127.0.0.1:" + server.port();
        this.endpoint = base + "/mcp";
        this.issuer = base + (has(Quirk.ENTRA_TENANT_PLACEHOLDER) || has(Quirk.ENTRA_TOKEN_OF_ANOTHER_TENANT)
                ? "/common/v2.0" : "/tenant/v2.0");
    }

    QuirkyAuthServer(Quirk... quirks) {
        this(Miss.NOT_FOUND, quirks);
    }

    boolean has(Quirk q) {
        return quirks.contains(q);
    }

    /** The issuer the metadata document names. */
    String documentIssuer() {
        if (has(Quirk.ENTRA_TENANT_PLACEHOLDER) || has(Quirk.ENTRA_TOKEN_OF_ANOTHER_TENANT)) {
            return base + "/{tenantid}/v2.0";
        }
        return has(Quirk.ISSUER_TRAILING_SLASH) ? issuer + "/" : issuer;
    }

    /** Where the document is, of the three candidates. */
    String documentPath() {
        String path = URI.create(issuer).getPath();
        if (has(Quirk.NO_METADATA)) {
            return "/nowhere";
        }
        if (has(Quirk.METADATA_OIDC_APPEND_ONLY)) {
            return path + "/.well-known/openid-configuration";
        }
        if (has(Quirk.METADATA_RFC8414_ONLY)) {
            return "/.well-known/oauth-authorization-server" + path;
        }
        return "/.well-known/openid-configuration" + path;
    }

    long count(String methodAndPath) {
        return trace.stream().filter(methodAndPath::equals).count();
    }

    /** Refresh requests served. */
    long refreshes() {
        return tokenRequests.stream().filter(f -> "refresh_token".equals(f.get("grant_type"))).count();
    }

    // ---- routing ---------------------------------------------------------------------------------------

    private Publisher<Void> handle(HttpServerRequest req, HttpServerResponse res) {
        String path = URI.create(req.uri()).getRawPath();
        trace.add(req.method().name() + " " + path);
        if (req.method() == HttpMethod.POST) {
            return req.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                    .flatMap(body -> Mono.from(post(path, formOf(body), req, res)));
        }
        Map<String, String> query = formOf(URI.create(req.uri()).getRawQuery());
        boolean prmAtPath = path.equals("/.well-known/oauth-protected-resource/mcp")
                && !has(Quirk.PRM_ROOT_ONLY) && !has(Quirk.NO_PRM);
        boolean prmAtRoot = path.equals("/.well-known/oauth-protected-resource") && has(Quirk.PRM_ROOT_ONLY);
        if (prmAtPath || prmAtRoot) {
            return json(res, 200, "{\"resource\":\"" + endpoint + "\",\"authorization_servers\":[\"" + issuer
                    + "\"],\"scopes_supported\":[\"mcp.read\"]}");
        }
        if (path.equals(documentPath())) {
            return json(res, 200, metadata());
        }
        if (path.startsWith("/.well-known/") || path.endsWith("/.well-known/openid-configuration")) {
            return missed(res);
        }
        if (path.equals("/authorize")) {
            return authorize(query, res);
        }
        return res.status(404).send();
    }

    private Publisher<Void> post(String path, Map<String, String> form, HttpServerRequest req,
                                 HttpServerResponse res) {
        if (path.equals("/register")) {
            if (has(Quirk.REGISTRATION_FORBIDDEN)) {
                return json(res, 403, "{\"error\":\"access_denied\",\"error_description\":\"Policy 'Trusted Hosts'\"}");
            }
            if (has(Quirk.REGISTRATION_NOT_FOUND)) {
                return res.status(404).sendString(Mono.just("<html>Not Found</html>"));
            }
            return json(res, 201, "{\"client_id\":\"dcr-" + serial.incrementAndGet()
                    + "\",\"token_endpoint_auth_method\":\"none\",\"redirect_uris\":[\"http://localhost:3000/callback\"]}");
        }
        if (path.equals("/token")) {
            tokenRequests.add(form);
            if ("client_credentials".equals(form.get("grant_type"))) {
                return clientCredentials(form, req.requestHeaders().get("Authorization"), res);
            }
            if (has(Quirk.CLIENT_SECRET_REQUIRED_GITHUB)
                    && clientAuthenticationError(form, req.requestHeaders().get("Authorization")) != null) {
                return json(res, 200, "{\"error\":\"incorrect_client_credentials\",\"error_description\":"
                        + "\"The client_id and/or client_secret passed are incorrect.\"}");
            }
            if (has(Quirk.CLIENT_SECRET_REQUIRED) || has(Quirk.CLIENT_SECRET_REQUIRED_UNADVERTISED)) {
                String refused = clientAuthenticationError(form, req.requestHeaders().get("Authorization"));
                if (refused != null) {
                    int space = refused.indexOf(' ');
                    return json(res, refused.startsWith("invalid_client") ? 401 : 400, "{\"error\":\""
                            + refused.substring(0, space) + "\",\"error_description\":\"" + refused.substring(space + 1)
                            + "\"}");
                }
            }
            return token(form, res);
        }
        return res.status(404).send();
    }

    /**
     * The client credentials grant: {@link #CLIENT_ID} with {@link #CLIENT_SECRET} ({@code client_secret_basic});
     * with {@link Quirk#AUDIENCE_REQUIRED} the {@code audience} must be the MCP endpoint (Auth0 answers 403
     * {@code access_denied} without one), and with {@link Quirk#RESOURCE_REJECTED} a {@code resource} is refused.
     */
    private Publisher<Void> clientCredentials(Map<String, String> form, String authorization, HttpServerResponse res) {
        if (authorization == null || !authorization.startsWith("Basic ")) {
            return json(res, 401, "{\"error\":\"invalid_client\"}");
        }
        String refused = clientAuthenticationError(form, authorization);
        if (refused != null) {
            return json(res, 401, "{\"error\":\"invalid_client\"}");
        }
        if (has(Quirk.AUDIENCE_REQUIRED) && !endpoint.equals(form.get("audience"))) {
            return json(res, 403, "{\"error\":\"access_denied\",\"error_description\":\"No audience\"}");
        }
        if (has(Quirk.RESOURCE_REJECTED) && form.containsKey("resource")) {
            return json(res, 400, "{\"error\":\"invalid_target\"}");
        }
        return issue(res, false);
    }

    /** Null when the request authenticates {@link #CLIENT_ID} with {@link #CLIENT_SECRET}; else "code description". */
    private static String clientAuthenticationError(Map<String, String> form, String authorization) {
        if (authorization != null && authorization.startsWith("Basic ")) {
            String pair = new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
            return pair.equals(enc(CLIENT_ID) + ":" + enc(CLIENT_SECRET)) ? null : "invalid_client Unauthorized";
        }
        if (!form.containsKey("client_secret")) {
            return "invalid_request client_secret is missing.";   // what Google answers
        }
        return CLIENT_ID.equals(form.get("client_id")) && CLIENT_SECRET.equals(form.get("client_secret")) ? null
                : "invalid_client Unauthorized";
    }

    private Publisher<Void> missed(HttpServerResponse res) {
        return switch (miss) {
            case NOT_FOUND -> res.status(404).send();
            case SERVER_ERROR -> json(res, 500, "{\"error\":\"server_error\"}");
            case HTML -> res.status(200).header("Content-Type", "text/html")
                    .sendString(Mono.just("<!doctype html><html><body>Sign in</body></html>"));
            case REDIRECT_ELSEWHERE -> res.status(302).header("Location", "https://login.example.invalid/").send();
            case REDIRECT_TO_PLAIN_HTTP -> res.status(302).header("Location", "http://login.example.invalid/").send();
            case DROP -> {
                res.withConnection(c -> c.channel().close());
                yield Mono.never();
            }
        };
    }

    private String metadata() {
        StringBuilder json = new StringBuilder("{\"issuer\":\"" + documentIssuer() + "\""
                + ",\"authorization_endpoint\":\"" + base + "/authorize\",\"token_endpoint\":\"" + base + "/token\""
                + ",\"response_types_supported\":[\"code\"]"
                + ",\"scopes_supported\":[\"openid\",\"mcp.read\",\"offline_access\"]"
                + ",\"token_endpoint_auth_methods_supported\":" + (has(Quirk.CLIENT_SECRET_REQUIRED)
                        ? "[\"client_secret_post\",\"client_secret_basic\"]" : "[\"none\",\"client_secret_post\"]"));
        if (!has(Quirk.NO_REGISTRATION_ENDPOINT)) {
            json.append(",\"registration_endpoint\":\"").append(base).append("/register\"");
        }
        if (!has(Quirk.PKCE_NOT_ADVERTISED)) {
            json.append(",\"code_challenge_methods_supported\":[\"S256\"]");
        }
        if (has(Quirk.ISS_ADVERTISED_NOT_SENT)) {
            json.append(",\"authorization_response_iss_parameter_supported\":true");
        }
        return json.append('}').toString();
    }

    // ---- authorization endpoint ------------------------------------------------------------------------

    private Publisher<Void> authorize(Map<String, String> q, HttpServerResponse res) {
        authorizations.add(q);
        String redirect = q.get("redirect_uri");
        if (!redirectAllowed(redirect)) {
            return res.status(400).sendString(Mono.just("<html>invalid redirect_uri</html>"));
        }
        Map<String, String> answer = new LinkedHashMap<>();
        String error = authorizationError(q);
        if (error != null) {
            answer.put("error", error);
        } else {
            String code = "code-" + serial.incrementAndGet();
            codes.put(code, q.get("code_challenge") + " " + q.get("redirect_uri") + " "
                    + ("offline".equals(q.get("access_type")) || !has(Quirk.GOOGLE_REFRESH)));
            answer.put("code", code);
        }
        answer.put("state", q.get("state"));
        if (has(Quirk.ISS_SENT_NOT_ADVERTISED)) {
            answer.put("iss", documentIssuer());
        }
        StringBuilder location = new StringBuilder(redirect).append('?');
        answer.forEach((k, v) -> location.append(enc(k)).append('=').append(enc(v)).append('&'));
        return res.status(302).header("Location", location.substring(0, location.length() - 1)).send();
    }

    private String authorizationError(Map<String, String> q) {
        if (!"S256".equals(q.get("code_challenge_method")) || q.get("code_challenge") == null) {
            return "invalid_request";
        }
        if (has(Quirk.RESOURCE_REJECTED) && q.containsKey("resource")) {
            return "invalid_target";
        }
        if (has(Quirk.AUDIENCE_REQUIRED) && !endpoint.equals(q.get("audience"))) {
            return "invalid_request";
        }
        List<String> scopes = List.of(q.getOrDefault("scope", "").split(" "));
        if (has(Quirk.OFFLINE_ACCESS_REJECTED) && scopes.contains("offline_access")) {
            return "invalid_scope";
        }
        if (has(Quirk.QUALIFIED_SCOPES_REQUIRED) && scopes.stream().anyMatch(s -> s.startsWith("mcp."))) {
            return "invalid_scope";
        }
        return null;
    }

    private boolean redirectAllowed(String uri) {
        if (uri == null) {
            return false;
        }
        if (!has(Quirk.REDIRECT_EXACT) && !has(Quirk.REDIRECT_PORT_FREE_FOR_IP_ONLY)) {
            return true;
        }
        if (registeredRedirects.contains(uri)) {
            return true;
        }
        if (has(Quirk.REDIRECT_EXACT)) {
            return false;
        }
        URI u = URI.create(uri);
        return "127.0.0.1".equals(u.getHost()) && registeredRedirects.stream().map(URI::create)
                .anyMatch(r -> "127.0.0.1".equals(r.getHost()) && r.getPath().equals(u.getPath()));
    }

    // ---- token endpoint --------------------------------------------------------------------------------

    private Publisher<Void> token(Map<String, String> f, HttpServerResponse res) {
        if (has(Quirk.RESOURCE_REJECTED) && f.containsKey("resource")) {
            return json(res, 400, "{\"error\":\"invalid_target\",\"error_description\":\"AADSTS9010010\"}");
        }
        String grant = f.get("grant_type");
        if ("authorization_code".equals(grant)) {
            String recorded = codes.remove(f.getOrDefault("code", ""));
            if (recorded == null) {
                return json(res, 400, "{\"error\":\"invalid_grant\"}");
            }
            String[] parts = recorded.split(" ");
            if (!parts[0].equals(s256(f.getOrDefault("code_verifier", "")))
                    || !parts[1].equals(f.get("redirect_uri"))) {
                return json(res, 400, "{\"error\":\"invalid_grant\"}");
            }
            return issue(res, Boolean.parseBoolean(parts[2]));
        }
        if ("refresh_token".equals(grant)) {
            String presented = f.getOrDefault("refresh_token", "");
            if (has(Quirk.GOOGLE_REFRESH) || has(Quirk.ROTATION_NONE)) {                  // never rotated
                if (!liveRefreshTokens.contains(presented)) {
                    return json(res, 400, "{\"error\":\"invalid_grant\"}");
                }
                return has(Quirk.GOOGLE_REFRESH) ? issue(res, false) : issue(res, presented);
            }
            if (liveRefreshTokens.remove(presented)) {                                     // single use
                spentRefreshTokens.put(presented, System.nanoTime());
                return issue(res, true);
            }
            Long spentAt = spentRefreshTokens.get(presented);
            if (spentAt != null) {
                reuses.incrementAndGet();
                if (has(Quirk.ROTATION_REUSE_GRACE) && System.nanoTime() - spentAt < GRACE.toNanos()) {
                    return issue(res, true);
                }
                if (has(Quirk.ROTATION_FAMILY_REVOCATION)) {
                    revocations.incrementAndGet();
                    liveRefreshTokens.clear();   // one grant per server in these tests: the family is every token
                }
            }
            return json(res, 400, "{\"error\":\"invalid_grant\"}");
        }
        return json(res, 400, "{\"error\":\"unsupported_grant_type\"}");
    }

    private Publisher<Void> issue(HttpServerResponse res, boolean withRefreshToken) {
        return issue(res, withRefreshToken ? "refresh-" + serial.incrementAndGet() : null);
    }

    /** Issues a new access token and {@code refresh} (none when null) as the refresh token. */
    private Publisher<Void> issue(HttpServerResponse res, String refresh) {
        int n = serial.incrementAndGet();
        String access = has(Quirk.ENTRA_TENANT_PLACEHOLDER) || has(Quirk.ENTRA_TOKEN_OF_ANOTHER_TENANT)
                ? jwt(n) : "access-" + n;
        StringBuilder json = new StringBuilder("{\"access_token\":\"" + access
                + "\",\"token_type\":\"Bearer\",\"expires_in\":3600");
        if (refresh != null) {
            liveRefreshTokens.add(refresh);
            json.append(",\"refresh_token\":\"").append(refresh).append('"');
        }
        return json(res, 200, json.append('}').toString());
    }

    /** An (unsigned-looking) Entra v2 access token naming its tenant in {@code tid} and {@code iss}. */
    private String jwt(int n) {
        String issTenant = has(Quirk.ENTRA_TOKEN_OF_ANOTHER_TENANT) ? "00000000-0000-0000-0000-000000000001" : TENANT;
        String header = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
        String claims = b64("{\"iss\":\"" + base + "/" + issTenant + "/v2.0\",\"tid\":\"" + TENANT
                + "\",\"aud\":\"" + endpoint + "\",\"jti\":\"" + n + "\",\"exp\":4102444800}");
        return header + "." + claims + "." + b64("sig" + n);
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    private static Publisher<Void> json(HttpServerResponse res, int status, String body) {
        return res.status(status).header("Content-Type", "application/json")
                .sendString(Mono.just(body));
    }

    static Map<String, String> formOf(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String s256(String verifier) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
