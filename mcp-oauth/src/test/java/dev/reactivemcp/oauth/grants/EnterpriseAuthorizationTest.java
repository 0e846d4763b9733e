package dev.reactivemcp.oauth.grants;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.oauth.ClientCredentials;
import dev.reactivemcp.oauth.EnterpriseAuthorization;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.transport.ExchangeFilterFunction;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.spi.ReactorNettyExchange;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * Enterprise-managed authorization (SEP-990) end to end: the ID token is exchanged at the identity provider for an
 * ID-JAG (RFC 8693) with the MCP authorization server as {@code audience} and the MCP server as {@code resource};
 * the ID-JAG is redeemed there with the JWT-bearer grant under the client's Basic credentials. Counted at the
 * servers.
 */
class EnterpriseAuthorizationTest {

    private final TestClock clock = TestClock.manual();
    private final ReactorNettyExchange http = new ReactorNettyExchange(HttpClient.create());

    @Test
    void exchangesTheIdTokenForAnIdJagAndRedeemsItWithTheJwtBearerGrant() {
        String basic = "Basic " + Base64.getEncoder().encodeToString("mcp-client:mcp-secret"
                .getBytes(StandardCharsets.UTF_8));
        AtomicInteger idTokensRead = new AtomicInteger();
        try (CredentialsServer server = new CredentialsServer(clock, Duration.ofMinutes(10),
                r -> basic.equals(r.authorization()) && r.form().get("assertion").startsWith("jag-") ? null
                        : "invalid_grant")) {
            McpOAuth oauth = McpOAuth.builder().clock(clock).enterpriseAuthorization(EnterpriseAuthorization.idJag(
                    server.base() + "/idp/token", "idp-client",
                    Mono.fromSupplier(() -> "id-token-" + idTokensRead.incrementAndGet()),
                    ClientCredentials.clientSecretBasic("mcp-client", "mcp-secret"))).build();
            ExchangeFilterFunction filter = oauth.filterFor(URI.create(server.base() + "/mcp"));

            assertThat(status(filter, server)).isEqualTo(200);
            assertThat(status(filter, server)).isEqualTo(200);
            clock.advance(Duration.ofMinutes(10)); // expired: renewed with a fresh exchange
            assertThat(status(filter, server)).isEqualTo(200);

            assertThat(server.exchanges).hasSize(2).allSatisfy(exchange -> assertThat(exchange.form())
                    .containsEntry("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange")
                    .containsEntry("requested_token_type", "urn:ietf:params:oauth:token-type:id-jag")
                    .containsEntry("subject_token_type", "urn:ietf:params:oauth:token-type:id_token")
                    .containsEntry("audience", server.base())
                    .containsEntry("resource", server.base() + "/mcp")
                    .containsEntry("client_id", "idp-client"));
            assertThat(server.exchanges.stream().map(e -> e.form().get("subject_token")))
                    .containsExactly("id-token-1", "id-token-2");
            assertThat(server.tokenRequests).hasSize(2).allSatisfy(request -> {
                assertThat(request.form()).containsEntry("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer")
                        .containsEntry("resource", server.base() + "/mcp").doesNotContainKey("client_secret");
                assertThat(request.authorization()).isEqualTo(basic);
            });
            assertThat(server.tokenRequests.stream().map(r -> r.form().get("assertion")))
                    .containsExactly("jag-1", "jag-2");
            assertThat(server.tokensSeen).containsExactly("none", "cc-1", "cc-1", "cc-2");
        }
    }

    private int status(ExchangeFilterFunction filter, CredentialsServer server) {
        McpHttpRequest request = McpHttpRequest.of("POST", URI.create(server.base() + "/mcp"))
                .withHeader("Content-Type", "application/json").withBody("{}".getBytes(StandardCharsets.UTF_8));
        return filter.filter(request, http).flatMap(r -> r.releaseBody().thenReturn(r.status()))
                .block(Duration.ofSeconds(20));
    }
}
