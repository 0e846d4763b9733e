package dev.reactivemcp.oauth.grants;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.InMemoryTokenStore;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenProvider;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.transport.ExchangeFilterFunction;
import dev.reactivemcp.transport.ExchangeFunction;
import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.McpHttpResponse;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A provider the application adds ({@link McpOAuth.Builder#tokenProvider}) gets everything the engine owns for free:
 * one acquisition for a burst of callers, persistence before use, one renewal per burst when it says it
 * {@link TokenProvider#renews renews} the credentials, and its order before the built-in grants.
 */
class TokenProviderChainTest {

    private static final URI MCP = URI.create("https://mcp.example.com/mcp");
    private static final int BURST = 20;

    private final TestClock clock = TestClock.manual();
    private final InMemoryTokenStore store = new InMemoryTokenStore();
    private final AtomicInteger unauthorized = new AtomicInteger();
    private final Sinks.Empty<Void> allRejected = Sinks.empty();
    private final Queue<TokenProvider.Context> asked = new ConcurrentLinkedQueue<>();

    /** The MCP server: 200 for {@code Bearer v1}/{@code Bearer v2}, else 401; the burst's 401s open the gate. */
    private final ExchangeFunction server = request -> Mono.fromSupplier(() -> {
        String auth = request.headers().first("Authorization").orElse("none");
        if (auth.equals("Bearer v1") || auth.equals("Bearer v2")) {
            return McpHttpResponse.of(200, Headers.empty(), new byte[0]);
        }
        if (unauthorized.incrementAndGet() == BURST) {
            allRejected.tryEmitEmpty();
        }
        return McpHttpResponse.of(401, Headers.of(Map.of("WWW-Authenticate", List.of("Bearer"))), new byte[0]);
    });

    /** Acquires v1 once the whole burst was rejected; renews to v2. */
    private final TokenProvider vault = new TokenProvider() {
        @Override
        public Mono<StoredCredentials> provide(Context context) {
            asked.add(context);
            return context.purpose() == Purpose.ACQUIRE
                    ? allRejected.asMono().then(Mono.fromSupplier(() -> credentials("v1")))
                    : Mono.just(context.current().withTokens(tokens("v2"), clock.instant()));
        }

        @Override
        public boolean renews(StoredCredentials stored) {
            return stored.registration().clientId().equals("vault-client");
        }
    };

    @Test
    void aBurstWithNothingStoredSharesOneAcquisitionThatIsPersistedBeforeUse() {
        McpOAuth oauth = McpOAuth.builder().clock(clock).tokenStore(store).tokenProvider(vault).build();

        List<Integer> statuses = burst(oauth.filterFor(MCP));

        assertThat(statuses).hasSize(BURST).containsOnly(200);
        assertThat(asked).hasSize(1).allSatisfy(c -> {
            assertThat(c.purpose()).isEqualTo(TokenProvider.Purpose.ACQUIRE);
            assertThat(c.endpoint()).isEqualTo(MCP.toString());
        });
        assertThat(store.findByEndpoint(MCP.toString()).blockFirst().tokens().accessToken()).isEqualTo("v1");
    }

    @Test
    void aBurstWithAnExpiredTokenSharesOneRenewalInsideTheStoreTransaction() {
        store.save(credentials("v1")).block();
        McpOAuth oauth = McpOAuth.builder().clock(clock).tokenStore(store).tokenProvider(vault).build();
        clock.advance(Duration.ofHours(2));

        List<Integer> statuses = burst(oauth.filterFor(MCP));

        assertThat(statuses).containsOnly(200);
        assertThat(asked).hasSize(1).allSatisfy(c -> {
            assertThat(c.purpose()).isEqualTo(TokenProvider.Purpose.RENEW);
            assertThat(c.current().tokens().accessToken()).isEqualTo("v1");
        });
        StoredCredentials stored = store.findByEndpoint(MCP.toString()).blockFirst();
        assertThat(stored.tokens().accessToken()).isEqualTo("v2");
        assertThat(stored.tokens().refreshToken()).as("the refresh token the answer did not replace is kept")
                .isEqualTo("rt-kept");
    }

    private List<Integer> burst(ExchangeFilterFunction filter) {
        return Flux.range(0, BURST)
                .flatMap(i -> filter.filter(McpHttpRequest.of("POST", MCP), server).map(McpHttpResponse::status), BURST)
                .collectList().block(Duration.ofSeconds(10));
    }

    private StoredCredentials credentials(String token) {
        return new StoredCredentials(MCP.toString(), new CredentialKey(MCP.toString(), "https://vault.example.com",
                "vault-client"), new ClientRegistration("https://vault.example.com", "vault-client", null, "none",
                List.of()), new OAuthTokens(token, "Bearer", "rt-kept", clock.instant().plus(Duration.ofHours(1)),
                Set.of()), "https://vault.example.com/token", false, clock.instant());
    }

    private OAuthTokens tokens(String token) {
        return new OAuthTokens(token, "Bearer", null, clock.instant().plus(Duration.ofHours(1)), Set.of());
    }
}
