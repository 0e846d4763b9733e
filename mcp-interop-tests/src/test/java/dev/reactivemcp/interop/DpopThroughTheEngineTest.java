package dev.reactivemcp.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import dev.reactivemcp.oauth.ClientCredentials;
import dev.reactivemcp.oauth.Dpop;
import dev.reactivemcp.oauth.FileTokenStore;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.transport.CallToolResult;
import dev.reactivemcp.transport.McpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * DPoP (RFC 9449) the way a user meets it: {@code McpOAuth} with {@code .dpop(...)} (or DPoP turned on by a server
 * that offers nothing else) against the real oidc-provider (nonces required, rotating refresh tokens, 30 s tokens)
 * and an MCP resource server that verifies every proof and the token's {@code cnf.jkt} ({@link DpopProofCheck}) and
 * demands its own nonce. The client's clock is moved forward ({@link AdjustableClock}) so that refreshes fall due
 * without waiting; both servers keep real time. Token requests, proofs and the key every issued token is bound to
 * are counted at the authorization server; proofs and keys at the resource server.
 */
class DpopThroughTheEngineTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** How old the client sees its token when a refresh must happen: past the stale point of a 30 s token. */
    private static final Duration STALE_AGE = Duration.ofSeconds(29);

    @TempDir
    Path dir;
    private OidcProviderServer as;
    private ResourceServer rs;

    @BeforeEach
    void start() {
        as = Interop.authorizationServer();
    }

    @AfterEach
    void stop() {
        if (rs != null) {
            rs.close();
        }
    }

    @Test
    void aDpopClientLogsInCallsAcrossTwoRefreshesAndAfterARestartKeepsProvingWithTheStoredKey() {
        rs = ResourceServer.startDpop(as.issuer(), as.jwks(), "rs-nonce-1", true);
        Path tokens = dir.resolve("tokens.json");
        AdjustableClock clock = new AdjustableClock(Duration.ZERO);
        FormLoginCodeSource browser = new FormLoginCodeSource("alice");
        McpOAuth oauth = dpopOAuth(tokens, browser, clock, Dpop.es256());
        McpClient client = Interop.client(rs.endpoint(), oauth);

        client.connect().block(Interop.CALL_TIMEOUT);
        assertThat(echo(client, "first").text()).isEqualTo("echo: first");
        StoredCredentials first = Interop.stored(tokens, rs.endpoint());
        String clientId = first.registration().clientId();
        String thumbprint = thumbprint(first);
        assertThat(first.tokens().tokenType()).isEqualTo("DPoP");
        for (int refresh = 1; refresh <= 2; refresh++) {
            ageTo(clock, Interop.stored(tokens, rs.endpoint()), STALE_AGE);
            assertThat(echo(client, "after refresh " + refresh).text()).isEqualTo("echo: after refresh " + refresh);
        }
        client.close().block(Interop.CALL_TIMEOUT);
        oauth.dispose();
        assertThat(as.count(clientId, e -> e.isGrant("refresh_token"))).as("refreshes before the restart").isEqualTo(2);

        // Another process: the same token file, a clock by which the stored token is stale, a user who would log in.
        FormLoginCodeSource again = new FormLoginCodeSource("alice");
        McpOAuth restarted = dpopOAuth(tokens, again, AdjustableClock.seeing(Interop.stored(tokens, rs.endpoint()),
                STALE_AGE), Dpop.es256());
        McpClient restartedClient = Interop.client(rs.endpoint(), restarted);
        restartedClient.connect().block(Interop.CALL_TIMEOUT);
        assertThat(echo(restartedClient, "restarted").text()).isEqualTo("echo: restarted");
        restartedClient.close().block(Interop.CALL_TIMEOUT);
        restarted.dispose();

        List<OidcProviderServer.Event> grants = as.events(clientId, e -> e.event().startsWith("grant."));
        List<OidcProviderServer.Event> issued = as.events(clientId, OidcProviderServer.Event::isAccessTokenIssued);
        System.out.printf("[interop] dpop: %d token requests at the AS (%d nonce challenges), %d tokens issued, "
                        + "RS: %d calls with proofs, %d nonce challenges, refused %s%n", grants.size(),
                as.count(clientId, e -> e.isGrantError("use_dpop_nonce")), issued.size(), rs.dpopAccepted(),
                rs.nonceChallenges(), rs.rejected());
        assertThat(again.logins).as("logins after the restart").hasValue(0);
        assertThat(browser.logins).as("logins").hasValue(1);
        assertThat(as.count(clientId, e -> e.isGrant("authorization_code"))).as("codes redeemed").isEqualTo(1);
        assertThat(as.count(clientId, e -> e.isGrant("refresh_token"))).as("refreshes").isEqualTo(3);
        assertThat(grants).as("every token request carried a proof").allMatch(OidcProviderServer.Event::dpop);
        assertThat(grants).as("token errors other than the nonce demand")
                .filteredOn(e -> "grant.error".equals(e.event()) && !"use_dpop_nonce".equals(e.error())).isEmpty();
        assertThat(as.count(clientId, e -> e.isGrantError("use_dpop_nonce"))).as("nonce demands at the AS")
                .isBetween(1L, 2L);  // once per process (a nonce the server rotated in between may add none)
        assertThat(issued).as("access tokens issued, each bound to the one stored key").hasSize(4)
                .extracting(OidcProviderServer.Event::jkt).containsOnly(thumbprint);
        assertThat(thumbprint(Interop.stored(tokens, rs.endpoint()))).as("the key after the restart")
                .isEqualTo(thumbprint);
        assertThat(rs.rejected()).as("requests the resource server refused").isEmpty();
        assertThat(rs.dpopAccepted()).as("calls with a DPoP token and a valid proof: all of them")
                .isEqualTo(rs.accepted()).isEqualTo(6);   // initialize + 3 echoes, initialize + echo
        assertThat(rs.proofKeys()).containsExactly(thumbprint);
        assertThat(rs.nonceChallenges()).as("nonce demands at the MCP server: once per process").isEqualTo(2);
        assertThat(rs.distinctTokens()).as("access tokens used").isEqualTo(4);
    }

    @Test
    void dpopTurnsOnByItselfWhenTheMcpServerOffersOnlyDpop() {
        rs = ResourceServer.startDpop(as.issuer(), as.jwks(), "rs-nonce-2", false);
        Path tokens = dir.resolve("tokens.json");
        McpOAuth oauth = Interop.oauth(tokens, new FormLoginCodeSource("bob"), Clock.systemUTC()); // no .dpop(...)
        McpClient client = Interop.client(rs.endpoint(), oauth);

        client.connect().block(Interop.CALL_TIMEOUT);
        assertThat(echo(client, "auto").text()).isEqualTo("echo: auto");
        client.close().block(Interop.CALL_TIMEOUT);
        oauth.dispose();

        StoredCredentials stored = Interop.stored(tokens, rs.endpoint());
        String clientId = stored.registration().clientId();
        assertThat(stored.tokens().tokenType()).isEqualTo("DPoP");
        assertThat(as.events(clientId, e -> e.isGrant("authorization_code"))).singleElement()
                .extracting(OidcProviderServer.Event::dpop).isEqualTo(true);
        assertThat(as.events(clientId, OidcProviderServer.Event::isAccessTokenIssued))
                .extracting(OidcProviderServer.Event::jkt).containsExactly(thumbprint(stored));
        assertThat(rs.unauthenticated()).as("the one request that discovered the server").isEqualTo(1);
        assertThat(rs.rejected()).isEmpty();
        assertThat(rs.dpopAccepted()).isEqualTo(rs.accepted()).isEqualTo(2);
    }

    @Test
    void aServiceGetsDpopBoundClientCredentialsTokensWithTheAlgorithmTheServerListsAndRenewsThemWithTheSameKey() {
        rs = ResourceServer.startDpop(as.issuer(), as.jwks(), "rs-nonce-3", false);
        JsonNode registered = JSON.readTree(as.register("{\"grant_types\":[\"client_credentials\"],"
                + "\"response_types\":[],\"redirect_uris\":[],\"token_endpoint_auth_method\":\"client_secret_basic\","
                + "\"dpop_bound_access_tokens\":true}"));   // the server refuses this client a token without a proof
        String clientId = registered.get("client_id").asString();
        Path tokens = dir.resolve("tokens.json");
        AdjustableClock clock = new AdjustableClock(Duration.ZERO);
        McpOAuth oauth = McpOAuth.builder().tokenStore(FileTokenStore.at(tokens)).clock(clock)
                .clientCredentials(ClientCredentials.clientSecretBasic(clientId,
                        registered.get("client_secret").asString()))
                .dpop(Dpop.withAlgorithm("PS256")).build();   // oidc-provider lists ES256, Ed25519, EdDSA
        McpClient client = Interop.client(rs.endpoint(), oauth);

        client.connect().block(Interop.CALL_TIMEOUT);
        assertThat(JSON.readTree(Interop.stored(tokens, rs.endpoint()).tokens().dpopKey()).get("kty").asString())
                .as("the key type of the algorithm the server's metadata lists (ES256), not the configured PS256")
                .isEqualTo("EC");
        assertThat(echo(client, "service").text()).isEqualTo("echo: service");
        ageTo(clock, Interop.stored(tokens, rs.endpoint()), STALE_AGE);
        assertThat(echo(client, "renewed").text()).isEqualTo("echo: renewed");
        client.close().block(Interop.CALL_TIMEOUT);
        oauth.dispose();

        String thumbprint = thumbprint(Interop.stored(tokens, rs.endpoint()));
        assertThat(as.events(clientId, e -> e.isGrant("client_credentials"))).as("client credentials grants")
                .hasSize(2).allMatch(OidcProviderServer.Event::dpop);
        assertThat(as.events(clientId, OidcProviderServer.Event::isAccessTokenIssued))
                .extracting(OidcProviderServer.Event::jkt).containsExactly(thumbprint, thumbprint);
        assertThat(as.count(clientId, e -> "grant.error".equals(e.event()) && !"use_dpop_nonce".equals(e.error())))
                .as("token errors").isZero();
        assertThat(rs.rejected()).isEmpty();
        assertThat(rs.dpopAccepted()).isEqualTo(rs.accepted()).isEqualTo(3);
        assertThat(rs.proofKeys()).containsExactly(thumbprint);
    }

    @Test
    void twoHundredCallersWithAnExpiredDpopTokenShareOneRefreshAndAllSucceed() {
        rs = ResourceServer.startDpop(as.issuer(), as.jwks(), "rs-nonce-4", false);
        Path tokens = dir.resolve("tokens.json");
        AdjustableClock clock = new AdjustableClock(Duration.ZERO);
        McpOAuth oauth = dpopOAuth(tokens, new FormLoginCodeSource("carol"), clock, Dpop.es256());
        McpClient client = Interop.client(rs.endpoint(), oauth);
        client.connect().block(Interop.CALL_TIMEOUT);
        StoredCredentials before = Interop.stored(tokens, rs.endpoint());
        String clientId = before.registration().clientId();
        long acceptedBefore = rs.dpopAccepted();

        ageTo(clock, before, Duration.ofSeconds(31));   // expired, by the client's clock
        int callers = 200;
        long t0 = System.nanoTime();
        List<CallToolResult> results = Flux.range(0, callers)
                .flatMap(i -> client.callTool("echo", Map.of("message", "caller " + i)), callers)
                .collectList().block(Interop.CALL_TIMEOUT);
        long burstMillis = (System.nanoTime() - t0) / 1_000_000;
        client.close().block(Interop.CALL_TIMEOUT);
        oauth.dispose();

        long refreshes = as.count(clientId, e -> e.isGrant("refresh_token"));
        System.out.printf("[interop] dpop burst: %d callers with an expired DPoP token -> %d refresh token requests "
                + "at the AS, %d calls with proofs at the RS, refused %s, %d ms%n", callers, refreshes,
                rs.dpopAccepted() - acceptedBefore, rs.rejected(), burstMillis);
        assertThat(results).hasSize(callers).extracting(CallToolResult::text)
                .allMatch(text -> text.startsWith("echo: caller "));
        assertThat(refreshes).as("refresh token requests at the authorization server").isEqualTo(1);
        assertThat(as.count(clientId, e -> e.isGrantError("invalid_grant"))).isZero();
        assertThat(rs.dpopAccepted() - acceptedBefore).as("calls, each with its own verified proof").isEqualTo(callers);
        assertThat(rs.rejected()).isEmpty();
        StoredCredentials after = Interop.stored(tokens, rs.endpoint());
        assertThat(after.tokens().refreshToken()).isNotEqualTo(before.tokens().refreshToken());
        assertThat(thumbprint(after)).isEqualTo(thumbprint(before));
        assertThat(rs.lastToken()).isEqualTo(after.tokens().accessToken());
    }

    private static McpOAuth dpopOAuth(Path tokens, FormLoginCodeSource browser, Clock clock, Dpop dpop) {
        return McpOAuth.builder().tokenStore(FileTokenStore.at(tokens)).clientName("reactive-mcp interop tests")
                .clock(clock).codeSource(browser).dpop(dpop).build();
    }

    private static CallToolResult echo(McpClient client, String message) {
        return client.callTool("echo", Map.of("message", message)).block(Interop.CALL_TIMEOUT);
    }

    /** Moves {@code clock} so that {@code stored}, as last written, is {@code age} old. */
    private static void ageTo(AdjustableClock clock, StoredCredentials stored, Duration age) {
        clock.advance(Duration.between(clock.instant(), stored.updatedAt().plus(age)));
    }

    /** The RFC 7638 thumbprint of the key stored with the tokens. */
    private static String thumbprint(StoredCredentials stored) {
        try {
            return JWK.parse(stored.tokens().dpopKey()).computeThumbprint().toString();
        } catch (Exception e) {
            throw new IllegalStateException("no DPoP key stored", e);
        }
    }

}
