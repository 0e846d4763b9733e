package dev.reactivemcp.oauth.owners;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reactivemcp.oauth.AuthorizationCodeSource.Redirect;
import dev.reactivemcp.oauth.AuthorizationRequiredException;
import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.InMemoryTokenStore;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.McpOwner;
import dev.reactivemcp.oauth.PendingLogin;
import dev.reactivemcp.oauth.PendingLoginStore;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.ProtocolNegotiation;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A {@link PendingLogin} as the library hands it to a {@link PendingLoginStore} in a real service login: its
 * {@code toString()} and the messages it builds never carry the {@code state}, the PKCE verifier, the rest of its
 * secrets or the authorization code of its redirect.
 */
class PendingLoginTest {

    private final TestClock clock = TestClock.manual();
    private final LoginServer server = new LoginServer();
    @RegisterExtension
    final OwnersTeardown teardown = new OwnersTeardown(server);
    private final KeepingStore logins = new KeepingStore();
    private McpClient client;
    private McpOAuth oauth;

    @Test
    void aStoredLoginsToStringShowsWhoAndWhereButNeverItsStateVerifierSecretsOrTheRedirectsCode() {
        oauth = McpOAuth.builder().serviceLogin(LoginServer.REDIRECT_URI).pendingLoginStore(logins)
                .tokenStore(new InMemoryTokenStore()).clock(clock)
                .preRegisteredClient(new ClientRegistration(server.base(), LoginServer.CLIENT_ID, null, "none",
                        List.of(LoginServer.REDIRECT_URI)))
                .ownerRequired(true)
                .build();
        teardown.shutsDown(oauth);
        client = teardown.closes(McpClient.builder(server.mcp()).filter(oauth.filterFor(server.mcp()))
                .negotiation(ProtocolNegotiation.pinned("2026-07-28")).build());

        AuthorizationRequiredException needed = ServiceLoginTest.loginNeeded(client, "whoami", "alice");
        URI redirect = ServiceLoginTest.browse(needed.authorizationUrl(), "alice");
        PendingLogin login = logins.put.get(0);
        String state = Redirect.fromQuery(needed.authorizationUrl().getRawQuery()).state().orElseThrow();
        String code = Redirect.fromQuery(redirect.getRawQuery()).code().orElseThrow();
        String verifier = field(login.secrets(), "verifier");
        oauth.completeLogin(redirect).contextWrite(McpOwner.of("alice")).block(ServiceLoginTest.WAIT);

        assertThat(login.state()).isEqualTo(state);
        assertThat(server.tokenRequests("alice")).as("the code was redeemed with this login").isEqualTo(1);
        assertThat(login.toString())
                .contains("alice", server.mcp().toString(), server.base())
                .doesNotContain(state, verifier, code, login.secrets());
    }

    @Test
    void theMessagesItBuildsForBadInputNameTheFieldNeverTheSecrets() {
        String state = "state-secret-3f9a";
        String secrets = "{\"verifier\":\"verifier-secret-77c1\"}";
        Instant at = Instant.parse("2026-12-07T00:00:00Z");

        assertThatThrownBy(() -> new PendingLogin("", "alice", "https://mcp.example/mcp", "https://as.example",
                List.of("mcp"), at, secrets))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("state").hasMessageNotContaining("verifier-secret-77c1");
        assertThatThrownBy(() -> new PendingLogin(state, null, "https://mcp.example/mcp", "https://as.example",
                List.of("mcp"), at, secrets))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("owner");
        assertThatThrownBy(() -> new PendingLogin(state, "alice", "https://mcp.example/mcp", "https://as.example",
                List.of("mcp"), null, secrets))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("expiresAt");
        assertThat(new PendingLogin(state, "alice", "https://mcp.example/mcp", "https://as.example", null, at,
                secrets).toString()).doesNotContain(state, "verifier-secret-77c1", secrets);
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        assertThat(m.find()).as("%s in the login's secrets", name).isTrue();
        return m.group(1);
    }

    /** Keeps every login it is given (single-use take by state), as a shared store of a service would. */
    private static final class KeepingStore implements PendingLoginStore {
        final List<PendingLogin> put = new CopyOnWriteArrayList<>();
        private final Map<String, PendingLogin> byState = new ConcurrentHashMap<>();

        @Override
        public Mono<Void> put(PendingLogin login, int perOwner) {
            return Mono.fromRunnable(() -> {
                put.add(login);
                byState.put(login.state(), login);
            });
        }

        @Override
        public Mono<PendingLogin> take(String state) {
            return Mono.fromSupplier(() -> byState.remove(state));
        }

        @Override
        public Flux<PendingLogin> waiting(String owner, String endpoint) {
            return Flux.fromIterable(List.copyOf(put)).filter(l -> byState.containsKey(l.state())
                    && l.owner().equals(owner) && l.endpoint().equals(endpoint)).sort((a, b) -> b.expiresAt()
                    .compareTo(a.expiresAt()));
        }
    }
}
