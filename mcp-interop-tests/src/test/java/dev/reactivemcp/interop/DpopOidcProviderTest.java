package dev.reactivemcp.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.oauth.AuthorizationCodeSource;
import dev.reactivemcp.oauth.internal.dpop.DpopAlgorithm;
import dev.reactivemcp.oauth.internal.dpop.DpopBinding;
import dev.reactivemcp.oauth.internal.dpop.DpopKey;
import dev.reactivemcp.oauth.internal.dpop.DpopNonces;
import dev.reactivemcp.oauth.internal.dpop.DpopProofs;
import dev.reactivemcp.oauth.internal.dpop.EcdsaNoncePool;
import dev.reactivemcp.oauth.internal.dpop.DpopRequests;
import dev.reactivemcp.transport.ExchangeFunction;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.internal.ReactorNettyExchange;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The DPoP layer ({@code mcp-oauth} {@code internal.dpop}) against the real oidc-provider with DPoP nonces required:
 * a login whose code is redeemed with proofs, refreshes with the same key read back from its persisted form, and with
 * another key; the server's own counters say how many token requests it saw and what it answered.
 */
class DpopOidcProviderTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String RESOURCE = "http://127.0.0.1:9/mcp";

    private final SecureRandom random = drbg();
    private final ExchangeFunction http = new ReactorNettyExchange(ReactorNettyExchange.defaultClient());
    private OidcProviderServer as;
    private String clientId;

    @BeforeEach
    void start() {
        as = Interop.authorizationServer();
        clientId = register();
    }

    @Test
    void aCodeRedeemedWithProofsGivesADpopTokenBoundToTheKeyAndOnlyThatKeyCanRefreshIt() {
        DpopKey key = DpopKey.generate(DpopAlgorithm.ES256, random);
        DpopRequests dpop = layer(key);

        JsonNode tokens = redeem(dpop, login());

        assertThat(tokens.get("token_type").asString()).isEqualTo("DPoP");
        assertThat(DpopBinding.of(key, tokens.get("access_token").asString()))
                .isEqualTo(DpopBinding.Result.BOUND_TO_THIS_KEY);
        assertThat(as.count(clientId, e -> e.isGrantError("use_dpop_nonce"))).as("nonce challenges").isEqualTo(1);
        assertThat(as.count(clientId, e -> e.isGrant("authorization_code"))).isEqualTo(1);

        // Another key cannot use the refresh token (bound to the key for a public client); it is not consumed.
        DpopKey other = DpopKey.generate(DpopAlgorithm.ES256, random);
        Answer stolen = refresh(layer(other), tokens.get("refresh_token").asString());
        assertThat(stolen.status()).isEqualTo(400);
        assertThat(stolen.body().get("error").asString()).isEqualTo("invalid_grant");

        // The key read back from its persisted form (another process, no nonce known yet) refreshes.
        DpopKey restored = DpopKey.fromPrivateJwk(key.toPrivateJwk(), random);
        DpopRequests restarted = layer(restored);
        Answer refreshed = refresh(restarted, tokens.get("refresh_token").asString());
        assertThat(refreshed.status()).isEqualTo(200);
        assertThat(refreshed.body().get("token_type").asString()).isEqualTo("DPoP");
        assertThat(DpopBinding.of(key, refreshed.body().get("access_token").asString()))
                .isEqualTo(DpopBinding.Result.BOUND_TO_THIS_KEY);
        long challenges = as.count(clientId, e -> e.isGrantError("use_dpop_nonce"));

        // The nonce it learned is sent with the next refresh: no further challenge.
        Answer again = refresh(restarted, refreshed.body().get("refresh_token").asString());
        assertThat(again.status()).isEqualTo(200);
        assertThat(as.count(clientId, e -> e.isGrantError("use_dpop_nonce"))).isEqualTo(challenges);
        assertThat(as.count(clientId, e -> e.isGrant("refresh_token"))).isEqualTo(2);
    }

    /** Proofs as McpOAuth makes them: ES256 signatures from precomputed nonces (refilled inline here). */
    private DpopRequests layer(DpopKey key) {
        return new DpopRequests(new DpopProofs(key, Clock.systemUTC(), random,
                new EcdsaNoncePool(8, Schedulers.immediate(), random)), new DpopNonces());
    }

    private record Answer(int status, JsonNode body) { }

    private Answer post(DpopRequests dpop, Map<String, String> form) {
        McpHttpRequest request = McpHttpRequest.of("POST", as.issuer().resolve("/token"))
                .withHeader("Content-Type", "application/x-www-form-urlencoded")
                .withHeader("Accept", "application/json")
                .withBody(encode(form).getBytes(StandardCharsets.UTF_8));
        return dpop.tokenEndpointFilter().apply(http).exchange(request)
                .flatMap(r -> r.bodyAsString(65536).map(b -> new Answer(r.status(), JSON.readTree(b))))
                .block(Interop.CALL_TIMEOUT);
    }

    private JsonNode redeem(DpopRequests dpop, Login login) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", login.code());
        form.put("redirect_uri", FormLoginCodeSource.REDIRECT_URI);
        form.put("code_verifier", login.verifier());
        form.put("client_id", clientId);
        form.put("resource", RESOURCE);
        Answer answer = post(dpop, form);
        assertThat(answer.status()).as("token response %s", answer.body()).isEqualTo(200);
        return answer.body();
    }

    private Answer refresh(DpopRequests dpop, String refreshToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        form.put("client_id", clientId);
        form.put("resource", RESOURCE);
        return post(dpop, form);
    }

    private record Login(String code, String verifier) { }

    private Login login() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", clientId);
        query.put("redirect_uri", FormLoginCodeSource.REDIRECT_URI);
        query.put("scope", "mcp:tools");
        query.put("state", "state-1");
        query.put("code_challenge", s256(verifier));
        query.put("code_challenge_method", "S256");
        query.put("resource", RESOURCE);
        URI url = as.issuer().resolve("/auth?" + encode(query));
        AuthorizationCodeSource.Redirect redirect = new FormLoginCodeSource("alice")
                .authorize(redirectUri -> Mono.just(url)).block(Interop.CALL_TIMEOUT);
        return new Login(redirect.get("code").orElseThrow(), verifier);
    }

    private String register() {
        String body = "{\"redirect_uris\":[\"" + FormLoginCodeSource.REDIRECT_URI + "\"],\"application_type\":\"native\","
                + "\"token_endpoint_auth_method\":\"none\",\"grant_types\":[\"authorization_code\",\"refresh_token\"],"
                + "\"response_types\":[\"code\"]}";
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    as.issuer().resolve("/reg")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("registration %s", response.body()).isEqualTo(201);
            return JSON.readTree(response.body()).get("client_id").asString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static String s256(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static SecureRandom drbg() {
        try {
            SecureRandom r = SecureRandom.getInstance("DRBG");
            r.nextBytes(new byte[32]);
            return r;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
