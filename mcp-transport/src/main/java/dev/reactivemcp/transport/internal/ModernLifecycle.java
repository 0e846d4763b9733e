package dev.reactivemcp.transport.internal;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.Implementation;
import dev.reactivemcp.transport.InitializeResult;
import dev.reactivemcp.transport.McpHttpException;
import dev.reactivemcp.transport.McpJsonRpcException;
import dev.reactivemcp.transport.McpTransportException;
import dev.reactivemcp.transport.ProtocolEra;
import dev.reactivemcp.transport.ProtocolNegotiation;
import dev.reactivemcp.transport.internal.headers.ModernRequestHeaders;
import dev.reactivemcp.transport.internal.headers.ToolListFilter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The stateless era (2026-07-28): the {@code server/discover} probe with fallback to {@code initialize}, the
 * per-request {@code _meta} envelope, the {@code MCP-Protocol-Version}/{@code Mcp-Method}/{@code Mcp-Name}/
 * {@code Mcp-Param-*} headers, {@code -32022} renegotiation, and the {@code input_required} round trip
 * (spec 2026-07-28: basic/index "_meta", basic/versioning, basic/transports/streamable-http, basic/patterns/mrtr).
 */
final class ModernLifecycle {

    private static final Logger log = Loggers.getLogger(ModernLifecycle.class);

    static final int HEADER_MISMATCH = -32020;
    static final int MISSING_CAPABILITY = -32021;
    static final int UNSUPPORTED_VERSION = -32022;
    static final String META_VERSION = "io.modelcontextprotocol/protocolVersion";
    static final String META_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    static final String META_CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
    static final String META_SERVER_INFO = "io.modelcontextprotocol/serverInfo";
    private static final Set<String> MRTR_METHODS = Set.of("tools/call", "prompts/get", "resources/read");

    private final ClientConfig config;
    private final RpcChannel channel;
    private final ServerRequests serverRequests;
    private final LongSupplier ids;
    /** Per listed tool, what its {@code tools/call} headers need; filled when {@code tools/list} is read. */
    private final ModernRequestHeaders protocolHeaders = new ModernRequestHeaders();
    /** The client's capabilities and info in {@code _meta}: fixed by the configuration, so built once. */
    private final Map<String, Object> capabilities;
    private final Map<String, Object> clientInfo;

    private final ResponseCache cache;

    private volatile String version;
    /** The {@code _meta} of a request without user {@code _meta}, encoded once, for the last version used. */
    private volatile ProtocolMeta protocolMeta;
    private volatile boolean toolsListed;

    ModernLifecycle(ClientConfig config, RpcChannel channel, ServerRequests serverRequests, LongSupplier ids,
                    ResponseCache cache) {
        this.config = config;
        this.channel = channel;
        this.serverRequests = serverRequests;
        this.ids = ids;
        this.cache = cache;
        this.capabilities = CompactJson.object(config.capabilities());
        this.clientInfo = CompactJson.object(config.clientInfo().toJson());
    }

    /** The per-client {@code _meta} at one version, as JSON bytes the codec splices into each request body. */
    private record ProtocolMeta(String version, Object encoded) { }

    /** The probe: {@code server/discover} at {@code offered}; with {@code fallback}, legacy on a non-modern answer. */
    Mono<InitializeResult> discover(String offered, boolean fallback, LegacyLifecycle legacy) {
        return discoverOnce(offered, fallback, legacy)
                .onErrorResume(e -> afterProbeFailure(e, offered, fallback, legacy));
    }

    private Mono<InitializeResult> afterProbeFailure(Throwable e, String offered, boolean fallback,
                                                     LegacyLifecycle legacy) {
        if (e instanceof McpJsonRpcException rpc && rpc.code() == UNSUPPORTED_VERSION) {
            List<String> supported = supportedVersions(rpc.data());
            Optional<String> mutual = firstOf(ProtocolNegotiation.MODERN_VERSIONS, supported);
            if (mutual.isPresent()) {
                log.debug("server/discover rejected {}; retrying once with {}", offered, mutual.get());
                return discoverOnce(mutual.get(), fallback, legacy).onErrorMap(
                        x -> x instanceof McpJsonRpcException r && r.code() == UNSUPPORTED_VERSION,
                        x -> unsupported(mutual.get(), supportedVersions(((McpJsonRpcException) x).data()), x));
            }
            Optional<String> legacyMutual = firstOf(ProtocolNegotiation.LEGACY_VERSIONS, supported);
            if (fallback && legacyMutual.isPresent()) {
                return legacy.initialize(legacyMutual.get());
            }
            return Mono.error(unsupported(offered, supported, e));
        }
        if (fallback && isLegacyAnswer(e)) {
            log.debug("server/discover got a non-modern answer ({}); falling back to initialize", e.toString());
            return legacy.initialize(ProtocolNegotiation.LEGACY_VERSIONS.get(0));
        }
        return Mono.error(e);
    }

