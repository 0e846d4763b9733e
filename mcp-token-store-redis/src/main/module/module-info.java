/**
 * A token store on Redis for {@code dev.reactivemcp.oauth}: {@link dev.reactivemcp.tokenstore.redis.RedisTokenStore},
 * tokens shared by the replicas of a service, refreshed once for all of them.
 *
 * <pre>{@code
 * McpOAuth oauth = McpOAuth.builder()
 *         .tokenStore(RedisTokenStore.builder("redis://redis.internal:6379").build())
 *         .build();
 * }</pre>
 */
module dev.reactivemcp.tokenstore.redis {
    requires transitive dev.reactivemcp.oauth;
    requires lettuce.core;
    requires io.netty.common;

    exports dev.reactivemcp.tokenstore.redis;
}
