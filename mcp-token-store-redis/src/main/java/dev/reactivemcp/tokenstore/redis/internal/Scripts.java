package dev.reactivemcp.tokenstore.redis.internal;

/** The Lua scripts: each runs atomically in Redis, so a compare and the write it guards cannot be interleaved. */
public final class Scripts {

    private Scripts() { }

    /** KEYS[1] lock; ARGV[1] holder token, ARGV[2] lease ms. Extends the lease only while the token still holds it. */
    public static final String RENEW = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('PEXPIRE', KEYS[1], ARGV[2])
            end
            return 0
            """;

    /** KEYS[1] lock; ARGV[1] holder token. Deletes the lock only while the token still holds it (never another's). */
    public static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """;

    /**
     * The fenced write. KEYS[1] entry hash, KEYS[2] its endpoint index; ARGV[1] the version the writer read, ARGV[2]
     * the value, ARGV[3] the entry id, ARGV[4] the entry TTL in ms (0: none). Writes only when the stored version is
     * still the one the writer read (a writer whose lease expired while another wrote is refused), raises it, moves
     * the id between endpoint indexes when the endpoint changed. Returns the new version, or -1 when refused.
     */
    public static final String WRITE = """
            local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
            if v ~= tonumber(ARGV[1]) then
              return -1
            end
            local old = redis.call('HGET', KEYS[1], 'i')
            if old and old ~= KEYS[2] then
              redis.call('SREM', old, ARGV[3])
            end
            redis.call('HSET', KEYS[1], 'v', v + 1, 'd', ARGV[2], 'i', KEYS[2])
            redis.call('SADD', KEYS[2], ARGV[3])
            local ttl = tonumber(ARGV[4])
            if ttl > 0 then
              redis.call('PEXPIRE', KEYS[1], ttl)
              redis.call('PEXPIRE', KEYS[2], ttl)
            else
              redis.call('PERSIST', KEYS[1])
              redis.call('PERSIST', KEYS[2])
            end
            return v + 1
            """;

    /**
     * The fenced delete. KEYS[1] entry hash; ARGV[1] the version the writer read, ARGV[2] the entry id. Removes the
     * value and its index membership but keeps the raised version (a tombstone), so a late writer that read the entry
     * before the delete is still refused. Returns the new version, or -1 when refused.
     */
    public static final String DELETE = """
            local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
            if v ~= tonumber(ARGV[1]) then
              return -1
            end
            local old = redis.call('HGET', KEYS[1], 'i')
            if old then
              redis.call('SREM', old, ARGV[2])
            end
            redis.call('HDEL', KEYS[1], 'd', 'i')
            redis.call('HSET', KEYS[1], 'v', v + 1)
            return v + 1
            """;
}
