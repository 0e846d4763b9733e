package dev.reactivemcp.tokenstore.redis;

import static dev.reactivemcp.tokenstore.redis.Entries.entry;
import static dev.reactivemcp.tokenstore.redis.Entries.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenStoreException;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** The lease lock and the fencing value: a late writer cannot overwrite a newer entry; a working holder keeps its lock. */
class FencingAndLeaseTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static RedisProcess redis;
    private static StatefulRedisConnection<String, String> raw;

    @BeforeAll
    static void startRedis() {
        redis = RedisProcess.start();
        raw = redis.raw();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Test
    void aWriterWhoseLeaseExpiredWhileAnotherWroteIsRefusedAndTheNewerRefreshTokenIsKept() throws Exception {
        String prefix = "fence1:";
        RedisTokenStore late = RedisTokenStore.builder(redis.uri()).keyPrefix(prefix).build();
        RedisTokenStore next = RedisTokenStore.builder(redis.uri()).keyPrefix(prefix).build();
        try {
            late.save(entry("alice", "at-0", "rt-0")).block(WAIT);
            CompletableFuture<StoredCredentials> lateSaw = new CompletableFuture<>();
            Sinks.One<Boolean> lateMayWrite = Sinks.one();
            CompletableFuture<StoredCredentials> lateResult = late.update(key("alice"), current -> {
                lateSaw.complete(current.orElseThrow());
                return lateMayWrite.asMono().thenReturn(entry("alice", "at-late", "rt-late"));
            }).toFuture();
            assertThat(lateSaw.get(10, TimeUnit.SECONDS).tokens().refreshToken()).isEqualTo("rt-0");

            // The late writer stalls past its lease: its lock is gone (as when Redis expires it), another replica
            // takes the lock, sees rt-0 and stores the rotated rt-1.
            assertThat(raw.sync().del(raw.sync().keys(prefix + "lock:*").toArray(String[]::new))).isEqualTo(1);
            next.update(key("alice"), current -> Mono.just(entry("alice", "at-1", "rt-1"))).block(WAIT);

            lateMayWrite.tryEmitValue(true);
            assertThatThrownBy(() -> lateResult.get(10, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(TokenStoreException.class,
                            e -> assertThat(e.kind()).isEqualTo(TokenStoreException.Kind.IO))
                    .hasMessageContaining("write refused").hasMessageNotContaining("rt-");
            StoredCredentials stored = next.load(key("alice")).block(WAIT);
            assertThat(stored.tokens().refreshToken()).as("the newer refresh token").isEqualTo("rt-1");
        } finally {
            late.shutdown().block(WAIT);
            next.shutdown().block(WAIT);
        }
    }

    @Test
    void aWriterThatReadBeforeADeleteCannotResurrectTheEntry() throws Exception {
        String prefix = "fence2:";
        RedisTokenStore late = RedisTokenStore.builder(redis.uri()).keyPrefix(prefix).build();
        RedisTokenStore other = RedisTokenStore.builder(redis.uri()).keyPrefix(prefix).build();
        try {
            late.save(entry("alice", "at-0", "rt-0")).block(WAIT);
            CompletableFuture<Boolean> lateRead = new CompletableFuture<>();
            Sinks.One<Boolean> lateMayWrite = Sinks.one();
            CompletableFuture<StoredCredentials> lateResult = late.update(key("alice"), current -> {
                lateRead.complete(true);
                return lateMayWrite.asMono().thenReturn(entry("alice", "at-late", "rt-late"));
            }).toFuture();
            lateRead.get(10, TimeUnit.SECONDS);
            raw.sync().del(raw.sync().keys(prefix + "lock:*").toArray(String[]::new));
            other.delete(key("alice")).block(WAIT);   // the user logged out on another replica

            lateMayWrite.tryEmitValue(true);
            assertThatThrownBy(() -> lateResult.get(10, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(TokenStoreException.class).hasMessageContaining("write refused");
            assertThat(other.load(key("alice")).blockOptional(WAIT)).isEmpty();
        } finally {
            late.shutdown().block(WAIT);
            other.shutdown().block(WAIT);
        }
    }

    @Test
    void aHolderThatWorksLongerThanItsLeaseKeepsTheLockUntilItIsDone() throws Exception {
        String prefix = "lease1:";
        RedisTokenStore holder = RedisTokenStore.builder(redis.uri()).keyPrefix(prefix)
                .lockLease(Duration.ofMillis(300)).build();
        RedisTokenStore waiter = RedisTokenStore.builder(redis.uri()).keyPrefix(prefix)
                .lockLease(Duration.ofMillis(300)).lockTimeout(Duration.ofMillis(1500)).build();
        try {
            holder.save(entry("alice", "at-0", "rt-0")).block(WAIT);
            CompletableFuture<Boolean> holding = new CompletableFuture<>();
            Sinks.One<Boolean> done = Sinks.one();
            CompletableFuture<StoredCredentials> held = holder.update(key("alice"), current -> {
                holding.complete(true);
                return done.asMono().thenReturn(entry("alice", "at-1", "rt-1"));
            }).toFuture();
            holding.get(10, TimeUnit.SECONDS);

            // Five leases long, the holder renews; the waiter times out rather than entering beside it.
            assertThatThrownBy(() -> waiter.update(key("alice"), current -> Mono.just(entry("alice", "at-x", "rt-x")))
                    .block(WAIT)).isInstanceOfSatisfying(TokenStoreException.class,
                            e -> assertThat(e.kind()).isEqualTo(TokenStoreException.Kind.LOCK_TIMEOUT));

            done.tryEmitValue(true);
            assertThat(held.get(10, TimeUnit.SECONDS).tokens().refreshToken()).isEqualTo("rt-1");
            assertThat(raw.sync().keys(prefix + "lock:*")).as("lock released").isEmpty();
            assertThat(waiter.update(key("alice"), current -> Mono.empty()).block(WAIT).tokens().refreshToken())
                    .isEqualTo("rt-1");
        } finally {
            holder.shutdown().block(WAIT);
            waiter.shutdown().block(WAIT);
        }
    }

    @Test
    void aTransactionWhoseCallerCancelledStillPersistsAndShutdownWaitsForIt() throws Exception {
        String prefix = "detached1:";
        RedisTokenStore store = RedisTokenStore.builder(redis.uri()).keyPrefix(prefix).build();
        store.save(entry("alice", "at-0", "rt-0")).block(WAIT);
        CompletableFuture<Boolean> entered = new CompletableFuture<>();
        Sinks.One<Boolean> tokenArrives = Sinks.one();
        var caller = store.update(key("alice"), current -> {
            entered.complete(true);
            return tokenArrives.asMono().thenReturn(entry("alice", "at-1", "rt-1"));
        }).subscribe();
        entered.get(10, TimeUnit.SECONDS);
        caller.dispose();   // the caller leaves while the token request is out

        CompletableFuture<Void> shutdown = store.shutdown().toFuture();
        assertThat(shutdown).as("shutdown waits for the transaction").isNotDone();
        tokenArrives.tryEmitValue(true);
        shutdown.get(10, TimeUnit.SECONDS);

        RedisTokenStore reader = RedisTokenStore.builder(redis.uri()).keyPrefix(prefix).build();
        try {
            assertThat(reader.load(key("alice")).block(WAIT).tokens().refreshToken()).isEqualTo("rt-1");
        } finally {
            reader.shutdown().block(WAIT);
        }
    }
}
