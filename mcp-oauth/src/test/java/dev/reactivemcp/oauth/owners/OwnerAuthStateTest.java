package dev.reactivemcp.oauth.owners;

import static dev.reactivemcp.oauth.owners.ServiceLoginTest.WAIT;
import static dev.reactivemcp.oauth.owners.ServiceLoginTest.browse;
import static dev.reactivemcp.oauth.owners.ServiceLoginTest.loginNeeded;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.errors.StartupFailureReason;
import dev.reactivemcp.errors.StoredCredentialState;
import dev.reactivemcp.oauth.AuthState;
import dev.reactivemcp.oauth.AuthorizationRequiredException;
import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.InMemoryTokenStore;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.McpOwner;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.ProtocolNegotiation;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The state queries of {@code McpOAuth} ({@code authState}, {@code storedAuthState}, {@code storedCredentialState},
 * {@code startupFailureReason}) answer for the owner of the context they are subscribed in, as calls do: alice, who
 * logged in through the redirect, and bob, who did not, each see their own state.
 */
class OwnerAuthStateTest {

    private final TestClock clock = TestClock.manual();
    private final LoginServer server = new LoginServer();
    @RegisterExtension
    final OwnersTeardown teardown = new OwnersTeardown(server);
    private final InMemoryTokenStore store = new InMemoryTokenStore();
    private McpOAuth oauth;
    private McpClient client;

    private void build(boolean ownerRequired) {
        oauth = McpOAuth.builder().serviceLogin(LoginServer.REDIRECT_URI).tokenStore(store).clock(clock)
                .preRegisteredClient(new ClientRegistration(server.base(), LoginServer.CLIENT_ID, null, "none",
                        List.of(LoginServer.REDIRECT_URI)))
                .ownerRequired(ownerRequired)
                .build();
        teardown.shutsDown(oauth);
        client = teardown.closes(McpClient.builder(server.mcp()).filter(oauth.filterFor(server.mcp()))
                .negotiation(ProtocolNegotiation.pinned("2026-07-28")).build());
    }

    private void aliceLogsIn() {
        URI redirect = browse(loginNeeded(client, "whoami", "alice").authorizationUrl(), "alice");
        oauth.completeLogin(redirect).contextWrite(McpOwner.of("alice")).block(WAIT);
    }

    private static <T> T as(String owner, Mono<T> query) {
        return query.contextWrite(McpOwner.of(owner)).block(WAIT);
    }

    @Test
    void aliceWhoLoggedInSeesOauthAndBobWhoDidNotSeesLoginInEveryStateQuery() {
        build(true);
        aliceLogsIn();
        URI mcp = server.mcp();

        assertThat(as("alice", oauth.authState(mcp))).isEqualTo(AuthState.OAUTH);
        assertThat(as("bob", oauth.authState(mcp))).as("bob: nothing stored, discovery says OAuth")
                .isEqualTo(AuthState.LOGIN);
        assertThat(as("alice", oauth.storedAuthState(mcp))).isEqualTo(AuthState.OAUTH);
        assertThat(as("bob", oauth.storedAuthState(mcp))).isEqualTo(AuthState.LOGIN);
        assertThat(as("alice", oauth.storedCredentialState(mcp))).isEqualTo(StoredCredentialState.USABLE);
        assertThat(as("bob", oauth.storedCredentialState(mcp))).isEqualTo(StoredCredentialState.NONE);
    }

    @Test
    void aStartupFailureReasonReadsTheStateOfTheOwnerWhoseCallFailed() {
        build(true);
        aliceLogsIn();
        StoredCredentials alices = store.findByEndpoint(server.mcp().toString(), "alice").blockFirst(WAIT);
        store.save(alices.markRejected(clock.instant())).block(WAIT);   // her refresh token was refused
        AuthorizationRequiredException bobs = loginNeeded(client, "whoami", "bob");
        McpFailure.AuthenticationRequired refused = new McpFailure.AuthenticationRequired(List.of(), true);
        Throwable alicesFailure = new dev.reactivemcp.errors.McpException(refused, "401", null);

        assertThat(as("bob", oauth.startupFailureReason(server.mcp(), bobs)))
                .isEqualTo(StartupFailureReason.LOGIN_REQUIRED);
        assertThat(as("alice", oauth.startupFailureReason(server.mcp(), alicesFailure)))
                .isEqualTo(StartupFailureReason.REAUTHENTICATION_REQUIRED);
        assertThat(as("alice", oauth.storedAuthState(server.mcp()))).isEqualTo(AuthState.REAUTHENTICATION);
        assertThat(as("bob", oauth.storedAuthState(server.mcp()))).isEqualTo(AuthState.LOGIN);
    }

    @Test
    void withOwnerRequiredAStateQueryThatNamesNoOwnerFailsTypedLikeACall() {
        build(true);
        aliceLogsIn();

        for (Mono<?> query : List.of(oauth.authState(server.mcp()), oauth.storedAuthState(server.mcp()),
                oauth.storedCredentialState(server.mcp()),
                oauth.startupFailureReason(server.mcp(), loginNeeded(client, "whoami", "bob")))) {
            StepVerifier.create(query).expectErrorSatisfies(e -> {
                assertThat(McpFailures.classify(e)).isInstanceOf(McpFailure.AuthenticationRequired.class);
                assertThat(e.getMessage()).contains("names no owner");
            }).verify(WAIT);
        }
    }

    @Test
    void withoutOwnerRequiredAQueryThatNamesNoOwnerReadsTheDefaultOwnersStateNotAlices() {
        build(false);
        aliceLogsIn();

        assertThat(oauth.storedAuthState(server.mcp()).block(WAIT)).isEqualTo(AuthState.LOGIN);
        assertThat(oauth.storedCredentialState(server.mcp()).block(WAIT)).isEqualTo(StoredCredentialState.NONE);
        assertThat(as("alice", oauth.storedAuthState(server.mcp()))).isEqualTo(AuthState.OAUTH);
    }
}
