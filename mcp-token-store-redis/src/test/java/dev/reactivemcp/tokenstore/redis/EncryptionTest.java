package dev.reactivemcp.tokenstore.redis;

import static dev.reactivemcp.tokenstore.redis.Entries.CLIENT_SECRET;
import static dev.reactivemcp.tokenstore.redis.Entries.ISSUER;
import static dev.reactivemcp.tokenstore.redis.Entries.REGISTRATION;
import static dev.reactivemcp.tokenstore.redis.Entries.entry;
import static dev.reactivemcp.tokenstore.redis.Entries.key;
import dev.reactivemcp.tokenstore.redis.internal.Keys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenStoreException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Secrets at rest sealed with AES-GCM under the user's key; a wrong, missing or refused key is a typed failure. */
class EncryptionTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static final SecretKey KEY_1 = aes(1);
    private static final SecretKey KEY_2 = aes(2);
    private static RedisProcess redis;
    private static StatefulRedisConnection<String, String> rawConnection;

    @BeforeAll
    static void startRedis() {
        redis = RedisProcess.start();
        rawConnection = redis.raw();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    private static SecretKey aes(int seed) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) seed);
        return new SecretKeySpec(bytes, "AES");
    }

    private static RedisCommands<String, String> raw() {
        return rawConnection.sync();
    }

    private static void withStores(String prefix, StoreUse use, RedisTokenStore.Builder... builders) throws Exception {
        RedisTokenStore[] stores = Arrays.stream(builders).map(b -> b.keyPrefix(prefix).build())
                .toArray(RedisTokenStore[]::new);
        try {
            use.run(stores);
        } finally {
            for (RedisTokenStore s : stores) {
                s.shutdown().block(WAIT);
            }
        }
    }

    private interface StoreUse {
        void run(RedisTokenStore[] stores) throws Exception;
    }

    private static String prefix() {
        return "enc" + PREFIXES.incrementAndGet() + ":";
    }

    private static void assertCorrupt(ThrowingCallable call, String... mentions) {
        assertThatThrownBy(call).isInstanceOfSatisfying(TokenStoreException.class,
                        e -> assertThat(e.kind()).isEqualTo(TokenStoreException.Kind.CORRUPT))
                .hasMessageContaining("left unchanged").hasMessageContainingAll(mentions)
                .hasMessageNotContaining("rt-a").hasMessageNotContaining("at-a");
    }

    @Test
    void sealedEntriesAndRegistrationsRoundTripAndNoSecretIsReadableInRedis() throws Exception {
        String prefix = prefix();
        withStores(prefix, s -> {
            StoredCredentials alice = entry("alice", "at-a", "rt-a");
            s[0].save(alice).block(WAIT);
            s[0].saveRegistration(REGISTRATION).block(WAIT);

            assertThat(s[0].load(key("alice")).block(WAIT)).isEqualTo(alice);
            assertThat(s[0].loadRegistration(ISSUER).block(WAIT)).isEqualTo(REGISTRATION);
            String entryValue = raw().hget(raw().keys(prefix + "cred:*").get(0), "d");
            String registrationValue = raw().get(raw().keys(prefix + "registration:*").get(0));
            assertThat(entryValue).startsWith("aesgcm:v1:k1:").doesNotContain("at-a", "rt-a", CLIENT_SECRET, "alice");
            assertThat(registrationValue).startsWith("aesgcm:v1:k1:").doesNotContain(CLIENT_SECRET);
        }, RedisTokenStore.builder(redis.uri()).encryptWith("k1", KEY_1));
    }

    @Test
    void everyWriteUsesAFreshNonce() throws Exception {
        String prefix = prefix();
        withStores(prefix, s -> {
            s[0].save(entry("alice", "at-a", "rt-a")).block(WAIT);
            String first = raw().hget(raw().keys(prefix + "cred:*").get(0), "d");
            s[0].save(entry("alice", "at-a", "rt-a")).block(WAIT);
            String second = raw().hget(raw().keys(prefix + "cred:*").get(0), "d");
            assertThat(second).isNotEqualTo(first);
        }, RedisTokenStore.builder(redis.uri()).encryptWith("k1", KEY_1));
    }

    @Test
    void aValueSealedWithAKeyIdTheStoreDoesNotHaveFailsAsCorruptNamingBothIds() throws Exception {
        withStores(prefix(), s -> {
            s[0].save(entry("alice", "at-a", "rt-a")).block(WAIT);
            assertCorrupt(() -> s[1].load(key("alice")).block(WAIT), "'k1'", "[k2]");
            assertCorrupt(() -> s[2].load(key("alice")).block(WAIT), "'k1'", "no encryption key");
            assertThat(s[0].load(key("alice")).block(WAIT).tokens().refreshToken()).as("left as it was")
                    .isEqualTo("rt-a");
        }, RedisTokenStore.builder(redis.uri()).encryptWith("k1", KEY_1),
                RedisTokenStore.builder(redis.uri()).encryptWith("k2", KEY_2),
                RedisTokenStore.builder(redis.uri()));
    }

    @Test
    void anotherKeyUnderTheSameIdFailsAsCorruptAndTheUpdateStoresNothing() throws Exception {
        withStores(prefix(), s -> {
            s[0].save(entry("alice", "at-a", "rt-a")).block(WAIT);
            assertCorrupt(() -> s[1].load(key("alice")).block(WAIT), "could not be decrypted");
            assertCorrupt(() -> s[1].update(key("alice"), c -> reactor.core.publisher.Mono.just(
                    entry("alice", "at-x", "rt-x"))).block(WAIT), "could not be decrypted");
            assertThat(s[0].load(key("alice")).block(WAIT).tokens().refreshToken()).isEqualTo("rt-a");
        }, RedisTokenStore.builder(redis.uri()).encryptWith("k1", KEY_1),
                RedisTokenStore.builder(redis.uri()).encryptWith("k1", KEY_2));
    }

    @Test
    void aStoreWithAKeyRefusesAnUnsealedValueThatCouldHaveBeenPlanted() throws Exception {
        withStores(prefix(), s -> {
            s[0].save(entry("alice", "at-a", "rt-a")).block(WAIT);
            assertCorrupt(() -> s[1].load(key("alice")).block(WAIT), "not encrypted");
        }, RedisTokenStore.builder(redis.uri()), RedisTokenStore.builder(redis.uri()).encryptWith("k1", KEY_1));
    }

    @Test
    void aSealedValueCopiedToAnotherEntryDoesNotOpen() throws Exception {
        String prefix = prefix();
        withStores(prefix, s -> {
            s[0].save(entry("alice", "at-a", "rt-a")).block(WAIT);
            s[0].save(entry("bob", "at-b", "rt-b")).block(WAIT);
            String aliceHash = Keys.credentialOf(prefix, key("alice"));
            String bobHash = Keys.credentialOf(prefix, key("bob"));
            raw().hset(bobHash, "d", raw().hget(aliceHash, "d"));   // someone with Redis access swaps the tokens
            assertCorrupt(() -> s[0].load(key("bob")).block(WAIT), "could not be decrypted");
        }, RedisTokenStore.builder(redis.uri()).encryptWith("k1", KEY_1));
    }

    @Test
    void afterAKeyRotationOldValuesStillOpenAndTheNextWriteSealsWithTheNewKey() throws Exception {
        String prefix = prefix();
        withStores(prefix, s -> {
            s[0].save(entry("alice", "at-a", "rt-a")).block(WAIT);
            assertThat(s[1].load(key("alice")).block(WAIT).tokens().refreshToken()).isEqualTo("rt-a");
            s[1].save(entry("alice", "at-a2", "rt-a2")).block(WAIT);
            assertThat(raw().hget(raw().keys(prefix + "cred:*").get(0), "d")).startsWith("aesgcm:v1:k2:");
        }, RedisTokenStore.builder(redis.uri()).encryptWith("k1", KEY_1),
                RedisTokenStore.builder(redis.uri()).encryptWith("k2", KEY_2).decryptAlsoWith("k1", KEY_1));
    }

    @Test
    void theBuilderRefusesKeysThatAreNotAesAndMalformedKeyIds() {
        RedisTokenStore.Builder b = RedisTokenStore.builder(redis.uri());
        assertThatThrownBy(() -> b.encryptWith("k1", new SecretKeySpec(new byte[7], "AES")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.encryptWith("k1", new SecretKeySpec(new byte[32], "HmacSHA256")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.encryptWith("bad:id", KEY_1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisTokenStore.builder(redis.uri()).decryptAlsoWith("k1", KEY_1).build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
