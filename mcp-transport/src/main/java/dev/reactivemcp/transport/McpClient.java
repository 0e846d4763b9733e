package dev.reactivemcp.transport;

import dev.reactivemcp.errors.KnownSecrets;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.transport.internal.BodyBudget;
import dev.reactivemcp.transport.internal.ClientConfig;
import dev.reactivemcp.transport.internal.Json;
import dev.reactivemcp.transport.internal.JsonCodec;
import dev.reactivemcp.transport.internal.McpSession;
import dev.reactivemcp.transport.internal.ReactorNettyExchange;
import dev.reactivemcp.transport.internal.Tls;
import dev.reactivemcp.transport.internal.RequestHeaders;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.util.context.ContextView;

/**
 * A reactive MCP client over Streamable HTTP, for both protocol eras (initialization-based 2025-03-26 to
 * 2025-11-25, and stateless 2026-07-28). Every HTTP exchange runs through the configured
 * {@link ExchangeFilterFunction}s. Nothing is sent before a subscription; every call is cancellable.
 *
 * <pre>{@code
 * McpClient client = McpClient.builder(URI.create("https://example.com/mcp"))
 *     .clientInfo("my-service", "1.0.0")
 *     .build();
 * client.connect()
 *     .then(client.callTool("echo", Map.of("message", "hi")))
 *     .map(CallToolResult::text)
 *     .doFinally(s -> client.close().subscribe())
 *     .subscribe(System.out::println);
 * }</pre>
 *
 * <p>Implements the client side of MCP basic/lifecycle, basic/transports (Streamable HTTP), server/tools,
 * server/resources, server/prompts, server/utilities (completion, logging, pagination), client/elicitation,
 * client/sampling, client/roots and, for 2026-07-28, server/discover and basic/patterns/mrtr.
 */
public final class McpClient {

    private final ClientConfig config;
    private final McpSession session;

    private McpClient(ClientConfig config) {
        this.config = config;
        this.session = new McpSession(config);
    }

    /** A builder for a client of the MCP endpoint {@code endpoint} (e.g. {@code https://host/mcp}). */
    public static Builder builder(URI endpoint) {
        return new Builder(endpoint);
    }

    /** A client of {@code endpoint} with every default. */
    public static McpClient create(URI endpoint) {
        return builder(endpoint).build();
    }

    /**
     * Headers for the calls of one pipeline, set through the Reactor context; the client's static headers are
     * overridden, the protocol's own headers are not.
     *
     * <pre>{@code
     * client.callTool("search", args).contextWrite(McpClient.requestHeaders(Headers.empty().with("X-Request-Id", id)));
     * }</pre>
     */
    public static ContextView requestHeaders(Headers headers) {
        return RequestHeaders.of(Objects.requireNonNull(headers, "headers"));
    }

    /** The MCP endpoint. */
    public URI endpoint() {
        return config.endpoint();
    }

    /**
     * Connects: negotiates the protocol era and version and emits what the server said about itself. Lazy,
     * cancellable, bounded by the connect timeout; once it succeeded later subscriptions emit the same result,
     * concurrent ones share one handshake, and a failure is not remembered.
     */
    public Mono<InitializeResult> connect() {
        return session.connect();
    }

    /** The result of a successful {@link #connect()}, or null before. */
    public InitializeResult initializeResult() {
        return session.initializeResult();
    }

    /** One page of {@code tools/list}; {@code cursor} null for the first page. */
    public Mono<Page<Tool>> listTools(String cursor) {
        return list("tools/list", cursor, "tools", Tool::fromJson);
    }

    /** Every tool, following {@code nextCursor} across pages. */
    public Flux<Tool> tools() {
        return all(this::listTools);
    }

    /** Calls tool {@code name} with {@code arguments} (free-form JSON values). */
    public Mono<CallToolResult> callTool(String name, Map<String, Object> arguments) {
        return callTool(name, arguments, null);
    }

