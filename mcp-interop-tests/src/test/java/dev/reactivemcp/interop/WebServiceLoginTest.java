package dev.reactivemcp.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.examples.web.WhoamiWebService;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The web service example ({@link WhoamiWebService}) with two browsers, alice's and bob's, against the real
 * authorization server (oidc-provider: discovery, dynamic registration, PKCE, its own login and consent pages) and an
 * MCP server (2026-07-28) that verifies each token's signature and records the {@code sub} each {@code tools/call}
 * carried. Each user logs in through the service's redirects and calls the tool with their own identity, through one
 * shared {@code McpClient}; a callback replayed in another user's browser is refused and stores nothing.
 */
class WebServiceLoginTest {

    @RegisterExtension
    final InteropServers<OidcProviderServer> servers = InteropServers.oidcProvider();
    private final OidcProviderServer as = servers.authorizationServer();
    private final ResourceServer rs = servers.resourceServer();

    private final AtomicReference<WhoamiWebService> service = new AtomicReference<>();
    // The callback URL names the port, and the port is known once bound: the handler finds the service when called.
    private final DisposableServer web = HttpServer.create().host("127.0.0.1").port(0)
            .handle((request, response) -> service.get().handle(request, response)).bindNow();
    private final URI base = URI.create("http://127.0.0.1:" + web.port());
    private final URI page = base.resolve(WhoamiWebService.PAGE);

    {
        service.set(WhoamiWebService.wire(rs.endpoint(), base.toString()));
    }

    @AfterEach
    void stop() {
        web.disposeNow();
        service.get().shutdown().block(Duration.ofSeconds(15));
    }

    private boolean atTheAuthorizationServer(URI url) {
        return url.toString().startsWith(as.issuer().toString());
    }

    private boolean atTheCallback(URI url) {
        return url.toString().startsWith(base.resolve(WhoamiWebService.CALLBACK).toString());
    }

    /** The client id the service registered, read from the authorization URL the browser was sent to. */
    private static String clientId(List<URI> visited) {
        return visited.stream().filter(u -> u.getPath().equals("/auth")).findFirst()
                .flatMap(u -> dev.reactivemcp.oauth.AuthorizationCodeSource.Redirect.fromQuery(u.getRawQuery())
                        .get("client_id"))
                .orElseThrow(() -> new AssertionError("no authorization request in " + visited));
    }

    @Test
    void twoUsersLogInThroughRedirectsAndEachCallsTheToolWithTheirOwnIdentity() {
        Browser alice = new Browser("alice");
        Browser bob = new Browser("bob");

        Browser.Page alicesFirst = alice.open(page);
        assertThat(alicesFirst.status()).as(alicesFirst.body()).isEqualTo(200);
        assertThat(alicesFirst.body()).contains("The MCP server sees you as: alice");
        assertThat(alicesFirst.url()).isEqualTo(page);
        assertThat(alice.visited()).as("page, authorization server, callback, page")
                .anyMatch(this::atTheAuthorizationServer).anyMatch(this::atTheCallback);
        assertThat(alice.logins()).isEqualTo(1);
        assertThat(alice.consents()).isEqualTo(1);
        assertThat(rs.toolCallSubjects()).containsExactly("alice");

        Browser.Page bobsFirst = bob.open(page);
        assertThat(bobsFirst.status()).as(bobsFirst.body()).isEqualTo(200);
        assertThat(bobsFirst.body()).contains("The MCP server sees you as: bob");
        assertThat(bob.logins()).as("bob logged in himself: alice's login is no use to him").isEqualTo(1);
        assertThat(rs.toolCallSubjects()).containsExactly("alice", "bob");

        int alicesHops = alice.visited().size();
        int bobsHops = bob.visited().size();
        assertThat(alice.open(page).body()).contains("sees you as: alice");
        assertThat(bob.open(page).body()).contains("sees you as: bob");
        assertThat(alice.open(page).body()).contains("sees you as: alice");
        assertThat(alice.visited().subList(alicesHops, alice.visited().size()))
                .as("logged in: straight to the page").containsOnly(page);
        assertThat(bob.visited().subList(bobsHops, bob.visited().size())).containsOnly(page);

        assertThat(rs.toolCallSubjects()).as("the sub of the token each tools/call carried, on the MCP server's side")
                .containsExactly("alice", "bob", "alice", "bob", "alice");
        assertThat(rs.rejected()).as("tokens the MCP server refused").isEmpty();
        String clientId = clientId(alice.visited());
        assertThat(clientId(bob.visited())).as("one client, the service, for all users").isEqualTo(clientId);
        assertThat(as.count(clientId, e -> "registration_create.success".equals(e.event()))).isEqualTo(1);
        assertThat(as.count(clientId, e -> e.isGrant("authorization_code"))).as("one code exchange per user")
                .isEqualTo(2);
        assertThat(as.count(clientId, e -> "grant.error".equals(e.event()))).isZero();
    }

    @Test
    void bobReplayingAlicesCallbackInHisBrowserIsRefusedAndNothingIsStoredForHim() {
        Browser alice = new Browser("alice");
        Browser bob = new Browser("bob");
        URI alicesCallback = alice.openUntil(page, this::atTheCallback); // logged in at the AS, not yet back
        bob.openUntil(page, this::atTheAuthorizationServer);               // bob has a session, and no login

        Browser.Page replay = bob.open(alicesCallback);

        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.body()).contains("started in another browser session").contains("OTHER_OWNER")
                .doesNotContain("code=").doesNotContain("visitor-");
        String clientId = clientId(alice.visited());
        assertThat(as.count(clientId, e -> e.isGrant("authorization_code"))).as("alice's code was never exchanged")
                .isZero();
        URI bobsNext = bob.openUntil(page, this::atTheAuthorizationServer);
        assertThat(bobsNext.getPath()).as("bob must still log in: nothing was stored for him").isEqualTo("/auth");
        assertThat(rs.toolCallSubjects()).as("no tool call ran").isEmpty();

        Browser.Page late = alice.open(alicesCallback);
        assertThat(late.status()).as("the refused login is spent, for alice too").isEqualTo(400);
        assertThat(late.body()).contains("unknown or was already used").contains("UNKNOWN_STATE");
        Browser.Page again = alice.open(page);
        assertThat(again.body()).as("alice logs in again").contains("sees you as: alice");
        assertThat(rs.toolCallSubjects()).containsExactly("alice");

        Browser.Page stranger = new Browser("carol").open(alicesCallback);
        assertThat(stranger.status()).isEqualTo(400);
        assertThat(stranger.body()).contains("has no session here");
    }
}
