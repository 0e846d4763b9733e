package dev.reactivemcp.tokenstore.redis;

import static dev.reactivemcp.oauth.owners.ServiceLoginFixture.browse;
import static dev.reactivemcp.oauth.owners.ServiceLoginFixture.call;
import static dev.reactivemcp.oauth.owners.ServiceLoginFixture.loginNeeded;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.oauth.AuthorizationCodeSource.Redirect;
import dev.reactivemcp.oauth.AuthorizationRequiredException;
import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.LoginCompletionException;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.McpOwner;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.oauth.owners.ServiceLoginFixture;
import dev.reactivemcp.transport.CallToolResult;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.ProtocolNegotiation;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Service logins shared by two replicas over one real redis-server: two {@link McpOAuth} instances, each with its own
 * {@link RedisPendingLoginStore} and {@link RedisTokenStore} on the same Redis, like two processes behind a load
 * balancer without sticky sessions. A login started on replica A is completed on replica B, once, by its owner only,
 * before its expiry; the effects are counted on the fake authorization and MCP server.
 */
class RedisPendingLoginStoreTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String PREFIX = "test:logins:";
    private static RedisProcess redis;

    private final TestClock clock = TestClock.manual();
    private final ServiceLoginFixture server = new ServiceLoginFixture();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private Replica a;
    private Replica b;

    /** One replica: its own stores (connections), its own McpOAuth and MCP client. */
    private record Replica(McpOAuth oauth, McpClient client, RedisTokenStore tokens) {
        Mono<Void> complete(URI redirect, String owner) {
            return oauth.completeLogin(redirect).contextWrite(McpOwner.of(owner));
        }
    }

    @BeforeAll
    static void startRedis() {
        redis = RedisProcess.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.stop();
    }

    @BeforeEach
    void twoReplicas() {
        try (RedisClient client = RedisClient.create(redis.uri());
             StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().flushall();
        }
        a = replica();
        b = replica();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        server.close();
    }

    private Replica replica() {
        RedisTokenStore tokens = RedisTokenStore.builder(redis.uri()).build();
        RedisPendingLoginStore logins = RedisPendingLoginStore.builder(redis.uri()).keyPrefix(PREFIX).clock(clock)
                .encryptWith("k1", new SecretKeySpec(new byte[32], "AES")).build();
        McpOAuth oauth = McpOAuth.builder().tokenStore(tokens).clock(clock)
                .preRegisteredClient(new ClientRegistration(server.base(), ServiceLoginFixture.CLIENT_ID, null, "none",
                        List.of(ServiceLoginFixture.REDIRECT_URI)))
                .serviceLogin(ServiceLoginFixture.REDIRECT_URI)
                .pendingLoginStore(logins)
                .ownerRequired(true)
                .build();
        McpClient client = McpClient.builder(server.mcp()).filter(oauth.filterFor(server.mcp()))
                .negotiation(ProtocolNegotiation.pinned("2026-07-28")).build();
        // closed in reverse order of need: the client, then McpOAuth, then its stores
        closing.add(() -> client.close().onErrorComplete().block(WAIT));
        closing.add(() -> oauth.shutdown().block(WAIT));
        closing.add(logins);
        closing.add(tokens);
        return new Replica(oauth, client, tokens);
    }

    private List<StoredCredentials> stored(Replica replica, String owner) {
        return replica.tokens().findByEndpoint(server.mcp().toString(), owner).collectList().block(WAIT);
    }

    private static LoginCompletionException.Reason failure(Mono<Void> completion) {
        Throwable e = completion.then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(WAIT);
        assertThat(e).isInstanceOf(LoginCompletionException.class);
        return ((LoginCompletionException) e).reason();
    }

    @Test
    void aliceLogsInOnReplicaACompletesOnReplicaBAndHerNextCallsOnBothCarryHerToken() {
        AuthorizationRequiredException login = loginNeeded(a.client(), "whoami", "alice");
        AuthorizationRequiredException againOnB = loginNeeded(b.client(), "whoami", "alice");
        assertThat(againOnB.authorizationUrl()).as("one waiting login for alice, whichever replica she calls")
                .isEqualTo(login.authorizationUrl());

        URI redirect = browse(login.authorizationUrl(), "alice");
        b.complete(redirect, "alice").block(WAIT);

        assertThat(server.tokenRequests("alice")).isEqualTo(1);
        assertThat(stored(a, "alice")).singleElement()
                .satisfies(c -> assertThat(c.tokens().accessToken()).isEqualTo("alice-at-1"));
        assertThat(call(a.client(), "whoami", "alice").map(CallToolResult::text).block(WAIT)).isEqualTo("alice");
        assertThat(call(b.client(), "whoami", "alice").map(CallToolResult::text).block(WAIT)).isEqualTo("alice");
        assertThat(server.callsOf("alice")).isPositive();
        assertThat(server.crossings()).isZero();
        assertThat(server.tokenRequests("alice")).as("no second login or token request").isEqualTo(1);
    }

    @Test
    void theSameRedirectCompletedOnATheOnBFindsNoLoginTheSecondTime() {
        URI redirect = browse(loginNeeded(a.client(), "whoami", "alice").authorizationUrl(), "alice");

        a.complete(redirect, "alice").block(WAIT);

        assertThat(failure(b.complete(redirect, "alice"))).isEqualTo(LoginCompletionException.Reason.UNKNOWN_STATE);
        assertThat(server.tokenRequests("alice")).as("the code was exchanged once").isEqualTo(1);
    }

    @Test
    void bobCompletingAlicesRedirectOnBFailsAsOtherOwnerAndNothingIsStored() {
        URI alicesRedirect = browse(loginNeeded(a.client(), "whoami", "alice").authorizationUrl(), "alice");

        assertThat(failure(b.complete(alicesRedirect, "bob"))).isEqualTo(LoginCompletionException.Reason.OTHER_OWNER);

        assertThat(server.totalTokenRequests()).as("the code was never exchanged").isZero();
        assertThat(stored(b, "bob")).isEmpty();
        assertThat(stored(b, "alice")).isEmpty();
        assertThat(failure(a.complete(alicesRedirect, "alice")))
                .as("the login was taken by the failed completion: single use")
                .isEqualTo(LoginCompletionException.Reason.UNKNOWN_STATE);
    }

    @Test
    void aRedirectCompletedAfterTheLoginExpiredFailsAsExpiredAndNothingIsStored() {
        URI redirect = browse(loginNeeded(a.client(), "whoami", "alice").authorizationUrl(), "alice");
        clock.advance(Duration.ofMinutes(10));

        assertThat(failure(b.complete(redirect, "alice"))).isEqualTo(LoginCompletionException.Reason.EXPIRED);

        assertThat(server.totalTokenRequests()).isZero();
        assertThat(stored(a, "alice")).isEmpty();
    }

    @Test
    void redisHoldsTheWaitingLoginSealedWithoutItsStateOrOwnerInKeysOrValues() {
        AuthorizationRequiredException login = loginNeeded(a.client(), "whoami", "alice");
        String state = Redirect.fromQuery(login.authorizationUrl().getRawQuery()).state().orElseThrow();

        try (RedisClient client = RedisClient.create(redis.uri());
             StatefulRedisConnection<String, String> c = client.connect()) {
            List<String> keys = c.sync().keys(PREFIX + "login:*");
            assertThat(keys).singleElement().satisfies(k -> assertThat(k).doesNotContain(state));
            String value = c.sync().get(keys.get(0));
            assertThat(value).startsWith("aesgcm:v1:k1:").doesNotContain(state).doesNotContain("alice");
            assertThat(c.sync().pttl(keys.get(0))).as("forgotten by Redis at the login's expiry")
                    .isPositive().isLessThanOrEqualTo(Duration.ofMinutes(10).toMillis());
        }
    }
}
