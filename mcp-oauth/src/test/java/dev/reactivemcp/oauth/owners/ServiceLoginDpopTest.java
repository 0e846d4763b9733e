package dev.reactivemcp.oauth.owners;

import static dev.reactivemcp.oauth.owners.ServiceLoginTest.WAIT;
import static dev.reactivemcp.oauth.owners.ServiceLoginTest.browse;
import static dev.reactivemcp.oauth.owners.ServiceLoginTest.call;
import static dev.reactivemcp.oauth.owners.ServiceLoginTest.loginNeeded;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import dev.reactivemcp.oauth.AuthorizationCodeSource.Redirect;
import dev.reactivemcp.oauth.AuthorizationRequiredException;
import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.Dpop;
import dev.reactivemcp.oauth.InMemoryTokenStore;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.McpOwner;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.transport.CallToolResult;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.ProtocolNegotiation;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Login in a service with DPoP (RFC 9449): each waiting login keeps its own proof key, named in the authorization
 * request ({@code dpop_jkt}, section 10); the completion proves the code exchange with it; the owner's tokens are
 * stored with it and every MCP request proves with it. Bindings are checked on the servers' side: the authorization
 * server refuses a code redeemed with another key, the MCP server a proof by another key than the token's
 * {@code cnf.jkt}.
 */
class ServiceLoginDpopTest {

    private final TestClock clock = TestClock.manual();
    private final LoginServer server = new LoginServer(true, clock);
    @RegisterExtension
    final OwnersTeardown teardown = new OwnersTeardown(server);
    private final InMemoryTokenStore store = new InMemoryTokenStore();
    private McpOAuth oauth;
    private McpClient client;

    private McpClient client() {
        oauth = McpOAuth.builder().serviceLogin(LoginServer.REDIRECT_URI).dpop(Dpop.es256())
                .tokenStore(store).clock(clock)
                .preRegisteredClient(new ClientRegistration(server.base(), LoginServer.CLIENT_ID, null, "none",
                        List.of(LoginServer.REDIRECT_URI)))
                .ownerRequired(true)
                .build();
        teardown.shutsDown(oauth);
        client = teardown.closes(McpClient.builder(server.mcp()).filter(oauth.filterFor(server.mcp()))
                .negotiation(ProtocolNegotiation.pinned("2026-07-28")).build());
        return client;
    }

    private void complete(AuthorizationRequiredException login, String owner) {
        URI redirect = browse(login.authorizationUrl(), owner);
        StepVerifier.create(oauth.completeLogin(redirect).contextWrite(McpOwner.of(owner))).verifyComplete();
    }

    private static String dpopJkt(AuthorizationRequiredException login) {
        return Redirect.fromQuery(login.authorizationUrl().getRawQuery()).get("dpop_jkt").orElseThrow();
    }

    private StoredCredentials stored(String owner) {
        List<StoredCredentials> all = store.findByEndpoint(server.mcp().toString(), owner).collectList().block(WAIT);
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    private static String thumbprint(String privateJwk) {
        try {
            return JWK.parse(privateJwk).toPublicJWK().computeThumbprint().toString();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aliceAndBobEachLogInThroughTheRedirectAndEachTokenIsBoundToTheirOwnKey() {
        McpClient client = client();
        AuthorizationRequiredException alices = loginNeeded(client, "whoami", "alice");
        AuthorizationRequiredException bobs = loginNeeded(client, "whoami", "bob");
        assertThat(dpopJkt(alices)).as("each login has its own key").isNotEqualTo(dpopJkt(bobs));
        assertThat(alices.toString() + alices.getMessage()).doesNotContain("\"d\"");

        complete(bobs, "bob");
        complete(alices, "alice");

        for (String owner : List.of("alice", "bob")) {
            StoredCredentials mine = stored(owner);
            String jkt = dpopJkt(owner.equals("alice") ? alices : bobs);
            assertThat(mine.tokens().tokenType()).isEqualTo("DPoP");
            assertThat(thumbprint(mine.tokens().dpopKey())).as(owner + "'s stored key is the key of her login")
                    .isEqualTo(jkt);
            assertThat(server.keysOf(owner)).as(owner + "'s token is bound (cnf.jkt) to that key at the server")
                    .containsExactly(jkt);
            StepVerifier.create(call(client, "whoami", owner).map(CallToolResult::text)).expectNext(owner)
                    .verifyComplete();
        }
        assertThat(server.problems).as("every proof verified, every code redeemed with its own key").isEmpty();
        assertThat(server.crossings).hasValue(0);
        assertThat(server.tokenRequests("alice")).isEqualTo(1);
        assertThat(server.tokenRequests("bob")).isEqualTo(1);
    }

    @Test
    void concurrentCallsOfOneOwnerShareOneWaitingLoginWithOneKey() {
        McpClient client = client();
        complete(loginNeeded(client, "whoami", "carol"), "carol");   // connects the client
        StepVerifier.create(call(client, "whoami", "carol")).expectNextCount(1).verifyComplete();

        List<AuthorizationRequiredException> logins = Flux.range(0, 8)
                .flatMap(i -> call(client, "whoami", i % 2 == 0 ? "alice" : "bob")
                        .map(r -> (AuthorizationRequiredException) null)
                        .onErrorResume(AuthorizationRequiredException.class, Mono::just))
                .collectList().block(WAIT);

        assertThat(logins).hasSize(8).doesNotContainNull();
        assertThat(logins.stream().map(ServiceLoginDpopTest::dpopJkt).distinct()).as("one key per owner").hasSize(2);
        assertThat(logins.stream().map(l -> l.owner() + " " + dpopJkt(l)).distinct()).hasSize(2);
        AuthorizationRequiredException alices = logins.stream().filter(l -> l.owner().equals("alice")).findFirst()
                .orElseThrow();
        complete(alices, "alice");
        StepVerifier.create(call(client, "whoami", "alice").map(CallToolResult::text)).expectNext("alice")
                .verifyComplete();
        assertThat(server.keysOf("alice")).containsExactly(dpopJkt(alices));
        assertThat(server.problems).isEmpty();
    }
}
