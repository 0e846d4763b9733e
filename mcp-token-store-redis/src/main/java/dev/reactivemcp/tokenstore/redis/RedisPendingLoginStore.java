package dev.reactivemcp.tokenstore.redis;

import dev.reactivemcp.oauth.PendingLogin;
import dev.reactivemcp.oauth.PendingLoginStore;
import dev.reactivemcp.oauth.TokenStoreException;
import dev.reactivemcp.tokenstore.redis.internal.RedisLink;
import dev.reactivemcp.tokenstore.redis.internal.Sealer;
import dev.reactivemcp.transport.spi.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.crypto.SecretKey;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The waiting service logins of {@code McpOAuth.Builder.serviceLogin} on Redis, shared by the replicas of a service:
 * the login a call on one replica starts may be completed on any other, once. Each login is one Redis string,
 * written with {@code SET ... PX} (gone at its expiry) and taken with {@code GETDEL} (Redis 6.2 or later), so of two
 * replicas completing the same {@code state} one gets it. Keys name the SHA-256 of the {@code state} and of the
 * owner, never the values; with {@link Builder#encryptWith} each login (PKCE verifier, DPoP private key) is sealed
 * with AES-GCM as in {@link RedisTokenStore}. Per owner and MCP endpoint a short list names the newest logins, at most
 * the number {@code McpOAuth} asks for (the oldest beyond it are deleted).
 *
 * <pre>{@code
 * McpOAuth oauth = McpOAuth.builder()
 *         .tokenStore(RedisTokenStore.builder("redis://redis.internal:6379").build())
 *         .serviceLogin("https://chat.example.com/oauth/callback")
 *         .pendingLoginStore(RedisPendingLoginStore.builder("redis://redis.internal:6379")
 *                 .encryptWith("2026-12", aesKey).build())
 *         .build();
 * }</pre>
 *
 * <p>A standalone Redis (or a primary with its replicas): the per-owner list and the logins it names are updated in
 * one script, which is not Redis Cluster-safe across slots.
 */
public final class RedisPendingLoginStore implements PendingLoginStore, AutoCloseable {

    /** The default key prefix. */
    public static final String DEFAULT_KEY_PREFIX = "mcp:logins:";

    /** The default timeout of one Redis command. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(5);

    /** SET the login with its TTL, push it on its owner's list, drop the list's gone and surplus logins. */
    private static final String PUT = """
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            local ids = redis.call('LRANGE', KEYS[2], 0, -1)
            for _, id in ipairs(ids) do
              if redis.call('EXISTS', ARGV[5] .. id) == 0 then redis.call('LREM', KEYS[2], 0, id) end
            end
            redis.call('LPUSH', KEYS[2], ARGV[4])
            while redis.call('LLEN', KEYS[2]) > tonumber(ARGV[3]) do
              local old = redis.call('RPOP', KEYS[2])
              redis.call('DEL', ARGV[5] .. old)
            end
            if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
            return 1
            """;

    private final RedisLink link;
    private final Sealer sealer;
    private final String prefix;
    private final Clock clock;
    private final Duration commandTimeout;

    private RedisPendingLoginStore(Builder b) {
        this.link = new RedisLink(b.redisUri, b.commandTimeout);
        this.sealer = b.keyId == null ? Sealer.none() : Sealer.with(b.keyId, Map.of(b.keyId, b.key));
        this.prefix = b.keyPrefix;
        this.clock = b.clock;
        this.commandTimeout = b.commandTimeout;
    }

    /**
     * A builder for a store at {@code redisUri}.
     *
     * @param redisUri a Lettuce Redis URI, for example {@code redis://host:6379/0} or {@code rediss://...}
     * @return a new builder
     * @throws NullPointerException     when {@code redisUri} is {@code null}
     * @throws IllegalArgumentException when {@code redisUri} is not a Redis URI
     */
    public static Builder builder(String redisUri) {
        return new Builder(redisUri);
    }

    @Override
    public Mono<Void> put(PendingLogin login, int perOwner) {
        return Mono.defer(() -> {
            Objects.requireNonNull(login, "login");
            if (perOwner < 1) {
                return Mono.error(new IllegalArgumentException("perOwner must be positive"));
            }
            long ttl = Math.max(1, Duration.between(clock.instant(), login.expiresAt()).toMillis());
            String id = hash(login.state());
            String key = prefix + "login:" + id;
            String value = sealer.seal(encode(login), key);
            return link.eval("keeping a waiting login", PUT,
                    new String[] {key, ownerKey(login.owner(), login.endpoint())},
                    value, Long.toString(ttl), Integer.toString(perOwner), id, prefix + "login:").then();
        });
    }

    @Override
    public Mono<PendingLogin> take(String state) {
        return Mono.defer(() -> {
            String key = prefix + "login:" + hash(Objects.requireNonNull(state, "state"));
            return link.mono("taking a waiting login", c -> c.getdel(key)).map(v -> decode(v, key));
        });
    }

    @Override
    public Flux<PendingLogin> waiting(String owner, String endpoint) {
        return Flux.defer(() -> {
            String index = ownerKey(owner, endpoint);
            return link.flux("listing waiting logins", c -> c.lrange(index, 0, -1))
                    .map(id -> prefix + "login:" + id)
                    .concatMap(key -> link.mono("reading a waiting login", c -> c.get(key)).map(v -> decode(v, key)))
                    .filter(l -> l.owner().equals(owner) && l.endpoint().equals(endpoint));
        });
    }

    /**
     * Closes the connection and the Redis client; later operations fail with {@link TokenStoreException.Kind#IO}.
     *
     * @return completes when closed; subscribing again does nothing
     */
    public Mono<Void> shutdown() {
        return link.close();
    }

    /** {@link #shutdown()}, waiting for it on the calling thread (never call it on an event loop). */
    @Override
    public void close() {
        shutdown().block(commandTimeout.plusSeconds(5));
    }

    @Override
    public String toString() {
        return "RedisPendingLoginStore[" + link.name() + ", prefix=" + prefix
                + (sealer.seals() ? ", sealed with key '" + sealer.currentKeyId() + "'" : "") + "]";
    }

    private String ownerKey(String owner, String endpoint) {
        return prefix + "owner:" + hash(owner + "\n" + endpoint);
    }

    private static String hash(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static byte[] encode(PendingLogin login) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("state", login.state());
        doc.put("owner", login.owner());
        doc.put("endpoint", login.endpoint());
        doc.put("issuer", login.issuer());
        doc.put("scopes", login.scopes());
        doc.put("expires_at", login.expiresAt().toString());
        doc.put("secrets", login.secrets());
        return JsonCodec.get().write(doc);
    }

    @SuppressWarnings("unchecked")
    private PendingLogin decode(String stored, String key) {
        try {
            Map<String, Object> doc = (Map<String, Object>) JsonCodec.get().read(sealer.open(stored, key),
                    "a waiting login");
            return new PendingLogin((String) doc.get("state"), (String) doc.get("owner"), (String) doc.get("endpoint"),
                    (String) doc.get("issuer"), (List<String>) doc.get("scopes"),
                    Instant.parse((String) doc.get("expires_at")), (String) doc.get("secrets"));
        } catch (Sealer.Unreadable e) {
            throw new TokenStoreException(TokenStoreException.Kind.CORRUPT, "a waiting login in " + link.name() + " "
                    + e.getMessage(), null);
        } catch (RuntimeException e) {
            throw new TokenStoreException(TokenStoreException.Kind.CORRUPT, "a waiting login in " + link.name()
                    + " is not one this version can read", null);
        }
    }

    /** Configures a {@link RedisPendingLoginStore}. */
    public static final class Builder {
        private final String redisUri;
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private Clock clock = Clock.systemUTC();
        private String keyId;
        private SecretKey key;

        private Builder(String redisUri) {
            this.redisUri = Objects.requireNonNull(redisUri, "redisUri");
        }

        /**
         * The prefix of every key this store writes (default {@value RedisPendingLoginStore#DEFAULT_KEY_PREFIX}).
         *
         * @param prefix the prefix, not blank
         * @return this builder
         * @throws IllegalArgumentException when {@code prefix} is blank
         */
        public Builder keyPrefix(String prefix) {
            if (Objects.requireNonNull(prefix, "prefix").isBlank()) {
                throw new IllegalArgumentException("the key prefix must not be blank");
            }
            this.keyPrefix = prefix;
            return this;
        }

        /**
         * The timeout of each Redis command (default 5 seconds).
         *
         * @param timeout positive
         * @return this builder
         * @throws IllegalArgumentException when {@code timeout} is not positive
         */
        public Builder commandTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the command timeout must be positive");
            }
            this.commandTimeout = timeout;
            return this;
        }

        /**
         * The clock a login's time to live is counted on: the same as {@code McpOAuth.Builder.clock} (default UTC).
         *
         * @param clock the clock; not {@code null}
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Seals every login with AES-GCM under {@code key}, named {@code keyId} in each value; a login not sealed so
         * is refused ({@link TokenStoreException.Kind#CORRUPT}).
         *
         * @param keyId the key's id: 1 to 64 of {@code A-Z a-z 0-9 . _ -}
         * @param key   an AES key (128 or 256 bits)
         * @return this builder
         * @throws IllegalArgumentException when {@code keyId} is malformed or {@code key} is not an AES key
         */
        public Builder encryptWith(String keyId, SecretKey key) {
            if (!Sealer.KEY_ID.matcher(Objects.requireNonNull(keyId, "keyId")).matches()) {
                throw new IllegalArgumentException("the key id must be 1 to 64 of A-Z a-z 0-9 . _ -");
            }
            if (!"AES".equalsIgnoreCase(Objects.requireNonNull(key, "key").getAlgorithm())) {
                throw new IllegalArgumentException("the key must be an AES key");
            }
            this.keyId = keyId;
            this.key = key;
            return this;
        }

        /**
         * The store (not connected yet: it connects on first use).
         *
         * @return a new store
         * @throws IllegalArgumentException when the Redis URI is malformed
         */
        public RedisPendingLoginStore build() {
            return new RedisPendingLoginStore(this);
        }
    }
}
