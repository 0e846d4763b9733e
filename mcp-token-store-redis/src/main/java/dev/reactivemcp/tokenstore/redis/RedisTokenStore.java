package dev.reactivemcp.tokenstore.redis;

import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenStore;
import dev.reactivemcp.oauth.TokenStoreException;
import dev.reactivemcp.oauth.spi.CredentialsJson;
import dev.reactivemcp.tokenstore.redis.internal.Flights;
import dev.reactivemcp.tokenstore.redis.internal.Keys;
import dev.reactivemcp.tokenstore.redis.internal.LeaseLock;
import dev.reactivemcp.tokenstore.redis.internal.LocalQueue;
import dev.reactivemcp.tokenstore.redis.internal.RedisLink;
import dev.reactivemcp.tokenstore.redis.internal.Scripts;
import dev.reactivemcp.tokenstore.redis.internal.Sealer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.SecretKey;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A {@link TokenStore} on Redis, for the replicas of one service on several hosts: they share each user's tokens, and
 * an expired token is refreshed once for all of them (a refresh token that rotates is never presented twice).
 *
 * <ul>
 *   <li>{@link #update} is the file store's transaction across hosts: take the entry's lease lock
 *       ({@code SET NX PX}, renewed while the refresh runs, released by compare-and-delete), reread the entry, let
 *       the caller adopt what another replica stored or refresh, persist, release. A replica that dies holding the
 *       lock stops renewing it: the others proceed after at most one lease.</li>
 *   <li>Every entry carries a version (the fencing value), raised by each write; writes are compare-and-set in Lua,
 *       so a writer whose lease expired while another replica wrote is refused ({@link TokenStoreException.Kind#IO},
 *       nothing overwritten) instead of replacing a newer refresh token with an older one.</li>
 *   <li>An entry is one Redis value, replaced atomically: readers see the old or the new entry, never a part.</li>
 *   <li>Optionally, entries and registrations are sealed with AES-GCM under a key of yours
 *       ({@link Builder#encryptWith}); the key id and nonce are stored with each value. A value sealed with a key the
 *       store does not have, or altered, or not sealed at all, fails with {@link TokenStoreException.Kind#CORRUPT} and
 *       is left as it is.</li>
 *   <li>Redis unreachable or slow: a prompt {@link TokenStoreException.Kind#IO} failure (commands are not queued
 *       while disconnected; each has a timeout). The token filter keeps sending a token it holds while it is valid;
 *       the store reconnects by itself.</li>
 *   <li>Nothing blocks: Lettuce's reactive API, AES-GCM in memory, timers on the given scheduler.</li>
 * </ul>
 *
 * <pre>{@code
 * RedisTokenStore store = RedisTokenStore.builder("redis://redis.internal:6379")
 *         .keyPrefix("billing:mcp:")
 *         .encryptWith("2026-12", aesKey)          // optional: a javax.crypto.SecretKey for AES (128 or 256 bits)
 *         .build();
 * McpOAuth oauth = McpOAuth.builder().tokenStore(store).build();
 * // at shutdown, after oauth.shutdown():
 * store.shutdown().block();
 * }</pre>
 *
 * <p>Keys: {@code <prefix>cred:<id>}, {@code <prefix>endpoint:<hash>}, {@code <prefix>lock:<id>},
 * {@code <prefix>registration:<hash>}, where ids and hashes are SHA-256 (no endpoint or user name appears in a key).
 * A standalone Redis or a primary with replicas (not Redis Cluster: a write touches an entry and its endpoint index).
 * What is stored follows MCP authorization (2026-07-28, "Authorization Server Binding"): credentials keyed by
 * resource, issuer, client id and owner.
 */
public final class RedisTokenStore implements TokenStore, AutoCloseable {

    /** The default key prefix. */
    public static final String DEFAULT_KEY_PREFIX = "mcp:tokens:";
    /** The default lock lease: how long a crashed holder keeps others waiting at most. */
    public static final Duration DEFAULT_LOCK_LEASE = Duration.ofSeconds(10);
    /** The default longest wait for an entry's lock. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(60);
    /** The default timeout of each Redis command (and of connecting). */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(5);
    /** The default longest wait of {@link #shutdown()} for transactions in flight. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

    private static final Duration LOCK_POLL = Duration.ofMillis(20);
    /** The {@code COUNT} hint of each {@code SCAN} step of {@link #findAll()}. */
    private static final long SCAN_STEP = 500;

    private final RedisLink link;
    private final Keys keys;
    private final LeaseLock lock;
    private final Sealer sealer;
    private final Flights flights = new Flights();
    private final LocalQueue queue = new LocalQueue();
    private final Duration entryTtl;
    private final Duration shutdownTimeout;
    private final Scheduler timer;

    private RedisTokenStore(Builder b) {
        this.link = new RedisLink(b.redisUri, b.commandTimeout);
        this.keys = new Keys(b.keyPrefix);
        this.sealer = b.currentKeyId == null ? Sealer.none() : Sealer.with(b.currentKeyId, b.keys);
        this.entryTtl = b.entryTtl;
        this.shutdownTimeout = b.shutdownTimeout;
        this.timer = b.timer;
        byte[] holder = new byte[8];
        new SecureRandom().nextBytes(holder);
        this.lock = new LeaseLock(link, keys, b.lockLease, b.lockTimeout, LOCK_POLL, b.timer,
                HexFormat.of().formatHex(holder));
    }

    /**
     * A builder for a store on the Redis at {@code redisUri} ({@code redis://[[user:]password@]host[:port][/db]}, or
     * {@code rediss://} for TLS).
     *
     * @param redisUri the Redis server
     * @return the builder, with the defaults documented on its methods
     * @throws NullPointerException when {@code redisUri} is {@code null}
     */
    public static Builder builder(String redisUri) {
        return new Builder(Objects.requireNonNull(redisUri, "redisUri"));
    }

    @Override
    public Mono<StoredCredentials> load(CredentialKey key) {
        Objects.requireNonNull(key, "key");
        String id = Keys.id(key);
        return link.mono("reading an entry", c -> c.hget(keys.credential(id), "d"))
                .map(value -> decode(value, id));
    }

    @Override
    public Flux<StoredCredentials> findByEndpoint(String endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        return link.flux("reading an endpoint index", c -> c.smembers(keys.endpointIndex(endpoint)))
                .sort()
                .concatMap(id -> link.mono("reading an entry", c -> c.hget(keys.credential(id), "d"))
                        .map(value -> decode(value, id)))
                .filter(c -> c.endpoint().equals(endpoint));
    }

    /**
     * Every entry under this store's key prefix, decrypted when sealed: for export and migration
     * ({@code TokenStores.copy}). It walks the keys with {@code SCAN MATCH <prefix>cred:*} (never {@code KEYS}): Redis
     * answers each step in a short time whatever its size, and other clients are served between steps. Deleted
     * entries (tombstones that keep only their version) are skipped; an entry written or deleted during the walk may or
     * may not be listed, as {@code SCAN} guarantees only the keys present from its start to its end.
     *
     * @return every stored entry, in no particular order; a {@link TokenStoreException} of kind
     *         {@link TokenStoreException.Kind#IO} when Redis cannot be reached, of kind
     *         {@link TokenStoreException.Kind#CORRUPT} for a value that cannot be read
     */
    @Override
    public Flux<StoredCredentials> findAll() {
        return link.scan("listing the entries", keys.credentialPattern(), SCAN_STEP)
                .mapNotNull(keys::credentialId)
                .distinct()   // SCAN may answer a key twice
                .concatMap(id -> link.mono("reading an entry", c -> c.hget(keys.credential(id), "d"))
                        .map(value -> decode(value, id)));
    }

    @Override
    public Mono<Void> save(StoredCredentials credentials) {
        Objects.requireNonNull(credentials, "credentials");
        return transaction(credentials.key(), entry -> write(entry, credentials)).then();
    }

    @Override
    public Mono<Void> delete(CredentialKey key) {
        Objects.requireNonNull(key, "key");
        return transaction(key, entry -> entry.value().isEmpty() ? Mono.<Long>empty()
                : fenced(link.eval("deleting an entry", Scripts.DELETE, new String[] {keys.credential(entry.id())},
                        Long.toString(entry.version()), entry.id()), entry)).then();
    }

    @Override
    public Mono<StoredCredentials> update(CredentialKey key,
                                          Function<Optional<StoredCredentials>, Mono<StoredCredentials>> change) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(change, "change");
        return transaction(key, entry -> Mono.defer(() -> change.apply(entry.value()))
                .flatMap(next -> next.key().equals(key) ? write(entry, next).thenReturn(next)
                        : Mono.error(new IllegalArgumentException("update must keep the key")))
                .switchIfEmpty(Mono.justOrEmpty(entry.value())));
    }

    @Override
    public Mono<ClientRegistration> loadRegistration(String issuer) {
        Objects.requireNonNull(issuer, "issuer");
        return link.mono("reading a registration", c -> c.get(keys.registration(issuer)))
                .map(value -> {
                    try {
                        return CredentialsJson.readRegistration(sealer.open(value, Keys.registrationItem(issuer)));
                    } catch (IllegalArgumentException | Sealer.Unreadable e) {
                        throw corrupt("the registration of an issuer", e);
                    }
                });
    }

    @Override
    public Mono<Void> saveRegistration(ClientRegistration registration) {
        Objects.requireNonNull(registration, "registration");
        return Mono.fromCallable(() -> sealer.seal(CredentialsJson.write(registration),
                        Keys.registrationItem(registration.issuer())))
                .flatMap(value -> link.mono("writing a registration",
                        c -> c.set(keys.registration(registration.issuer()), value)))
                .then();
    }

    /**
     * Stops the store: new operations fail with {@link TokenStoreException.Kind#IO}; transactions in flight (a
     * refresh being persisted) are awaited up to the shutdown timeout; then the connection and the Redis client are
     * closed. Call it after {@code McpOAuth.shutdown()}, which waits for refreshes.
     *
     * @return completes when the store is closed; subscribing again does nothing
     */
    public Mono<Void> shutdown() {
        return Mono.defer(() -> link.isClosed() ? Mono.<Void>empty()
                : flights.awaitAll(shutdownTimeout, timer).then(link.close()));
    }

    /**
     * {@link #shutdown()}, waiting for it on the calling thread (never call it on an event loop).
     */
    @Override
    public void close() {
        shutdown().block(shutdownTimeout.plusSeconds(5));
    }

    @Override
    public String toString() {
        return "RedisTokenStore[" + link.name() + ", prefix=" + keys.prefix()
                + (sealer.seals() ? ", sealed with key '" + sealer.currentKeyId() + "'" : "") + "]";
    }

    /** An entry as read under its lock: its id, version (0 when never written) and value. */
    private record Entry(String id, long version, Optional<StoredCredentials> value) { }

    /** {@code body} on a fresh read of {@code key}'s entry under its lease lock; runs to its end once started. */
    private <T> Mono<T> transaction(CredentialKey key, Function<Entry, Mono<T>> body) {
        String id = Keys.id(key);
        return flights.run(queue.run(id, lock.withLock(id, () -> link.hmget("reading an entry", keys.credential(id), "v", "d")
                .flatMap(fields -> body.apply(new Entry(id, fields.get(0).map(Long::parseLong).orElse(0L),
                        fields.get(1).map(value -> decode(value, id))))))));
    }

    private Mono<Long> write(Entry entry, StoredCredentials next) {
        return Mono.fromCallable(() -> sealer.seal(CredentialsJson.write(next), Keys.credentialItem(entry.id())))
                .flatMap(value -> fenced(link.eval("writing an entry", Scripts.WRITE,
                        new String[] {keys.credential(entry.id()), keys.endpointIndex(next.endpoint())},
                        Long.toString(entry.version()), value, entry.id(), Long.toString(entryTtl.toMillis())), entry));
    }

    private Mono<Long> fenced(Mono<Long> result, Entry entry) {
        return result.flatMap(version -> version >= 0 ? Mono.just(version)
                : Mono.error(new TokenStoreException(TokenStoreException.Kind.IO, "token store " + link.name()
                        + ": write refused: the entry changed since this writer read it (version " + entry.version()
                        + "), its lock lease having expired; the newer entry was kept", null)));
    }

    private StoredCredentials decode(String value, String id) {
        try {
            return CredentialsJson.readCredentials(sealer.open(value, Keys.credentialItem(id)));
        } catch (IllegalArgumentException | Sealer.Unreadable e) {
            throw corrupt("entry " + id, e);
        }
    }

    private TokenStoreException corrupt(String what, RuntimeException e) {
        return new TokenStoreException(TokenStoreException.Kind.CORRUPT, "token store " + link.name() + ": " + what
                + (e instanceof Sealer.Unreadable ? " " : " is not a token store entry: ") + e.getMessage()
                + "; it was left unchanged", null);
    }

    /**
     * Configures a {@link RedisTokenStore}; every setting has a default, documented on its method.
     */
    public static final class Builder {
        private final String redisUri;
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private Duration entryTtl = Duration.ZERO;
        private Duration lockLease = DEFAULT_LOCK_LEASE;
        private Duration lockTimeout = DEFAULT_LOCK_TIMEOUT;
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private Scheduler timer = Schedulers.parallel();
        private String currentKeyId;
        private final Map<String, SecretKey> keys = new LinkedHashMap<>();

        private Builder(String redisUri) {
            this.redisUri = redisUri;
        }

        /**
         * The prefix of every key this store writes (default {@value RedisTokenStore#DEFAULT_KEY_PREFIX}): services sharing
         * one Redis keep apart by prefix.
         *
         * @param prefix the prefix, not blank
         * @return this builder
         * @throws IllegalArgumentException when {@code prefix} is blank
         */
        public Builder keyPrefix(String prefix) {
            if (Objects.requireNonNull(prefix, "prefix").isBlank()) {
                throw new IllegalArgumentException("key prefix must not be blank");
            }
            this.keyPrefix = prefix;
            return this;
        }

        /**
         * How long an entry is kept after its last write (default {@link Duration#ZERO}: for ever). Set it a little
         * longer than your refresh tokens live, so that users who left do not stay in Redis.
         *
         * @param ttl the time to live; zero for none
         * @return this builder
         * @throws IllegalArgumentException when {@code ttl} is negative
         */
        public Builder entryTtl(Duration ttl) {
            if (Objects.requireNonNull(ttl, "ttl").isNegative()) {
                throw new IllegalArgumentException("entry TTL must not be negative");
            }
            this.entryTtl = ttl;
            return this;
        }

        /**
         * The lease of an entry's lock (default 10 s): renewed every third of it while its holder works, so it bounds
         * only how long a crashed holder keeps the other replicas waiting.
         *
         * @param lease the lease, at least 300 ms
         * @return this builder
         * @throws IllegalArgumentException when {@code lease} is shorter than 300 ms
         */
        public Builder lockLease(Duration lease) {
            if (Objects.requireNonNull(lease, "lease").compareTo(Duration.ofMillis(300)) < 0) {
                throw new IllegalArgumentException("lock lease must be at least 300 ms");
            }
            this.lockLease = lease;
            return this;
        }

        /**
         * The longest wait for an entry's lock (default 60 s), then {@link TokenStoreException.Kind#LOCK_TIMEOUT}.
         *
         * @param timeout the longest wait; positive
         * @return this builder
         * @throws IllegalArgumentException when {@code timeout} is zero or negative
         */
        public Builder lockTimeout(Duration timeout) {
            this.lockTimeout = positive(timeout, "lock timeout");
            return this;
        }

        /**
         * The timeout of each Redis command and of connecting (default 5 s), then
         * {@link TokenStoreException.Kind#IO}.
         *
         * @param timeout the timeout; positive
         * @return this builder
         * @throws IllegalArgumentException when {@code timeout} is zero or negative
         */
        public Builder commandTimeout(Duration timeout) {
            this.commandTimeout = positive(timeout, "command timeout");
            return this;
        }

        /**
         * The longest wait of {@link RedisTokenStore#shutdown()} for transactions in flight (default 10 s).
         *
         * @param timeout the longest wait; positive
         * @return this builder
         * @throws IllegalArgumentException when {@code timeout} is zero or negative
         */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = positive(timeout, "shutdown timeout");
            return this;
        }

        /**
         * Seals every value this store writes with AES-GCM under {@code key} (default: values are stored as JSON),
         * and requires sealed values when reading. {@code keyId} is stored with each value: to rotate keys, build
         * with the new key here and the old one in {@link #decryptAlsoWith}.
         *
         * @param keyId a name for the key: 1 to 64 letters, digits, {@code .}, {@code _} or {@code -}
         * @param key   an AES key of 128, 192 or 256 bits
         * @return this builder
         * @throws IllegalArgumentException when {@code keyId} is malformed or {@code key} is not an AES key
         */
        public Builder encryptWith(String keyId, SecretKey key) {
            decryptAlsoWith(keyId, key);
            this.currentKeyId = keyId;
            return this;
        }

        /**
         * Also opens values sealed with {@code key} (an earlier key), without sealing with it; needs
         * {@link #encryptWith}.
         *
         * @param keyId the id the values were sealed under
         * @param key   that AES key
         * @return this builder
         * @throws IllegalArgumentException when {@code keyId} is malformed or {@code key} is not an AES key
         */
        public Builder decryptAlsoWith(String keyId, SecretKey key) {
            if (!Sealer.KEY_ID.matcher(Objects.requireNonNull(keyId, "keyId")).matches()) {
                throw new IllegalArgumentException("key id must be 1 to 64 letters, digits, '.', '_' or '-'");
            }
            byte[] encoded = Objects.requireNonNull(key, "key").getEncoded();
            if (!"AES".equalsIgnoreCase(key.getAlgorithm()) || encoded == null
                    || !List.of(16, 24, 32).contains(encoded.length)) {
                throw new IllegalArgumentException("key must be an AES key of 128, 192 or 256 bits");
            }
            keys.put(keyId, key);
            return this;
        }

        /**
         * The scheduler for the lock's polling, lease renewal and timeouts (default {@link Schedulers#parallel()}).
         *
         * @param timer the scheduler
         * @return this builder
         */
        public Builder timer(Scheduler timer) {
            this.timer = Objects.requireNonNull(timer, "timer");
            return this;
        }

        /**
         * The store; it connects on first use (and reconnects by itself).
         *
         * @return the store
         * @throws IllegalArgumentException when the Redis URI is malformed, or keys were given for decryption only
         */
        public RedisTokenStore build() {
            if (currentKeyId == null && !keys.isEmpty()) {
                throw new IllegalArgumentException("decryptAlsoWith needs encryptWith (the key new values are sealed with)");
            }
            return new RedisTokenStore(this);
        }

        private static Duration positive(Duration d, String what) {
            if (Objects.requireNonNull(d, what).isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive");
            }
            return d;
        }
    }
}