    /**
     * Whether a probe failure identifies a legacy server: any JSON-RPC error that is not a recognised modern one
     * (-32020 and -32021 included, as the TypeScript SDK does), or a 400/404/405/406/415 without a JSON-RPC body,
     * or a 2xx answer that is not a DiscoverResult. 401, 403, 429, 5xx, timeouts and connection failures are not.
     */
    static boolean isLegacyAnswer(Throwable e) {
        if (e instanceof McpJsonRpcException rpc) {
            if (rpc.code() == HEADER_MISMATCH || rpc.code() == MISSING_CAPABILITY) {
                log.warn("server/discover answered with modern error {}; treating the server as legacy", rpc.code());
            }
            return rpc.httpStatus() != 401 && rpc.httpStatus() != 403 && rpc.httpStatus() < 500;
        }
        if (e instanceof McpHttpException http) {
            int s = http.status();
            return s == 400 || s == 404 || s == 405 || s == 406 || s == 415;
        }
        return e instanceof NotDiscoverResult;
    }

    private Mono<InitializeResult> discoverOnce(String v, boolean fallback, LegacyLifecycle legacy) {
        return send("server/discover", new LinkedHashMap<>(), v).flatMap(result -> {
            List<String> supported = supportedVersions(result);
            if (!(result.get("supportedVersions") instanceof List)) {
                return Mono.error(new NotDiscoverResult());
            }
            Optional<String> mutual = supported.contains(v) ? Optional.of(v)
                    : firstOf(ProtocolNegotiation.MODERN_VERSIONS, supported);
            if (mutual.isEmpty()) {
                Optional<String> legacyMutual = firstOf(ProtocolNegotiation.LEGACY_VERSIONS, supported);
                return fallback && legacyMutual.isPresent()
                        ? legacy.initialize(legacyMutual.get())
                        : Mono.error(unsupported(v, supported, null));
            }
            version = mutual.get();
            Map<String, Object> meta = Json.objectOrEmpty(result, "_meta");
            Implementation server = Implementation.fromJson(Json.object(meta, META_SERVER_INFO));
            if (server == null) {
                server = Implementation.fromJson(Json.object(result, "serverInfo"));
            }
            return Mono.just(new InitializeResult(mutual.get(), ProtocolEra.MODERN, // compact: held for life
                    CompactJson.object(Json.objectOrEmpty(result, "capabilities")), server,
                    Json.string(result, "instructions"), CompactJson.object(meta)));
        });
    }

    /**
     * One modern request, with renegotiation, header-mismatch recovery, the input_required loop and, for list and
     * read results, the ttlMs/cacheScope cache.
     */
    Mono<Map<String, Object>> request(String method, Map<String, Object> params) {
        Mono<Map<String, Object>> first = round(method, params, 0, params, false, false);
        if ("tools/list".equals(method)) {
            return first.map(this::filterTools);
        }
        return "tools/call".equals(method) && !toolsListed ? listAllTools().then(first) : first;
    }

    private static final int METHOD_NOT_FOUND = -32601;

    /**
     * The 2026-07-28 replacement of the GET stream (basic/patterns/subscriptions): one {@code subscriptions/listen}
     * stream for the list-changed notifications the server advertises ({@code listChanged: true}); its
     * notifications reach {@code notifications()} and invalidate cached results. One attempt per call of the
     * returned {@link ListeningStream.Attempt}, which the {@link ListeningStream} repeats for the client's life; a
     * server that does not know the method ({@code -32601}) ends it. Null when the server advertises nothing to
     * listen for.
     */
    ListeningStream.Attempt listen(Map<String, Object> serverCapabilities) {
        Map<String, Object> wanted = new LinkedHashMap<>();
        if (listChanged(serverCapabilities, "tools")) {
            wanted.put("toolsListChanged", true);
        }
        if (listChanged(serverCapabilities, "prompts")) {
            wanted.put("promptsListChanged", true);
        }
        if (listChanged(serverCapabilities, "resources")) {
            wanted.put("resourcesListChanged", true);
        }
        if (wanted.isEmpty()) {
            return null;
        }
        return events -> Mono.defer(() -> {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("notifications", wanted);
            params.put("_meta", meta(version, null));
            return channel.call(JsonRpc.request(ids.getAsLong(), "subscriptions/listen", params),
                            protocolHeaders.headers(version, "subscriptions/listen", params), false,
                            resp -> {
                                if (resp.status() >= 200 && resp.status() < 300) {
                                    events.opened();
                                }
                            })
                    .map(JsonRpc::resultOrThrow)
                    .thenReturn(ListeningStream.Outcome.ENDED)
                    // the server's SSE retry paces the re-open, as on the legacy GET stream
                    .contextWrite(ctx -> ctx.put(RpcChannel.RETRY_HINT,
                            (java.util.function.LongConsumer) events::retryHint))
                    .onErrorResume(e -> e instanceof McpJsonRpcException j && j.code() == METHOD_NOT_FOUND,
                            e -> Mono.just(ListeningStream.Outcome.NOT_SUPPORTED));
        });
    }

