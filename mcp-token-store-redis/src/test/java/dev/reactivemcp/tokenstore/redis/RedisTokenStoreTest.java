package dev.reactivemcp.tokenstore.redis;

import static dev.reactivemcp.tokenstore.redis.Entries.ENDPOINT;
import static dev.reactivemcp.tokenstore.redis.Entries.ISSUER;
import static dev.reactivemcp.tokenstore.redis.Entries.REGISTRATION;
import static dev.reactivemcp.tokenstore.redis.Entries.entry;
import static dev.reactivemcp.tokenstore.redis.Entries.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenStoreException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The {@code TokenStore} contract, against a real redis-server: what the file store's tests check, where it applies. */
class RedisTokenStoreTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static RedisProcess redis;
    private static StatefulRedisConnection<String, String> rawConnection;

    private String prefix;
    private RedisTokenStore store;

    @BeforeAll
    static void startRedis() {
        redis = RedisProcess.start();
        rawConnection = redis.raw();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void newStore() {
        prefix = "test" + PREFIXES.incrementAndGet() + ":";
        store = RedisTokenStore.builder(redis.uri()).keyPrefix(prefix).build();
    }

    @AfterEach
    void closeStore() {
        store.shutdown().block(Duration.ofSeconds(30));
    }

    private static RedisCommands<String, String> raw() {
        return rawConnection.sync();
    }

    @Test
    void savedEntriesLoadBackFieldForFieldWithTheirOwnerAndDpopKey() {
        StoredCredentials alice = new StoredCredentials(ENDPOINT, key("alice"), REGISTRATION,
                new OAuthTokens("at-a", "DPoP", "rt-a", Entries.BASE.plusSeconds(60), Set.of("mcp", "read"),
                        "{\"kty\":\"EC\"}"), ISSUER + "/token", true, Entries.BASE);
        store.save(alice).block(WAIT);

        assertThat(store.load(key("alice")).block(WAIT)).isEqualTo(alice);
        assertThat(store.load(key("bob")).blockOptional(WAIT)).isEmpty();
    }

    @Test
    void findByEndpointReturnsEveryOwnersEntriesAndTheOwnerVariantOnlyThatOwners() {
        store.save(entry(CredentialKey.DEFAULT_OWNER, "at-0", "rt-0")).block(WAIT);
        store.save(entry("alice", "at-a", "rt-a")).block(WAIT);
        store.save(entry("bob", "at-b", "rt-b")).block(WAIT);

        assertThat(store.findByEndpoint(ENDPOINT).map(c -> c.key().owner()).collectList().block(WAIT))
                .containsExactlyInAnyOrder("", "alice", "bob");
        assertThat(store.findByEndpoint(ENDPOINT, "alice").map(c -> c.tokens().accessToken()).collectList()
                .block(WAIT)).containsExactly("at-a");
        assertThat(store.findByEndpoint("https://other.example.com/mcp").collectList().block(WAIT)).isEmpty();
    }

    @Test
    void anEntryWhoseEndpointChangesMovesToTheNewEndpointsIndex() {
        store.save(entry("alice", "at-a", "rt-a")).block(WAIT);
        StoredCredentials moved = new StoredCredentials("https://mcp.example.com/v2/mcp", key("alice"), REGISTRATION,
                entry("alice", "at-a2", "rt-a2").tokens(), ISSUER + "/token", false, Entries.BASE);
        store.save(moved).block(WAIT);

        assertThat(store.findByEndpoint(ENDPOINT).collectList().block(WAIT)).isEmpty();
        assertThat(store.findByEndpoint("https://mcp.example.com/v2/mcp").collectList().block(WAIT))
                .containsExactly(moved);
    }

    @Test
    void deleteRemovesTheEntryAndItsIndexMembershipAndIsQuietWhenThereIsNone() {
        store.save(entry("alice", "at-a", "rt-a")).block(WAIT);
        store.delete(key("alice")).block(WAIT);
        store.delete(key("nobody")).block(WAIT);

        assertThat(store.load(key("alice")).blockOptional(WAIT)).isEmpty();
        assertThat(store.findByEndpoint(ENDPOINT).collectList().block(WAIT)).isEmpty();
        assertThat(raw().keys(prefix + "endpoint:*")).allSatisfy(k -> assertThat(raw().scard(k)).isZero());
    }

    @Test
    void updateSeesTheCurrentEntryPersistsWhatTheChangeEmitsAndEmitsIt() {
        store.save(entry("alice", "at-1", "rt-1")).block(WAIT);

        StoredCredentials stored = store.update(key("alice"), current -> Mono.just(current.orElseThrow()
                .withTokens(new OAuthTokens("at-2", "Bearer", "rt-2", Entries.BASE.plusSeconds(7200), Set.of()),
                        Entries.BASE.plusSeconds(60)))).block(WAIT);

        assertThat(stored.tokens().refreshToken()).isEqualTo("rt-2");
        assertThat(store.load(key("alice")).block(WAIT)).isEqualTo(stored);
    }

    @Test
    void updateThatEmitsNothingStoresNothingAndEmitsTheCurrentEntry() {
        StoredCredentials alice = entry("alice", "at-1", "rt-1");
        store.save(alice).block(WAIT);
        String versionBefore = raw().keys(prefix + "cred:*").stream().map(k -> raw().hget(k, "v")).findFirst()
                .orElseThrow();

        assertThat(store.update(key("alice"), current -> Mono.empty()).block(WAIT)).isEqualTo(alice);
        assertThat(store.update(key("nobody"), current -> Mono.empty()).blockOptional(WAIT)).isEmpty();
        assertThat(raw().keys(prefix + "cred:*").stream().map(k -> raw().hget(k, "v")).findFirst().orElseThrow())
                .as("version after an update that stored nothing").isEqualTo(versionBefore);
    }

    @Test
    void updateOfAnAbsentEntrySeesEmptyAndCanCreateIt() {
        StoredCredentials created = store.update(key("carol"), current -> current.isPresent() ? Mono.empty()
                : Mono.just(entry("carol", "at-c", "rt-c"))).block(WAIT);

        assertThat(store.load(key("carol")).block(WAIT)).isEqualTo(created);
    }

    @Test
    void updateThatChangesTheKeyIsRefusedAndStoresNothing() {
        store.save(entry("alice", "at-1", "rt-1")).block(WAIT);

        assertThatThrownBy(() -> store.update(key("alice"), current -> Mono.just(entry("bob", "at-x", "rt-x")))
                .block(WAIT)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keep the key");
        assertThat(store.load(key("bob")).blockOptional(WAIT)).isEmpty();
        assertThat(store.load(key("alice")).block(WAIT).tokens().accessToken()).isEqualTo("at-1");
    }

    @Test
    void aFailingChangeLeavesTheEntryAsItWasAndReleasesTheLock() {
        store.save(entry("alice", "at-1", "rt-1")).block(WAIT);

        assertThatThrownBy(() -> store.update(key("alice"), current -> Mono.error(new IllegalStateException("boom")))
                .block(WAIT)).isInstanceOf(IllegalStateException.class).hasMessage("boom");

        assertThat(store.load(key("alice")).block(WAIT).tokens().refreshToken()).isEqualTo("rt-1");
        assertThat(raw().keys(prefix + "lock:*")).as("locks left behind").isEmpty();
    }

    @Test
    void concurrentUpdatesOfOneEntryRunOneAtATimeAndNoneIsLost() {
        store.save(entry("alice", "at-0", "rt-0")).block(WAIT);
        RedisTokenStore other = RedisTokenStore.builder(redis.uri()).keyPrefix(prefix).build();
        RedisTokenStore third = RedisTokenStore.builder(redis.uri()).keyPrefix(prefix).build();
        RedisTokenStore[] stores = {store, other, third};
        Throwable failure = Flux.range(0, 40).flatMap(i -> stores[i % 3].update(key("alice"), current -> {
            int n = Integer.parseInt(current.orElseThrow().tokens().accessToken().substring(3)) + 1;
            return Mono.just(entry("alice", "at-" + n, "rt-" + n));
        })).then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(Duration.ofSeconds(120));
        other.shutdown().block(Duration.ofSeconds(30));
        third.shutdown().block(Duration.ofSeconds(30));

        assertThat(failure).as("a failed update").isNull();

        assertThat(store.load(key("alice")).block(WAIT).tokens().accessToken()).as("40 increments").isEqualTo("at-40");
    }

    @Test
    void registrationsRoundTripPerIssuerAndReplaceTheEarlierOne() {
        ClientRegistration first = new ClientRegistration(ISSUER, "client-1", null, "none",
                List.of("http://127.0.0.1/callback"));
        store.saveRegistration(first).block(WAIT);
        store.saveRegistration(REGISTRATION).block(WAIT);

        assertThat(store.loadRegistration(ISSUER).block(WAIT)).isEqualTo(REGISTRATION);
        assertThat(store.loadRegistration("https://other.example.com").blockOptional(WAIT)).isEmpty();
    }

    @Test
    void anEntryThatIsNotAStoreEntryFailsAsCorruptWithoutQuotingItAndIsLeftUnchanged() {
        store.save(entry("alice", "at-1", "rt-1")).block(WAIT);
        String hash = raw().keys(prefix + "cred:*").get(0);
        raw().hset(hash, "d", "{\"tokens\":\"secret-garbage-value\"}");

        assertThatThrownBy(() -> store.load(key("alice")).block(WAIT))
                .isInstanceOfSatisfying(TokenStoreException.class,
                        e -> assertThat(e.kind()).isEqualTo(TokenStoreException.Kind.CORRUPT))
                .hasMessageContaining("left unchanged").hasMessageNotContaining("secret-garbage-value");
        assertThatThrownBy(() -> store.update(key("alice"), current -> Mono.just(entry("alice", "at-2", "rt-2")))
                .block(WAIT)).isInstanceOf(TokenStoreException.class);
        assertThat(raw().hget(hash, "d")).isEqualTo("{\"tokens\":\"secret-garbage-value\"}");
    }

    @Test
    void keyNamesCarryThePrefixAndNeitherEndpointIssuerNorOwner() {
        store.save(entry("alice@example.com", "at-a", "rt-a")).block(WAIT);
        store.saveRegistration(REGISTRATION).block(WAIT);

        List<String> keys = raw().keys("*").stream().filter(k -> k.startsWith(prefix)).toList();
        assertThat(keys).hasSize(3).allSatisfy(k -> assertThat(k).doesNotContain("alice", "example.com", "client-1"));
        assertThat(raw().keys("*")).filteredOn(k -> k.startsWith("mcp:tokens:")).isEmpty();
    }

    @Test
    void storesWithDifferentPrefixesDoNotSeeEachOthersEntries() {
        store.save(entry("alice", "at-a", "rt-a")).block(WAIT);
        RedisTokenStore other = RedisTokenStore.builder(redis.uri()).keyPrefix(prefix + "other:").build();
        try {
            assertThat(other.load(key("alice")).blockOptional(WAIT)).isEmpty();
            assertThat(other.findByEndpoint(ENDPOINT).collectList().block(WAIT)).isEmpty();
        } finally {
            other.shutdown().block(WAIT);
        }
    }

    @Test
    void anEntryTtlExpiresTheEntryAndItsIndexAfterTheLastWrite() {
        RedisTokenStore expiring = RedisTokenStore.builder(redis.uri()).keyPrefix(prefix)
                .entryTtl(Duration.ofDays(30)).build();
        try {
            expiring.save(entry("alice", "at-a", "rt-a")).block(WAIT);
            String hash = raw().keys(prefix + "cred:*").get(0);
            String index = raw().keys(prefix + "endpoint:*").get(0);
            assertThat(raw().pttl(hash)).isBetween(Duration.ofDays(29).toMillis(), Duration.ofDays(30).toMillis());
            assertThat(raw().pttl(index)).isBetween(Duration.ofDays(29).toMillis(), Duration.ofDays(30).toMillis());

            store.save(entry("alice", "at-b", "rt-b")).block(WAIT);   // a store without TTL keeps it for ever
            assertThat(raw().pttl(hash)).isEqualTo(-1);
        } finally {
            expiring.shutdown().block(WAIT);
        }
    }

    @Test
    void toStringNamesServerAndPrefixButNoPassword() {
        RedisTokenStore withPassword = RedisTokenStore.builder("redis://:hunter2-secret@127.0.0.1:" + redis.port())
                .keyPrefix(prefix).build();
        try {
            assertThat(withPassword.toString()).contains("127.0.0.1:" + redis.port(), prefix)
                    .doesNotContain("hunter2-secret");
        } finally {
            withPassword.shutdown().block(WAIT);
        }
    }

    @Test
    void afterShutdownOperationsFailWithATypedStoreError() {
        store.shutdown().block(WAIT);

        assertThatThrownBy(() -> store.load(key("alice")).block(WAIT))
                .isInstanceOfSatisfying(TokenStoreException.class,
                        e -> assertThat(e.kind()).isEqualTo(TokenStoreException.Kind.IO))
                .hasMessageContaining("shut down");
    }

    @Test
    void theBuilderRefusesNonsense() {
        RedisTokenStore.Builder b = RedisTokenStore.builder(redis.uri());
        assertThatThrownBy(() -> b.keyPrefix(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.entryTtl(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.lockLease(Duration.ofMillis(10))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.lockTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.commandTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisTokenStore.builder("http://not-redis").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Optional.of(b)).isPresent();
    }
}
