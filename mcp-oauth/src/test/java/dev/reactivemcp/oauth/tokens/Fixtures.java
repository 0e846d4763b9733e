package dev.reactivemcp.oauth.tokens;

import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenStore;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.oauth.internal.AuthorizationContext;
import dev.reactivemcp.oauth.internal.Authorizer;
import dev.reactivemcp.oauth.internal.TokenRefresher;
import dev.reactivemcp.oauth.internal.filter.AuthDiscovery;
import dev.reactivemcp.oauth.internal.filter.EngineConfig;
import dev.reactivemcp.oauth.internal.filter.RefreshPolicy;
import dev.reactivemcp.oauth.internal.filter.TokenEngine;
import dev.reactivemcp.transport.ExchangeFunction;
import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.McpHttpResponse;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** Shared test data and fakes for the token tests. */
final class Fixtures {

    static final String ENDPOINT = "https://mcp.example.com/mcp";
    static final String ISSUER = "https://as.example.com";
    static final CredentialKey KEY = new CredentialKey(ENDPOINT, ISSUER, "client-1");
    static final String CLIENT_SECRET = "client-secret-SHOULD-NOT-LEAK";
    static final ClientRegistration REGISTRATION =
            new ClientRegistration(ISSUER, "client-1", CLIENT_SECRET, "client_secret_post", List.of());
    static final RefreshPolicy NO_JITTER = RefreshPolicy.DEFAULT.withMaxJitter(Duration.ZERO);

    private Fixtures() { }

    static StoredCredentials credentials(String accessToken, String refreshToken, Instant expiresAt) {
        return credentials(ENDPOINT, "https://as.example.com/token", accessToken, refreshToken, expiresAt);
    }

    static StoredCredentials credentials(String endpoint, String tokenEndpoint, String accessToken,
                                         String refreshToken, Instant expiresAt) {
        return new StoredCredentials(endpoint, KEY, REGISTRATION,
                new OAuthTokens(accessToken, "Bearer", refreshToken, expiresAt, Set.of("mcp")), tokenEndpoint,
                false, TestClock.BASE.minusSeconds(3600));
    }

    static McpHttpRequest post() {
        return McpHttpRequest.of("POST", URI.create(ENDPOINT)).withBody("{}".getBytes());
    }

    static McpHttpResponse response(int status, Map<String, List<String>> headers) {
        return McpHttpResponse.of(status, Headers.of(headers), new byte[0]);
    }

    static McpHttpResponse ok() {
        return response(200, Map.of());
    }

    static McpHttpResponse unauthorized(String challenge) {
        return response(401, Map.of("WWW-Authenticate", List.of(challenge)));
    }

    /** Builds engines over fakes. */
    static final class EngineBuilder {
        TokenStore store;
        Authorizer authorizer = context -> Mono.error(new AssertionError("no login expected"));
        TokenRefresher refresher;
        AuthDiscovery discovery = uri -> Mono.just(true);
        Clock clock = TestClock.manual();
        Scheduler timer = Schedulers.parallel();
        RefreshPolicy policy = NO_JITTER;
        boolean loginAllowed;
        String staticAuthorization;

        EngineBuilder(TokenStore store, TokenRefresher refresher) {
            this.store = store;
            this.refresher = refresher;
        }

        TokenEngine build() {
            return build(dev.reactivemcp.oauth.internal.filter.OwnerResolution.DEFAULT);
        }

        TokenEngine build(dev.reactivemcp.oauth.internal.filter.OwnerResolution owners) {
            return new TokenEngine(new EngineConfig(store, authorizer, refresher, discovery, clock, timer, policy,
                    loginAllowed, staticAuthorization), owners);
        }

        /**
         * An engine in virtual time: {@code store} first holds at-0 / rt-0 expiring at {@code expiry}; time is
         * {@code clock}, timers run on {@code vts}.
         */
        static TokenEngine inVirtualTime(TokenStore store, TokenRefresher refresher, Clock clock,
                Scheduler vts, Instant expiry) {
            store.save(credentials("at-0", "rt-0", expiry)).block();
            EngineBuilder b = new EngineBuilder(store, refresher);
            b.clock = clock;
            b.timer = vts;
            return b.build();
        }
    }

    /** A token endpoint fake: issues at-N / rt-N, counts calls, records the refresh tokens presented. */
    static final class FakeRefresher implements TokenRefresher {
        final AtomicInteger calls = new AtomicInteger();
        final Queue<String> presented = new ConcurrentLinkedQueue<>();
        final Clock clock;
        volatile boolean rotate = true;
        volatile Duration lifetime = Duration.ofHours(1);
        volatile Function<Integer, Mono<OAuthTokens>> override;
        volatile Mono<?> holdUntil = Mono.empty();

        FakeRefresher(Clock clock) {
            this.clock = clock;
        }

        @Override
        public Mono<OAuthTokens> refresh(StoredCredentials current) {
            return Mono.defer(() -> {
                int n = calls.incrementAndGet();
                presented.add(current.tokens().refreshToken());
                Function<Integer, Mono<OAuthTokens>> o = override;
                Mono<OAuthTokens> issued = o != null ? o.apply(n) : Mono.fromSupplier(() -> new OAuthTokens("at-" + n,
                        "Bearer", rotate ? "rt-" + n : null, clock.instant().plus(lifetime), Set.of()));
                return holdUntil.then(issued);
            });
        }
    }

    /** The MCP server side: answers every request with {@code responder}, records what was sent. */
    static final class FakeExchange implements ExchangeFunction {
        final Queue<McpHttpRequest> requests = new ConcurrentLinkedQueue<>();
        final Function<McpHttpRequest, McpHttpResponse> responder;

        FakeExchange(Function<McpHttpRequest, McpHttpResponse> responder) {
            this.responder = responder;
        }

        /** 200 for {@code Bearer <token>} where {@code accepts(token)}, 401 invalid_token otherwise. */
        static FakeExchange accepting(java.util.function.Predicate<String> accepts) {
            return new FakeExchange(r -> r.headers().first("Authorization")
                    .filter(h -> h.startsWith("Bearer ") && accepts.test(h.substring(7))).isPresent()
                    ? ok() : unauthorized("Bearer error=\"invalid_token\", resource_metadata=\""
                    + "https://mcp.example.com/.well-known/oauth-protected-resource/mcp\""));
        }

        @Override
        public Mono<McpHttpResponse> exchange(McpHttpRequest request) {
            return Mono.fromSupplier(() -> {
                requests.add(request);
                return responder.apply(request);
            });
        }

        List<String> tokensSent() {
            return requests.stream().map(r -> r.headers().first("Authorization").orElse("none")).toList();
        }
    }

    /** Records authorizations; answers with {@code issue}. */
    static final class FakeAuthorizer implements Authorizer {
        final Queue<AuthorizationContext> contexts = new ConcurrentLinkedQueue<>();
        final Function<AuthorizationContext, Mono<StoredCredentials>> issue;

        FakeAuthorizer(Function<AuthorizationContext, Mono<StoredCredentials>> issue) {
            this.issue = issue;
        }

        @Override
        public Mono<StoredCredentials> authorize(AuthorizationContext context) {
            return Mono.defer(() -> {
                contexts.add(context);
                return issue.apply(context);
            });
        }
    }
}