    private static boolean listChanged(Map<String, Object> capabilities, String kind) {
        return Json.bool(Json.object(capabilities, kind), "listChanged", false);
    }

    /** Drops cached results a server notification invalidates. */
    void invalidate(String notification, Map<String, Object> params) {
        if (cache != null) {
            cache.invalidate(notification, params);
        }
    }

    private long now() {
        return config.scheduler().now(java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private Mono<Map<String, Object>> round(String method, Map<String, Object> original, int n,
                                            Map<String, Object> params, boolean renegotiated, boolean relisted) {
        return send(method, params, version, cache != null && ResponseCache.cacheable(method, params))
                .onErrorResume(e -> recover(e, method, original, n, params, renegotiated, relisted))
                .flatMap(result -> afterResult(method, original, n, result));
    }

    /**
     * A failed round: {@code -32022} renegotiates once (a second one is {@code ProtocolVersionUnsupported}), and a
     * {@code -32020} on {@code tools/call} re-lists the tools once; both then retry the round. A header mismatch of
     * the round retried after renegotiation is recovered from here too, once, as when each was its own operator.
     */
    private Mono<Map<String, Object>> recover(Throwable e, String method, Map<String, Object> original, int n,
                                              Map<String, Object> params, boolean renegotiated, boolean relisted) {
        if (e instanceof McpJsonRpcException r) {
            if (r.code() == UNSUPPORTED_VERSION) {
                if (renegotiated) {
                    return Mono.error(unsupported(version, supportedVersions(r.data()), e));
                }
                return renegotiate(r)
                        .then(Mono.defer(() -> round(method, original, n, params, true, relisted)))
                        .onErrorResume(x -> relistOnMismatch(x, method, original, n, params, false, relisted));
            }
            return relistOnMismatch(e, method, original, n, params, renegotiated, relisted);
        }
        return Mono.error(e);
    }

    private Mono<Map<String, Object>> relistOnMismatch(Throwable e, String method, Map<String, Object> original,
                                                       int n, Map<String, Object> params, boolean renegotiated,
                                                       boolean relisted) {
        if (e instanceof McpJsonRpcException r && r.code() == HEADER_MISMATCH && !relisted
                && "tools/call".equals(method)) {
            return listAllTools().then(Mono.defer(() -> round(method, original, n, params, renegotiated, true)));
        }
        return Mono.error(e);
    }

    private Mono<Map<String, Object>> afterResult(String method, Map<String, Object> original, int n,
                                                  Map<String, Object> result) {
        Object type = result.get("resultType");
        if (type == null || "complete".equals(type)) {
            return Mono.just(result);
        }
        if (!"input_required".equals(type)) {
            return Mono.error(RpcChannel.protocolError("unsupported resultType '" + type + "' for " + method));
        }
        if (!MRTR_METHODS.contains(method)) {
            return Mono.error(RpcChannel.protocolError("input_required is not allowed on " + method));
        }
        if (n + 1 >= config.maxMrtrRounds()) {
            return Mono.error(RpcChannel.protocolError("gave up after " + config.maxMrtrRounds()
                    + " input_required rounds for " + method));
        }
        Map<String, Object> inputRequests = Json.object(result, "inputRequests");
        Mono<Map<String, Object>> responses = inputRequests == null || inputRequests.isEmpty()
                ? Mono.just(Map.of()) : serverRequests.fulfil(inputRequests);
        return responses.flatMap(inputResponses -> {
            Map<String, Object> retry = new LinkedHashMap<>(original);
            if (inputRequests != null) {
                retry.put("inputResponses", inputResponses);
            }
            if (result.containsKey("requestState")) {
                retry.put("requestState", result.get("requestState"));
            }
            return round(method, original, n + 1, retry, false, false);
        });
    }

    private Mono<Void> renegotiate(McpJsonRpcException e) {
        List<String> supported = supportedVersions(e.data());
        Optional<String> mutual = firstOf(ProtocolNegotiation.MODERN_VERSIONS, supported);
        if (mutual.isEmpty()) {
            return Mono.error(unsupported(version, supported, e));
        }
        version = mutual.get();
        return Mono.empty();
    }

    private Mono<Void> listAllTools() {
        return listPage(null).then();
    }

    private Mono<Void> listPage(String cursor) {
        Map<String, Object> params = new LinkedHashMap<>();
        if (cursor != null) {
            params.put("cursor", cursor);
        }
        return send("tools/list", params, version).map(this::filterTools).flatMap(result -> {
            String next = Json.string(result, "nextCursor");
            return next == null ? Mono.<Void>empty() : listPage(next);
        });
    }

    private Map<String, Object> filterTools(Map<String, Object> result) {
        ToolListFilter.Result filtered = ToolListFilter.filter(result.get("tools"));
        filtered.rejected().forEach(r -> log.warn("ignoring tool: {}", r.reason()));
        protocolHeaders.addTools(filtered.bindingsByTool());
        toolsListed = true;
        Map<String, Object> copy = new LinkedHashMap<>(result);
        copy.put("tools", filtered.tools());
        return copy;
    }

    private Mono<Map<String, Object>> send(String method, Map<String, Object> params, String v) {
        return send(method, params, v, false);
    }

    /**
     * One POST; with {@code store}, a complete result is offered to the cache under the credentials it was sent with.
     * {@code params} gets its {@code _meta} in place when it is a {@link LinkedHashMap} (every caller's is: the
     * session hands over its own copy, and the maps built here are fresh). Without user {@code _meta} that is the
     * client's, encoded once per version ({@link #encodedMeta}), which a retry replaces with the one of its version;
     * a user {@code _meta} is merged into a map, which a retry merges again as if it were the user's.
     */
    private Mono<Map<String, Object>> send(String method, Map<String, Object> params, String v, boolean store) {
        return Mono.defer(() -> {
            Map<String, Object> p = params instanceof LinkedHashMap ? params : new LinkedHashMap<>(params);
            Map<String, Object> user = Json.object(params, "_meta");
            p.put("_meta", user == null ? encodedMeta(v) : meta(v, user));
            Headers headers = protocolHeaders.headers(v, method, p);
            long id = ids.getAsLong();
            if (!store) {
                return channel.call(id, method, p, headers, false, RpcChannel.NO_OBSERVER).map(JsonRpc::resultOrThrow);
            }
            String[] partition = new String[1];
            return channel.call(id, method, p, headers, false,
                            resp -> partition[0] = resp.request().map(ResponseCache::partitionOf).orElse(null))
                    .map(response -> {
                        Map<String, Object> result = JsonRpc.resultOrThrow(response);
                        Object type = result.get("resultType");
                        if (partition[0] != null && (type == null || "complete".equals(type))) {
                            cache.put(method, params, v, result, partition[0], now());
                        }
                        return result;
                    });
        });
    }

    /**
     * The {@code _meta} of a request at {@code v}: version, capabilities and client info, then the user's entries
     * (which may override the latter two, nullable), then the version again.
     */
    private Map<String, Object> meta(String v, Map<String, Object> user) {
        Map<String, Object> meta = new LinkedHashMap<>(user == null ? 4 : Math.max(8, (user.size() + 3) * 4 / 3 + 1));
        meta.put(META_VERSION, v);
        meta.put(META_CAPABILITIES, capabilities);
        meta.put(META_CLIENT_INFO, clientInfo);
        if (user != null) {
            meta.putAll(user);
            meta.put(META_VERSION, v);
        }
        return meta;
    }

    /**
     * The {@code _meta} of a request at {@code v} without user entries, as {@link JsonCodec#encodeOnce} bytes: it is
     * the same for every request of this client at a version (protocol version, capabilities and client info are
     * fixed by the configuration), so it is serialized once, not per request.
     */
    private Object encodedMeta(String v) {
        ProtocolMeta cached = protocolMeta;
        if (cached == null || !v.equals(cached.version())) {
            cached = new ProtocolMeta(v, JsonCodec.get().encodeOnce(meta(v, null)));
            protocolMeta = cached;
        }
        return cached.encoded();
    }

    private static List<String> supportedVersions(Object data) {
        Map<String, Object> m = Json.asObject(data);
        Object list = m == null ? null : m.containsKey("supported") ? m.get("supported") : m.get("supportedVersions");
        if (!(list instanceof List<?> l)) {
            return List.of();
        }
        return l.stream().filter(String.class::isInstance).map(String.class::cast).toList();
    }

    private static Optional<String> firstOf(List<String> ours, List<String> theirs) {
        return ours.stream().filter(theirs::contains).findFirst();
    }

    private static McpTransportException unsupported(String requested, List<String> supported, Throwable cause) {
        String detail = "the server does not support protocol version " + requested + " (it supports " + supported + ")";
        return new McpTransportException(new McpFailure.ProtocolVersionUnsupported(requested, List.copyOf(supported)),
                detail, cause);
    }

    /** Internal signal: a 2xx answer to the probe that is not a DiscoverResult. */
    static final class NotDiscoverResult extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotDiscoverResult() {
            super("not a DiscoverResult", null, false, false);
        }
    }
}