    /** Calls tool {@code name}, receiving progress notifications (MCP basic/utilities/progress) in {@code progress}. */
    public Mono<CallToolResult> callTool(String name, Map<String, Object> arguments, Consumer<Progress> progress) {
        Objects.requireNonNull(name, "name");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("name", name);
        params.put("arguments", arguments == null ? Map.of() : arguments);
        return session.request("tools/call", params, progress).map(CallToolResult::fromJson);
    }

    /** One page of {@code resources/list}. */
    public Mono<Page<Resource>> listResources(String cursor) {
        return list("resources/list", cursor, "resources", Resource::fromJson);
    }

    /** Every resource across pages. */
    public Flux<Resource> resources() {
        return all(this::listResources);
    }

    /** One page of {@code resources/templates/list}; each item's {@code uri} is the URI template. */
    public Mono<Page<Resource>> listResourceTemplates(String cursor) {
        return list("resources/templates/list", cursor, "resourceTemplates", Resource::templateFromJson);
    }

    /** Reads the resource at {@code uri} (sent exactly as given). */
    public Mono<ReadResourceResult> readResource(String uri) {
        return session.request("resources/read", Map.of("uri", uri), null).map(ReadResourceResult::fromJson);
    }

    /** Subscribes to updates of {@code uri} (legacy era; updates arrive on {@link #notifications()}). */
    public Mono<Void> subscribeResource(String uri) {
        return session.request("resources/subscribe", Map.of("uri", uri), null).then();
    }

    /** Ends a subscription made with {@link #subscribeResource(String)}. */
    public Mono<Void> unsubscribeResource(String uri) {
        return session.request("resources/unsubscribe", Map.of("uri", uri), null).then();
    }

    /** One page of {@code prompts/list}. */
    public Mono<Page<Prompt>> listPrompts(String cursor) {
        return list("prompts/list", cursor, "prompts", Prompt::fromJson);
    }

    /** Every prompt across pages. */
    public Flux<Prompt> prompts() {
        return all(this::listPrompts);
    }

