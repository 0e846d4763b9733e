package dev.reactivemcp.tokenstore.redis;

import static dev.reactivemcp.tokenstore.redis.Entries.CLIENT_SECRET;
import static dev.reactivemcp.tokenstore.redis.Entries.ISSUER;
import static dev.reactivemcp.tokenstore.redis.Entries.PUBLIC_CLIENT;
import static dev.reactivemcp.tokenstore.redis.Entries.entry;
import static dev.reactivemcp.tokenstore.redis.Entries.key;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.FileTokenStore;
import dev.reactivemcp.oauth.InMemoryTokenStore;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenStores;
import dev.reactivemcp.transport.McpHttpResponse;
import dev.reactivemcp.transport.spi.ReactorNettyExchange;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;

/**
 * {@code RedisTokenStore.findAll()}: export and migration between stores ({@code TokenStores.copy}), walking the keys
 * with SCAN under the store's prefix, against a real redis-server.
 */
class FindAllTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static RedisProcess redis;
    private static StatefulRedisConnection<String, String> rawConnection;

    @TempDir
    Path dir;

    @BeforeAll
    static void startRedis() {
        redis = RedisProcess.start();
        rawConnection = redis.raw();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    private static String prefix() {
        return "all" + PREFIXES.incrementAndGet() + ":";
    }

    private static List<StoredCredentials> sorted(Flux<StoredCredentials> entries) {
        return entries.collectSortedList((a, b) -> (a.endpoint() + a.key().owner())
                .compareTo(b.endpoint() + b.key().owner())).block(WAIT);
    }

    /** An entry of {@code owner} at {@code server}'s MCP endpoint whose access token is valid for an hour. */
    private static StoredCredentials validAt(RotatingTokenEndpoint server, String owner, String accessToken) {
        String endpoint = server.mcp().toString();
        return new StoredCredentials(endpoint, new CredentialKey(endpoint, ISSUER, "client-1", owner), PUBLIC_CLIENT,
                new OAuthTokens(accessToken, "Bearer", "rt-0", Instant.now().plusSeconds(3600), Set.of("mcp")),
                server.url(), false, Instant.now());
    }

    @Test
    void entriesCopiedFromAFileStoreLetAFreshMcpOAuthOnRedisCallWithoutAnyTokenRequest() {
        try (RotatingTokenEndpoint server = new RotatingTokenEndpoint("rt-0", Duration.ZERO)) {
            FileTokenStore file = FileTokenStore.at(dir.resolve("tokens.json"));
            file.save(validAt(server, CredentialKey.DEFAULT_OWNER, "at-from-file")).block(WAIT);
            file.save(entry("alice", "at-a", "rt-a")).block(WAIT);
            RedisTokenStore redisStore = RedisTokenStore.builder(redis.uri()).keyPrefix(prefix()).build();
            McpOAuth fresh = McpOAuth.builder().tokenStore(redisStore).build();
            try {
                assertThat(TokenStores.copy(file, redisStore).block(WAIT)).isEqualTo(2);

                McpHttpResponse response = fresh.filterFor(server.mcp())
                        .filter(server.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"),
                                new ReactorNettyExchange(HttpClient.create()))
                        .block(WAIT);

                assertThat(response.status()).isEqualTo(200);
                assertThat(server.mcpAuthorizations).containsExactly("Bearer at-from-file");
                assertThat(server.requests).as("token requests, counted at the token endpoint").hasValue(0);
                assertThat(sorted(redisStore.findAll())).isEqualTo(sorted(file.findAll()));
            } finally {
                fresh.shutdown().block(WAIT);
                redisStore.shutdown().block(WAIT);
            }
        }
    }

    @Test
    void copyingBackFromRedisIntoMemoryGivesEqualEntriesAndRegistrations() {
        RedisTokenStore redisStore = RedisTokenStore.builder(redis.uri()).keyPrefix(prefix()).build();
        try {
            StoredCredentials alice = new StoredCredentials(Entries.ENDPOINT, key("alice"), Entries.REGISTRATION,
                    new OAuthTokens("at-a", "Bearer", "rt-a", Entries.BASE.plusSeconds(60), Set.of("mcp", "read")),
                    ISSUER + "/token", true, Entries.BASE);   // rejected: its state moves with it
            List<StoredCredentials> written = List.of(alice, entry("bob", "at-b", "rt-b"),
                    entry(CredentialKey.DEFAULT_OWNER, "at-0", "rt-0"));
            Flux.fromIterable(written).concatMap(redisStore::save).blockLast(WAIT);
            redisStore.saveRegistration(Entries.REGISTRATION).block(WAIT);

            InMemoryTokenStore memory = new InMemoryTokenStore();
            assertThat(TokenStores.copy(redisStore, memory).block(WAIT)).isEqualTo(3);

            assertThat(sorted(memory.findAll())).isEqualTo(sorted(Flux.fromIterable(written)))
                    .isEqualTo(sorted(redisStore.findAll()));
            assertThat(memory.loadRegistration(ISSUER).block(WAIT)).isEqualTo(Entries.REGISTRATION);
        } finally {
            redisStore.shutdown().block(WAIT);
        }
    }

    @Test
    void deletedEntriesAreNotListedThoughTheirTombstonesStayInRedis() {
        String prefix = prefix();
        RedisTokenStore redisStore = RedisTokenStore.builder(redis.uri()).keyPrefix(prefix).build();
        try {
            redisStore.save(entry("alice", "at-a", "rt-a")).block(WAIT);
            redisStore.save(entry("bob", "at-b", "rt-b")).block(WAIT);
            redisStore.delete(key("alice")).block(WAIT);

            assertThat(redisStore.findAll().map(c -> c.key().owner()).collectList().block(WAIT))
                    .containsExactly("bob");
            assertThat(rawConnection.sync().keys(prefix + "cred:*")).as("bob's entry and alice's tombstone").hasSize(2);
        } finally {
            redisStore.shutdown().block(WAIT);
        }
    }

    @Test
    void encryptedEntriesAreListedDecrypted() {
        String prefix = prefix();
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) 7);
        RedisTokenStore redisStore = RedisTokenStore.builder(redis.uri()).keyPrefix(prefix)
                .encryptWith("k1", new SecretKeySpec(bytes, "AES")).build();
        try {
            StoredCredentials alice = entry("alice", "at-a", "rt-a");
            redisStore.save(alice).block(WAIT);

            assertThat(redisStore.findAll().collectList().block(WAIT)).containsExactly(alice);
            String sealed = rawConnection.sync().hget(rawConnection.sync().keys(prefix + "cred:*").get(0), "d");
            assertThat(sealed).startsWith("aesgcm:").doesNotContain("at-a", "rt-a", CLIENT_SECRET);
        } finally {
            redisStore.shutdown().block(WAIT);
        }
    }

    @Test
    void onlyTheEntriesUnderTheStoresOwnPrefixAreListedEvenWhenThePrefixHoldsGlobCharacters() {
        String n = Integer.toString(PREFIXES.incrementAndGet());
        RedisTokenStore globby = RedisTokenStore.builder(redis.uri()).keyPrefix("g*[" + n + "]?:").build();
        RedisTokenStore plain = RedisTokenStore.builder(redis.uri()).keyPrefix("gx" + n + "y:").build();
        try {
            globby.save(entry("alice", "at-a", "rt-a")).block(WAIT);
            plain.save(entry("bob", "at-b", "rt-b")).block(WAIT);
            rawConnection.sync().set("g*[" + n + "]?:cred:not-an-entry", "x");

            assertThat(globby.findAll().map(c -> c.key().owner()).collectList().block(WAIT)).containsExactly("alice");
            assertThat(plain.findAll().map(c -> c.key().owner()).collectList().block(WAIT)).containsExactly("bob");
        } finally {
            globby.shutdown().block(WAIT);
            plain.shutdown().block(WAIT);
        }
    }

    @Test
    void manyEntriesAreEachListedOnceAcrossScanSteps() {
        RedisTokenStore redisStore = RedisTokenStore.builder(redis.uri()).keyPrefix(prefix()).build();
        try {
            int count = 1_234;
            Flux.range(0, count).flatMap(i -> redisStore.save(entry("user-" + i, "at-" + i, "rt-" + i)), 32)
                    .blockLast(WAIT);

            List<String> owners = redisStore.findAll().map(c -> c.key().owner()).collectList().block(WAIT);

            assertThat(owners).hasSize(count).doesNotHaveDuplicates().contains("user-0", "user-" + (count - 1));
        } finally {
            redisStore.shutdown().block(WAIT);
        }
    }
}
