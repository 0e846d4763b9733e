package dev.reactivemcp.oauth.owners;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.oauth.AuthorizationCodeSource.Redirect;
import dev.reactivemcp.oauth.AuthorizationRequiredException;
import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.InMemoryTokenStore;
import dev.reactivemcp.oauth.LoginCompletionException;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.McpOwner;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.transport.CallToolResult;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.ProtocolNegotiation;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

/**
 * Login in a service ({@code McpOAuth.Builder.serviceLogin}): a call of an owner who must log in fails with the
 * authorization URL for that owner; a browser (an HTTP client here) follows it through the authorization server's
 * real redirect; the callback hands the redirect to {@code completeLogin} for the same owner, whose next call carries
 * the new token, checked on the MCP server's side. A redirect completed by another owner, replayed, expired or from
 * another issuer fails typed and stores nothing.
 */
class ServiceLoginTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    private final TestClock clock = TestClock.manual();
    private final LoginServer server = new LoginServer();
    @RegisterExtension
    final OwnersTeardown teardown = new OwnersTeardown(server);
    private final InMemoryTokenStore store = new InMemoryTokenStore();
    private McpOAuth oauth;

    private McpClient client(McpOAuth.Builder builder) {
        oauth = teardown.shutsDown(builder.tokenStore(store).clock(clock)
                .preRegisteredClient(new ClientRegistration(server.base(), LoginServer.CLIENT_ID, null, "none",
                        List.of(LoginServer.REDIRECT_URI)))
                .ownerRequired(true)
                .build());
        McpClient client = McpClient.builder(server.mcp()).filter(oauth.filterFor(server.mcp()))
                .negotiation(ProtocolNegotiation.pinned("2026-07-28")).build();
        teardown.closes(client);
        return client;
    }

    private McpClient client() {
        return client(McpOAuth.builder().serviceLogin(LoginServer.REDIRECT_URI));
    }

    static Mono<CallToolResult> call(McpClient client, String tool, String owner) {
        return client.callTool(tool, Map.of("asker", owner)).contextWrite(McpOwner.of(owner));
    }

    /** The call fails with the login URL of its owner. */
    static AuthorizationRequiredException loginNeeded(McpClient client, String tool, String owner) {
        Throwable error = call(client, tool, owner).map(r -> (Throwable) null).onErrorResume(Mono::just).block(WAIT);
        assertThat(error).as("the call itself fails with an AuthorizationRequiredException (onErrorResume by type)")
                .isInstanceOf(AuthorizationRequiredException.class);
        return (AuthorizationRequiredException) error;
    }

    /** The user's browser, logged in at the authorization server as {@code user}, follows {@code url} once. */
    static URI browse(URI url, String user) {
        return HttpClient.create().followRedirect(false).headers(h -> h.set("Cookie", "as-session=" + user))
                .get().uri(url).response()
                .map(resp -> {
                    assertThat(resp.status().code()).as("the authorization server redirects").isEqualTo(302);
                    return URI.create(resp.responseHeaders().get("Location"));
                }).block(WAIT);
    }

    private Mono<Void> complete(URI redirect, String owner) {
        return oauth.completeLogin(redirect).contextWrite(McpOwner.of(owner));
    }

    private List<StoredCredentials> stored(String owner) {
        return store.findByEndpoint(server.mcp().toString(), owner).collectList().block(WAIT);
    }

    @Test
    void aliceGetsHerLoginUrlCompletesTheRedirectAndHerNextCallCarriesHerOwnToken() {
        McpClient client = client();

        AuthorizationRequiredException login = loginNeeded(client, "whoami", "alice");

        assertThat(login.owner()).isEqualTo("alice");
        assertThat(login.endpoint()).isEqualTo(server.mcp());
        assertThat(login.issuer()).isEqualTo(server.base());
        assertThat(login.scopes()).containsExactly("mcp");
        assertThat(login.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
        assertThat(McpFailures.classify(login)).isInstanceOf(McpFailure.AuthenticationRequired.class);
        Redirect request = Redirect.fromQuery(login.authorizationUrl().getRawQuery());
        assertThat(request.get("code_challenge_method")).hasValue("S256");
        assertThat(request.get("redirect_uri")).hasValue(LoginServer.REDIRECT_URI);
        String state = request.state().orElseThrow();
        assertThat(login.getMessage()).doesNotContain(state).doesNotContain("alice");
        assertThat(login.toString()).doesNotContain(state);

        URI redirect = browse(login.authorizationUrl(), "alice");
        StepVerifier.create(complete(redirect, "alice")).verifyComplete();

        assertThat(server.tokenRequests("alice")).isEqualTo(1);
        assertThat(stored("alice")).singleElement().satisfies(c -> assertThat(c.tokens().accessToken())
                .isEqualTo("alice-at-1"));
        StepVerifier.create(call(client, "whoami", "alice").map(CallToolResult::text)).expectNext("alice")
                .verifyComplete();
        assertThat(server.callsOf("alice")).as("alice's requests reached the server with her token").isPositive();
        assertThat(server.crossings).hasValue(0);

        AuthorizationRequiredException bobs = loginNeeded(client, "whoami", "bob");
        assertThat(bobs.owner()).isEqualTo("bob");
        assertThat(server.callsOf("bob")).as("bob has no token: nothing ran for him").isZero();
    }

    @Test
    void concurrentCallsOfOneOwnerShareOneWaitingLoginAndOtherOwnersGetTheirOwn() {
        McpClient client = client();
        StepVerifier.create(complete(browse(loginNeeded(client, "whoami", "carol").authorizationUrl(), "carol"),
                "carol").then(call(client, "whoami", "carol"))).expectNextCount(1).verifyComplete(); // connected
        int codes = server.codesIssued.get();

        List<String> states = reactor.core.publisher.Flux.range(0, 6)
                .flatMap(i -> call(client, "whoami", i % 2 == 0 ? "alice" : "bob").map(r -> "")
                        .onErrorResume(AuthorizationRequiredException.class, e -> Mono.just(e.owner() + " "
                                + Redirect.fromQuery(e.authorizationUrl().getRawQuery()).state().orElseThrow())))
                .collectList().block(WAIT);

        assertThat(states).hasSize(6).allSatisfy(s -> assertThat(s).isNotBlank());
        assertThat(states.stream().distinct()).as("one login per owner, joined by its concurrent calls").hasSize(2);
        assertThat(states.stream().map(s -> s.split(" ")[0]).distinct()).containsExactlyInAnyOrder("alice", "bob");
        assertThat(server.codesIssued).hasValue(codes);
    }

    @Test
    void concurrentFirstCallsOfTwoOwnersBeforeTheClientConnectedEachGetTheirOwnLogin() {
        McpClient client = client();

        List<String> states = reactor.core.publisher.Flux.range(0, 6)
                .flatMap(i -> call(client, "whoami", i % 2 == 0 ? "alice" : "bob").map(r -> "")
                        .onErrorResume(AuthorizationRequiredException.class, e -> Mono.just(e.owner() + " "
                                + Redirect.fromQuery(e.authorizationUrl().getRawQuery()).state().orElseThrow())))
                .collectList().block(WAIT);

        assertThat(states).hasSize(6).allSatisfy(s -> assertThat(s).isNotBlank());
        assertThat(states.stream().distinct()).as("one login per owner, joined by its concurrent calls").hasSize(2);
        assertThat(states.stream().map(s -> s.split(" ")[0]).distinct()).containsExactlyInAnyOrder("alice", "bob");
        assertThat(server.codesIssued).hasValue(0);
    }

    @Test
    void laterCallsOfOneOwnerGetTheSameWaitingLoginUntilItIsCompletedOrExpires() {
        McpClient client = client();
        StepVerifier.create(complete(browse(loginNeeded(client, "whoami", "carol").authorizationUrl(), "carol"),
                "carol").then(call(client, "whoami", "carol"))).expectNextCount(1).verifyComplete(); // connected
        AuthorizationRequiredException first = loginNeeded(client, "whoami", "alice");
        clock.advance(Duration.ofMinutes(9));

        AuthorizationRequiredException again = loginNeeded(client, "whoami", "alice");

        assertThat(again.authorizationUrl()).as("one login to complete, whatever the timing of the calls")
                .isEqualTo(first.authorizationUrl());
        assertThat(again.expiresAt()).isEqualTo(first.expiresAt());
        AuthorizationRequiredException bobs = loginNeeded(client, "whoami", "bob");
        assertThat(bobs.owner()).isEqualTo("bob");
        assertThat(bobs.authorizationUrl()).isNotEqualTo(first.authorizationUrl());
        clock.advance(Duration.ofMinutes(1));
        AuthorizationRequiredException afterExpiry = loginNeeded(client, "whoami", "alice");
        assertThat(afterExpiry.authorizationUrl()).isNotEqualTo(first.authorizationUrl());
        StepVerifier.create(complete(browse(afterExpiry.authorizationUrl(), "alice"), "alice")).verifyComplete();
        StepVerifier.create(call(client, "whoami", "alice").map(CallToolResult::text)).expectNext("alice")
                .verifyComplete();
    }

    @Test
    void bobCompletingAlicesRedirectFailsTypedAndNothingIsStoredAndHerLoginIsSpent() {
        McpClient client = client();
        URI alicesRedirect = browse(loginNeeded(client, "whoami", "alice").authorizationUrl(), "alice");

        StepVerifier.create(complete(alicesRedirect, "bob"))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(LoginCompletionException.class);
                    assertThat(((LoginCompletionException) e).reason())
                            .isEqualTo(LoginCompletionException.Reason.OTHER_OWNER);
                    assertThat(e.getMessage()).doesNotContain("alice");
                    assertThat(McpFailures.classify(e)).isInstanceOf(McpFailure.AuthenticationRequired.class);
                }).verify(WAIT);

        assertThat(server.totalTokenRequests()).as("the code was never exchanged").isZero();
        assertThat(stored("bob")).isEmpty();
        assertThat(stored("alice")).isEmpty();
        StepVerifier.create(complete(alicesRedirect, "alice"))
                .expectErrorSatisfies(e -> assertThat(((LoginCompletionException) e).reason())
                        .isEqualTo(LoginCompletionException.Reason.UNKNOWN_STATE)).verify(WAIT);
        assertThat(server.totalTokenRequests()).isZero();
    }

    @Test
    void aLoginCompletedAfterItsValidityFailsTypedAndNothingIsExchanged() {
        McpClient client = client();
        URI redirect = browse(loginNeeded(client, "whoami", "alice").authorizationUrl(), "alice");
        clock.advance(Duration.ofMinutes(10));

        StepVerifier.create(complete(redirect, "alice"))
                .expectErrorSatisfies(e -> assertThat(((LoginCompletionException) e).reason())
                        .isEqualTo(LoginCompletionException.Reason.EXPIRED)).verify(WAIT);

        assertThat(server.totalTokenRequests()).isZero();
        assertThat(stored("alice")).isEmpty();
    }

    @Test
    void aReplayedRedirectFailsTypedAfterTheFirstCompletion() {
        McpClient client = client();
        URI redirect = browse(loginNeeded(client, "whoami", "alice").authorizationUrl(), "alice");
        StepVerifier.create(complete(redirect, "alice")).verifyComplete();

        StepVerifier.create(complete(redirect, "alice"))
                .expectErrorSatisfies(e -> assertThat(((LoginCompletionException) e).reason())
                        .isEqualTo(LoginCompletionException.Reason.UNKNOWN_STATE)).verify(WAIT);

        assertThat(server.tokenRequests("alice")).as("one exchange: the replay never reached the server").isEqualTo(1);
    }

    @Test
    void aRedirectNamingAnotherIssuerOrNoneFailsWithIssuerMismatchBeforeTheCodeIsExchanged() {
        McpClient client = client();
        server.issSent = "https://evil.example";
        URI forged = browse(loginNeeded(client, "whoami", "alice").authorizationUrl(), "alice");
        StepVerifier.create(complete(forged, "alice")).expectErrorSatisfies(e -> assertThat(McpFailures.classify(e))
                .isInstanceOf(McpFailure.IssuerMismatch.class)).verify(WAIT);
        server.issSent = "";   // the forged completion spent that login: the next call gets a new one
        URI stripped = browse(loginNeeded(client, "whoami", "alice").authorizationUrl(), "alice");

        StepVerifier.create(complete(stripped, "alice")).expectErrorSatisfies(e -> assertThat(McpFailures.classify(e))
                .isInstanceOf(McpFailure.IssuerMismatch.class)).verify(WAIT);

        assertThat(server.totalTokenRequests()).isZero();
        assertThat(stored("alice")).isEmpty();
    }

    @Test
    void aStepUpGivesTheUrlForTheUnionOfScopesAndTheCompletedStepUpServesTheCall() {
        McpClient client = client();
        StepVerifier.create(complete(browse(loginNeeded(client, "whoami", "alice").authorizationUrl(), "alice"),
                "alice")).verifyComplete();

        AuthorizationRequiredException stepUp = loginNeeded(client, "admin", "alice");

        assertThat(stepUp.scopes()).containsExactlyInAnyOrder("mcp", "admin");
        assertThat(Redirect.fromQuery(stepUp.authorizationUrl().getRawQuery()).get("scope").orElseThrow().split(" "))
                .containsExactlyInAnyOrder("mcp", "admin");
        StepVerifier.create(complete(browse(stepUp.authorizationUrl(), "alice"), "alice")).verifyComplete();
        StepVerifier.create(call(client, "admin", "alice").map(CallToolResult::text)).expectNext("alice")
                .verifyComplete();
        assertThat(server.tokenRequests("alice")).isEqualTo(2);
        assertThat(server.crossings).hasValue(0);
    }

    @Test
    void waitingLoginsAreBoundedAndTheOldestIsForgotten() {
        McpClient client = client(McpOAuth.builder().serviceLogin(LoginServer.REDIRECT_URI, Duration.ofMinutes(10), 2));
        URI first = browse(loginNeeded(client, "whoami", "alice").authorizationUrl(), "alice");
        URI bobs = browse(loginNeeded(client, "whoami", "bob").authorizationUrl(), "bob");
        URI carols = browse(loginNeeded(client, "whoami", "carol").authorizationUrl(), "carol");

        StepVerifier.create(complete(first, "alice"))
                .expectErrorSatisfies(e -> assertThat(((LoginCompletionException) e).reason())
                        .isEqualTo(LoginCompletionException.Reason.UNKNOWN_STATE)).verify(WAIT);
        StepVerifier.create(complete(bobs, "bob")).verifyComplete();
        StepVerifier.create(complete(carols, "carol")).verifyComplete();
        assertThat(server.tokenRequests("alice")).isZero();
    }
}