    /** Gets prompt {@code name} with string {@code arguments}. */
    public Mono<GetPromptResult> getPrompt(String name, Map<String, String> arguments) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("name", name);
        params.put("arguments", arguments == null ? Map.of() : arguments);
        return session.request("prompts/get", params, null).map(GetPromptResult::fromJson);
    }

    /**
     * Asks for completions of argument {@code argumentName} (partial value {@code value}) of a prompt
     * ({@code ref/prompt}, {@code refName} its name) or a resource template ({@code ref/resource}, its URI).
     */
    public Mono<CompleteResult> complete(String refType, String refName, String argumentName, String value) {
        Map<String, Object> ref = new LinkedHashMap<>();
        ref.put("type", refType);
        ref.put("ref/resource".equals(refType) ? "uri" : "name", refName);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("ref", ref);
        params.put("argument", Map.of("name", argumentName, "value", value));
        return session.request("completion/complete", params, null).map(CompleteResult::fromJson);
    }

    /** {@code ping} (legacy era; 2026-07-28 removed it, any request proves liveness there). */
    public Mono<Void> ping() {
        return session.request("ping", null, null).then();
    }

    /** {@code logging/setLevel} (legacy era). */
    public Mono<Void> setLoggingLevel(String level) {
        return session.request("logging/setLevel", Map.of("level", level), null).then();
    }

    /**
     * Any request: {@code params} are free-form JSON values (or null) and the result object is converted to
     * {@code type} ({@code Map.class} for the raw result).
     */
    public <T> Mono<T> request(String method, Map<String, Object> params, Class<T> type) {
        // The session takes ownership of a LinkedHashMap it is given (the era may add _meta in place): copy the caller's.
        Map<String, Object> owned = params == null ? null : new LinkedHashMap<>(params);
        return session.request(method, owned, null).map(r -> JsonCodec.get().convert(r, type));
    }

    /**
     * Server notifications from every stream: request streams and the listening stream the client opens after
     * connecting (legacy era: the optional GET stream; 2026-07-28: {@code subscriptions/listen} for the list changes
     * the server advertises). Hot: subscribe before the calls whose notifications you want.
     *
     * <p>Delivery is serialised per subscriber (never concurrent, never failing a call). A subscriber that does not
     * keep up has a buffer of 1,024 notifications; beyond it the oldest are dropped, logged once per subscription at
     * WARN and counted in {@link #droppedNotifications()}. Completes when the client is closed.
     */
    public Flux<McpNotification> notifications() {
        return session.notifications();
    }

    /**
     * How many notifications were dropped so far because a {@link #notifications()} subscriber fell more than 1,024
     * behind (summed over subscribers).
     */
    public long droppedNotifications() {
        return session.droppedNotifications();
    }

    /**
     * Events skipped on resumed response streams (spec 2025-11-25, basic/transports, "Resumability and
     * Redelivery") because they were not for the resumed request: other requests' responses, placeholders such as
     * {@code data: {}}, data that does not parse. Each is logged at DEBUG; none fails the call.
     */
    public long skippedReplayedEvents() {
        return session.skippedReplayedEvents();
    }

    /**
     * The state of the listening stream (legacy GET stream, or 2026-07-28 {@code subscriptions/listen}): the current
     * state to each new subscriber, then every change; completes when the client is closed. Nothing is emitted
     * before the client is connected, or when {@link Builder#listeningStream(boolean)} is off.
     *
     * <pre>{@code
     * client.listeningState()
     *       .filter(s -> s.kind() == ListeningState.Kind.RECONNECTING)
     *       .subscribe(s -> log.info("listening stream down since {}: {}", s.since(), s.reason()));
     * }</pre>
     */
    public Flux<ListeningState> listeningState() {
        return session.listeningState();
    }

    /**
     * Ends the session: calls in flight fail with a typed "closed" error, the listening stream stops, and in the
     * legacy era the session is deleted (when the server issued an id). Later calls fail.
     */
    public Mono<Void> close() {
        return session.close();
    }

    private <T> Mono<Page<T>> list(String method, String cursor, String key,
                                   Function<Map<String, Object>, T> mapper) {
        Map<String, Object> params = new LinkedHashMap<>();
        if (cursor != null) {
            params.put("cursor", cursor);
        }
        return session.request(method, params, null).map(result -> new Page<>(
                Json.objects(result, key).stream().map(mapper).toList(), Json.string(result, "nextCursor")));
    }

    private static <T> Flux<T> all(Function<String, Mono<Page<T>>> page) {
        return page.apply(null)
                .expand(p -> p.nextCursor() == null ? Mono.empty() : page.apply(p.nextCursor()))
                .take(10_000)
                .concatMapIterable(Page::items);
    }

    @Override
    public String toString() {
        return "McpClient[" + config.endpoint() + "]";
    }

    /** Configures an {@link McpClient}; every setting has a default. */
    public static final class Builder {
        private final URI endpoint;
        private Implementation clientInfo = Implementation.of("reactive-mcp", "0.1.0");
        private ProtocolNegotiation negotiation = ProtocolNegotiation.auto();
        private Duration requestTimeout = Duration.ofSeconds(60);
        private Duration connectTimeout = Duration.ofSeconds(30);
        private HttpClient httpClient;
        private TlsTrust tlsTrust = TlsTrust.systemDefault();
        private Headers headers = Headers.empty();
        private final List<ExchangeFilterFunction> filters = new ArrayList<>();
        private ElicitationHandler elicitationHandler;
        private SamplingHandler samplingHandler;
        private Mono<List<Root>> roots;
        private Map<String, Object> extraCapabilities = Map.of();
        private Scheduler scheduler = Schedulers.parallel();
        private int maxMessageBytes = 8 * 1024 * 1024;
        private int maxMrtrRounds = 10;
        private Duration reconnectDelay = Duration.ofSeconds(1);
        private Duration maxReconnectDelay = Duration.ofSeconds(30);
        private Duration listeningDownWarning = Duration.ofSeconds(30);
        private int maxStreamResumptions = 5;
        private boolean listeningStream = true;
        private boolean rememberLegacyVerdict = true;
        private boolean cacheResults = true;
        private long maxBufferedBytes;

        private Builder(URI endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            String scheme = endpoint.getScheme();
            if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
                throw new IllegalArgumentException("the MCP endpoint must be an http or https URI: " + endpoint);
            }
        }

        /** The client's name and version, sent as {@code clientInfo}. */
        public Builder clientInfo(String name, String version) {
            this.clientInfo = Implementation.of(name, version);
            return this;
        }

        /** How to pick the protocol version; default {@link ProtocolNegotiation#auto()}. */
        public Builder negotiation(ProtocolNegotiation negotiation) {
            this.negotiation = Objects.requireNonNull(negotiation);
            return this;
        }

        /** Per-request timeout; default 60 s. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout);
            return this;
        }

        /** Timeout of the whole handshake; default 30 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout);
            return this;
        }

        /**
         * The Reactor Netty client to use (TLS, proxy, pool, metrics stay yours). Default: a shared client whose pool
         * admits 500 connections and 100,000 waiting calls (Reactor Netty's own default admits 16 and 32).
         */
        public Builder httpClient(HttpClient client) {
            this.httpClient = Objects.requireNonNull(client);
            return this;
        }

        /**
         * Which certificate authorities HTTPS trusts; default {@link TlsTrust#systemDefault()}. Applied on top of
         * {@link #httpClient(HttpClient)} when both are set (another way: configure {@code HttpClient#secure} on
         * your own client and leave this unset). An untrusted certificate or a host name that does not match fails
         * the call with {@code McpFailure.ConnectionFailure} of kind {@code TLS}.
         *
         * <pre>{@code
         * McpClient.builder(uri).tlsTrust(TlsTrust.pemFile(Path.of("internal-ca.pem"))).build();
         * }</pre>
         */
        public Builder tlsTrust(TlsTrust trust) {
            this.tlsTrust = Objects.requireNonNull(trust, "trust");
            return this;
        }

        /** A header sent with every HTTP request. */
        public Builder header(String name, String value) {
            this.headers = headers.with(name, value);
            return this;
        }

        /** Adds a filter; filters run in the order added, the first one outermost. */
        public Builder filter(ExchangeFilterFunction filter) {
            filters.add(Objects.requireNonNull(filter));
            return this;
        }

        /** Handles elicitation (declares the capability). */
        public Builder elicitationHandler(ElicitationHandler handler) {
            this.elicitationHandler = handler;
            return this;
        }

        /** Handles sampling (declares the capability). */
        public Builder samplingHandler(SamplingHandler handler) {
            this.samplingHandler = handler;
            return this;
        }

        /** Exposes these roots (declares the capability). */
        public Builder roots(List<Root> roots) {
            List<Root> copy = List.copyOf(roots);
            this.roots = Mono.fromSupplier(() -> copy);
            return this;
        }

        /** Exposes roots computed on demand (declares the capability). */
        public Builder roots(Mono<List<Root>> roots) {
            this.roots = Objects.requireNonNull(roots);
            return this;
        }

        /** Extra client capabilities (free-form JSON), e.g. {@code extensions}. */
        public Builder capabilities(Map<String, Object> capabilities) {
            this.extraCapabilities = Map.copyOf(capabilities);
            return this;
        }

        /** The scheduler for timeouts and reconnect delays (tests use a virtual-time one). */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler);
            return this;
        }

        /** The largest JSON message or SSE event accepted; default 8 MiB. */
        public Builder maxMessageBytes(int max) {
            if (max < 1024) {
                throw new IllegalArgumentException("maxMessageBytes must be at least 1024");
            }
            this.maxMessageBytes = max;
            return this;
        }

        /**
         * The most bytes of response bodies this client holds in memory at once, over all concurrent calls and
         * streams (JSON bodies being read and parsed, SSE events being assembled); {@link #maxMessageBytes} bounds
         * one message, this bounds them together. A response that would go beyond it fails with a typed
         * {@code ProtocolError} (its connection is closed) instead of exhausting the heap. Default: a quarter of the
         * maximum heap, between 16 MiB and 256 MiB, and at least two messages of {@code maxMessageBytes}.
         *
         * <pre>{@code
         * McpClient client = McpClient.builder(uri).maxBufferedBytes(64L << 20).build();
         * }</pre>
         */
        public Builder maxBufferedBytes(long max) {
            if (max < 1024) {
                throw new IllegalArgumentException("maxBufferedBytes must be at least 1024");
            }
            this.maxBufferedBytes = max;
            return this;
        }

        /** The most {@code input_required} rounds of one request; default 10. */
        public Builder maxInputRequiredRounds(int rounds) {
            if (rounds < 1) {
                throw new IllegalArgumentException("rounds must be positive");
            }
            this.maxMrtrRounds = rounds;
            return this;
        }

        /** Delay before resuming a broken stream when the server sent no {@code retry}; default 1 s. */
        public Builder reconnectDelay(Duration delay) {
            this.reconnectDelay = Objects.requireNonNull(delay);
            return this;
        }

        /**
         * The longest wait between two attempts to re-open the listening stream (the backoff from
         * {@link #reconnectDelay} doubles up to it, jittered; a server's SSE {@code retry} is honoured even when
         * longer); default 30 s. There is no limit on attempts: the stream lives as long as the client.
         */
        public Builder maxReconnectDelay(Duration max) {
            this.maxReconnectDelay = positive(max);
            return this;
        }

        /**
         * How long the listening stream may be down before a WARN is logged (once per outage; an INFO follows when it
         * is open again); default 30 s. See {@link McpClient#listeningState()}.
         */
        public Builder listeningDownWarning(Duration threshold) {
            this.listeningDownWarning = positive(threshold);
            return this;
        }

        /** How often one response stream may be resumed; default 5. */
        public Builder maxStreamResumptions(int max) {
            this.maxStreamResumptions = max;
            return this;
        }

        /**
         * Whether the client opens a listening stream after connecting (legacy GET stream, or 2026-07-28
         * {@code subscriptions/listen}); default true.
         */
        public Builder listeningStream(boolean open) {
            this.listeningStream = open;
            return this;
        }

        /**
         * Whether, in {@code auto} negotiation, a legacy verdict for this endpoint is remembered JVM-wide (for 10
         * minutes) so that later clients skip the modern probe; a remembered verdict that fails is dropped and the
         * server probed again (spec 2026-07-28, basic/versioning). Default true.
         */
        public Builder rememberLegacyVerdict(boolean remember) {
            this.rememberLegacyVerdict = remember;
            return this;
        }

        /**
         * Whether 2026-07-28 list and read results are reused for their {@code ttlMs} (spec 2026-07-28,
         * server/utilities/caching; {@code private} results only for the same credentials). Default true.
         */
        public Builder cacheResults(boolean cache) {
            this.cacheResults = cache;
            return this;
        }

        /** The client. */
        public McpClient build() {
            if (maxBufferedBytes > 0 && maxBufferedBytes < maxMessageBytes) {
                throw new IllegalArgumentException("maxBufferedBytes (" + maxBufferedBytes
                        + ") must hold at least one message of maxMessageBytes (" + maxMessageBytes + ")");
            }
            McpFailures.loadReaders();   // foreign payload readers, before the first error on an event loop
            headers.forEach((name, values) -> values.forEach(v ->
                    KnownSecrets.remember(Headers.isSensitive(name) ? v : null)));   // masked where echoed
            HttpClient http = httpClient != null ? httpClient : ReactorNettyExchange.defaultClient();
            if ("https".equalsIgnoreCase(endpoint.getScheme()) || !tlsTrust.isSystemDefault()) {
                Tls.requireAvailable();
            }
            http = Tls.apply(http, tlsTrust);
            return new McpClient(new ClientConfig(endpoint, clientInfo, negotiation, requestTimeout, connectTimeout,
                    http, headers, List.copyOf(filters), elicitationHandler, samplingHandler, roots,
                    extraCapabilities, scheduler, maxMessageBytes, maxMrtrRounds, reconnectDelay,
                    maxStreamResumptions, listeningStream, rememberLegacyVerdict,
                    cacheResults,
                    maxBufferedBytes > 0 ? maxBufferedBytes : BodyBudget.defaultMax(maxMessageBytes),
                    maxReconnectDelay, listeningDownWarning));
        }

        private static Duration positive(Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("duration must be positive");
            }
            return d;
        }
    }
}
