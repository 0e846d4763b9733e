package dev.reactivemcp.transport.internal;

import dev.reactivemcp.transport.ExchangeFunction;
import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.McpHttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The innermost step of the chain when results are cached: a 2026-07-28 list or read request that has a fresh
 * cached result for exactly its credentials and protocol version is answered here, as a JSON response to its own
 * id, without touching the network (filters above see it like an answer from an HTTP cache). Everything else goes
 * on to the HTTP client. Only requests of cacheable methods have their body parsed.
 */
final class CachedExchange implements ExchangeFunction {

    private final ExchangeFunction next;
    private final ResponseCache cache;
    private final JsonCodec codec;
    private final Scheduler clock;

    CachedExchange(ExchangeFunction next, ResponseCache cache, JsonCodec codec, Scheduler clock) {
        this.next = next;
        this.cache = cache;
        this.codec = codec;
        this.clock = clock;
    }

    @Override
    public Mono<McpHttpResponse> exchange(McpHttpRequest request) {
        // Most requests are no list or read: decided on the method alone, before any header lookup.
        String method = request.jsonRpcMethod().orElse(null);
        if (method == null || !ResponseCache.CACHEABLE.contains(method) || !"POST".equals(request.method())) {
            return next.exchange(request);
        }
        String version = request.headers().first("MCP-Protocol-Version").orElse(null);
        if (version == null) {
            return next.exchange(request);
        }
        return Mono.defer(() -> {
            Map<String, Object> message = Json.asObject(codec.read(request.body(), "request"));
            Map<String, Object> params = Json.objectOrEmpty(message, "params");
            if (message == null || !ResponseCache.cacheable(method, params)) {
                return next.exchange(request);
            }
            Map<String, Object> hit = cache.get(method, params, version, ResponseCache.partitionOf(request),
                    clock.now(TimeUnit.NANOSECONDS));
            if (hit == null) {
                return next.exchange(request);
            }
            byte[] body = codec.write(JsonRpc.result(message.get("id"), hit));
            return Mono.just(McpHttpResponse.streaming(request, 200,
                    Headers.builder().set("Content-Type", "application/json").build(),
                    () -> reactor.core.publisher.Flux.just(body), Mono::empty));
        });
    }
}
