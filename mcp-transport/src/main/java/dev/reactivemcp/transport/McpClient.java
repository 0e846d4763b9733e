package dev.reactivemcp.transport;

import dev.reactivemcp.errors.KnownSecrets;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.transport.internal.BodyBudget;
import dev.reactivemcp.transport.internal.ClientConfig;
import dev.reactivemcp.transport.internal.Json;
import dev.reactivemcp.transport.internal.JsonCodec;
import dev.reactivemcp.transport.internal.McpSession;
import dev.reactivemcp.transport.internal.ObservedCalls;
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
 *     .flatMap(result -> result.isError()   // a tool error is an answer (isError), not an error signal
 *         ? Mono.error(new IllegalStateException("echo failed: " + result.text()))
 *         : Mono.just(result.text()))
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
    private final McpCallListener callListener;

    private McpClient(McpCallListener callListener, ClientConfig config) {
        this.config = config;
        this.session = new McpSession(config);
        this.callListener = callListener;
    }

    /** {@code session.request}, observed by the {@link Builder#callListener} when there is one. */
    private Mono<Map<String, Object>> send(String method, Map<String, Object> params, Consumer<Progress> progress) {
        McpCallListener listener = callListener;
        if (listener == null) {
            return session.request(method, params, progress);
        }
        String tool = "tools/call".equals(method) && params != null && params.get("name") instanceof String n ? n : null;
        Mono<Map<String, Object>> call = ObservedCalls.observe(listener, new McpCallListener.Call(
                McpCallListener.Call.Kind.CALL, config.endpoint(), method, tool), this::era,
                Mono.defer(() -> session.request(method, params, progress)));
        return Mono.defer(() -> session.initializeResult() != null ? call : connect().then(call));
    }

    private ProtocolEra era() {
        InitializeResult result = session.initializeResult();
        return result == null ? null : result.era();
    }

    /**
     * A builder for a client of the MCP endpoint {@code endpoint} (e.g. {@code https://host/mcp}).
     *
     * @param endpoint the absolute {@code http} or {@code https} URI of the MCP endpoint; not {@code null}
     * @return a builder with every default
     * @throws NullPointerException     when {@code endpoint} is {@code null}
     * @throws IllegalArgumentException when {@code endpoint} is not an {@code http} or {@code https} URI
     */
    public static Builder builder(URI endpoint) {
        return new Builder(endpoint);
    }

    /**
     * A client of {@code endpoint} with every default.
     *
     * @param endpoint the absolute {@code http} or {@code https} URI of the MCP endpoint; not {@code null}
     * @return a client that has not connected yet
     * @throws NullPointerException     when {@code endpoint} is {@code null}
     * @throws IllegalArgumentException when {@code endpoint} is not an {@code http} or {@code https} URI
     */
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
     *
     * @param headers the headers to send with every HTTP request of the pipeline; not {@code null}
     * @return a context to pass to {@code contextWrite}
     * @throws NullPointerException when {@code headers} is {@code null}
     */
    public static ContextView requestHeaders(Headers headers) {
        return RequestHeaders.of(Objects.requireNonNull(headers, "headers"));
    }

    /**
     * The MCP endpoint.
     *
     * @return the URI given to {@link #builder(URI)}
     */
    public URI endpoint() {
        return config.endpoint();
    }

    /**
     * Connects: negotiates the protocol era and version and emits what the server said about itself. Lazy,
     * cancellable, bounded by the connect timeout; once it succeeded later subscriptions emit the same result,
     * concurrent ones share one handshake, and a failure is not remembered.
     *
     * @return the negotiated version and the server's info and capabilities; fails with an
     *         {@code McpException} (classify with {@code McpFailures}) when the server cannot be used, for example
     *         {@code AuthenticationRequired}, {@code ConnectionFailure}, {@code Timeout} or
     *         {@code ProtocolVersionUnsupported}
     */
    public Mono<InitializeResult> connect() {
        McpCallListener listener = callListener;
        if (listener == null) {
            return session.connect();
        }
        return Mono.defer(() -> session.initializeResult() != null ? session.connect()
                : ObservedCalls.observe(listener, new McpCallListener.Call(McpCallListener.Call.Kind.HANDSHAKE,
                        config.endpoint(), "connect", null), this::era, session.connect()));
    }

    /**
     * The result of a successful {@link #connect()}, or null before.
     *
     * @return the last successful handshake's result, or {@code null} when not connected yet
     */
    public InitializeResult initializeResult() {
        return session.initializeResult();
    }

    /**
     * One page of {@code tools/list}; {@code cursor} null for the first page.
     *
     * @param cursor the {@link Page#nextCursor()} of the previous page, or {@code null} for the first page
     * @return the page; fails with an {@code McpException} (a stale cursor is usually a JSON-RPC error)
     */
    public Mono<Page<Tool>> listTools(String cursor) {
        return list("tools/list", cursor, "tools", Tool::fromJson);
    }

    /**
     * Every tool, following {@code nextCursor} across pages.
     *
     * @return the tools of every page in order (at most 10,000 pages), fetched a page at a time as demanded
     */
    public Flux<Tool> tools() {
        return all(this::listTools);
    }

    /**
     * Calls tool {@code name} with {@code arguments} (free-form JSON values).
     *
     * @param name      the tool's name as listed by {@link #tools()}; not {@code null}
     * @param arguments the arguments ({@code Map}, {@code List}, {@code String}, {@code Number}, {@code Boolean},
     *                  records), or {@code null} for none
     * @return the result; a tool that failed still <em>succeeds</em> here with {@link CallToolResult#isError()}
     *         {@code true}. Fails with an {@code McpException} only for protocol, transport and authentication
     *         failures
     * @throws NullPointerException when {@code name} is {@code null}
     */
    public Mono<CallToolResult> callTool(String name, Map<String, Object> arguments) {
        return callTool(name, arguments, null);
    }

    /**
     * Calls tool {@code name}, receiving progress notifications (MCP basic/utilities/progress) in {@code progress}.
     *
     * @param name      the tool's name; not {@code null}
     * @param arguments the arguments (free-form JSON values), or {@code null} for none
     * @param progress  called with each progress notification of this call (on a transport thread: do not block),
     *                  or {@code null} to ask for none
     * @return the result, which may be a tool error ({@link CallToolResult#isError()}); fails with an
     *         {@code McpException} for protocol, transport and authentication failures
     * @throws NullPointerException when {@code name} is {@code null}
     */
    public Mono<CallToolResult> callTool(String name, Map<String, Object> arguments, Consumer<Progress> progress) {
        Objects.requireNonNull(name, "name");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("name", name);
        params.put("arguments", arguments == null ? Map.of() : arguments);
        return send("tools/call", params, progress).map(CallToolResult::fromJson);
    }

    /**
     * One page of {@code resources/list}.
     *
     * @param cursor the {@link Page#nextCursor()} of the previous page, or {@code null} for the first page
     * @return the page; fails with an {@code McpException}
     */
    public Mono<Page<Resource>> listResources(String cursor) {
        return list("resources/list", cursor, "resources", Resource::fromJson);
    }

    /**
     * Every resource across pages.
     *
     * @return the resources of every page in order, fetched a page at a time as demanded
     */
    public Flux<Resource> resources() {
        return all(this::listResources);
    }

    /**
     * One page of {@code resources/templates/list}; each item's {@code uri} is the URI template.
     *
     * @param cursor the {@link Page#nextCursor()} of the previous page, or {@code null} for the first page
     * @return the page of templates; fails with an {@code McpException}
     */
    public Mono<Page<Resource>> listResourceTemplates(String cursor) {
        return list("resources/templates/list", cursor, "resourceTemplates", Resource::templateFromJson);
    }

    /**
     * Reads the resource at {@code uri} (sent exactly as given).
     *
     * @param uri the resource URI, for example one from {@link #resources()}; not {@code null}
     * @return the contents; fails with an {@code McpException} (an unknown resource is a JSON-RPC error)
     */
    public Mono<ReadResourceResult> readResource(String uri) {
        return send("resources/read", Map.of("uri", uri), null).map(ReadResourceResult::fromJson);
    }

    /**
     * Subscribes to updates of {@code uri} (legacy era; updates arrive on {@link #notifications()}).
     *
     * @param uri the resource URI; not {@code null}
     * @return completes when the server accepted the subscription; fails with an {@code McpException}
     */
    public Mono<Void> subscribeResource(String uri) {
        return send("resources/subscribe", Map.of("uri", uri), null).then();
    }

    /**
     * Ends a subscription made with {@link #subscribeResource(String)}.
     *
     * @param uri the resource URI as subscribed; not {@code null}
     * @return completes when the server accepted; fails with an {@code McpException}
     */
    public Mono<Void> unsubscribeResource(String uri) {
        return send("resources/unsubscribe", Map.of("uri", uri), null).then();
    }

    /**
     * One page of {@code prompts/list}.
     *
     * @param cursor the {@link Page#nextCursor()} of the previous page, or {@code null} for the first page
     * @return the page; fails with an {@code McpException}
     */
    public Mono<Page<Prompt>> listPrompts(String cursor) {
        return list("prompts/list", cursor, "prompts", Prompt::fromJson);
    }

    /**
     * Every prompt across pages.
     *
     * @return the prompts of every page in order, fetched a page at a time as demanded
     */
    public Flux<Prompt> prompts() {
        return all(this::listPrompts);
    }

    /**
     * Gets prompt {@code name} with string {@code arguments}.
     *
     * @param name      the prompt's name as listed by {@link #prompts()}
     * @param arguments the prompt's arguments by name, or {@code null} for none
     * @return the prompt's messages; fails with an {@code McpException}
     */
    public Mono<GetPromptResult> getPrompt(String name, Map<String, String> arguments) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("name", name);
        params.put("arguments", arguments == null ? Map.of() : arguments);
        return send("prompts/get", params, null).map(GetPromptResult::fromJson);
    }

    /**
     * Asks for completions of argument {@code argumentName} (partial value {@code value}) of a prompt
     * ({@code ref/prompt}, {@code refName} its name) or a resource template ({@code ref/resource}, its URI).
     *
     * @param refType      {@code "ref/prompt"} or {@code "ref/resource"}
     * @param refName      the prompt's name, or the resource template's URI for {@code ref/resource}
     * @param argumentName the argument to complete; not {@code null}
     * @param value        what the user typed so far; not {@code null}
     * @return the suggested values; fails with an {@code McpException}
     * @throws NullPointerException when {@code argumentName} or {@code value} is {@code null}
     */
    public Mono<CompleteResult> complete(String refType, String refName, String argumentName, String value) {
        Map<String, Object> ref = new LinkedHashMap<>();
        ref.put("type", refType);
        ref.put("ref/resource".equals(refType) ? "uri" : "name", refName);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("ref", ref);
        params.put("argument", Map.of("name", argumentName, "value", value));
        return send("completion/complete", params, null).map(CompleteResult::fromJson);
    }

    /**
     * {@code ping} (legacy era; 2026-07-28 removed it, any request proves liveness there).
     *
     * @return completes when the server answered; fails with an {@code McpException}
     */
    public Mono<Void> ping() {
        return send("ping", null, null).then();
    }

    /**
     * {@code logging/setLevel} (legacy era).
     *
     * @param level the lowest level the server should send as notifications: {@code debug}, {@code info},
     *              {@code notice}, {@code warning}, {@code error}, {@code critical}, {@code alert} or
     *              {@code emergency} (RFC 5424 severities); not {@code null}
     * @return completes when the server accepted; fails with an {@code McpException}
     */
    public Mono<Void> setLoggingLevel(String level) {
        return send("logging/setLevel", Map.of("level", level), null).then();
    }

    /**
     * Any request: {@code params} are free-form JSON values (or null) and the result object is converted to
     * {@code type} ({@code Map.class} for the raw result).
     *
     * @param <T>    the result type
     * @param method the JSON-RPC method, for example {@code "tools/list"}
     * @param params the parameters (copied before sending), or {@code null} for none
     * @param type   the class to convert the result object to, for example {@code Map.class} or a record
     * @return the converted result; fails with an {@code McpException}, or with an error when the result does not
     *         convert to {@code type}
     */
    public <T> Mono<T> request(String method, Map<String, Object> params, Class<T> type) {
        // The session takes ownership of a LinkedHashMap it is given (the era may add _meta in place): copy the caller's.
        Map<String, Object> owned = params == null ? null : new LinkedHashMap<>(params);
        return send(method, owned, null).map(r -> JsonCodec.get().convert(r, type));
    }

    /**
     * Server notifications from every stream: request streams and the listening stream the client opens after
     * connecting (legacy era: the optional GET stream; 2026-07-28: {@code subscriptions/listen} for the list changes
     * the server advertises). Hot: subscribe before the calls whose notifications you want.
     *
     * <p>Delivery is serialised per subscriber (never concurrent, never failing a call). A subscriber that does not
     * keep up has a buffer of 1,024 notifications; beyond it the oldest are dropped, logged once per subscription at
     * WARN and counted in {@link #droppedNotifications()}. Completes when the client is closed.
     *
     * @return a hot stream of the server's notifications (a call's progress notifications included, which its
     *         progress consumer also receives)
     */
    public Flux<McpNotification> notifications() {
        return session.notifications();
    }

    /**
     * How many notifications were dropped so far because a {@link #notifications()} subscriber fell more than 1,024
     * behind (summed over subscribers).
     *
     * @return the number dropped since the client was built
     */
    public long droppedNotifications() {
        return session.droppedNotifications();
    }

    /**
     * Events skipped on resumed response streams (spec 2025-11-25, basic/transports, "Resumability and
     * Redelivery") because they were not for the resumed request: other requests' responses, placeholders such as
     * {@code data: {}}, data that does not parse. Each is logged at DEBUG; none fails the call.
     *
     * @return the number skipped since the client was built
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
     *
     * @return the current state, then every change, until the client is closed
     */
    public Flux<ListeningState> listeningState() {
        return session.listeningState();
    }

    /**
     * Ends the session: calls in flight fail with a typed "closed" error, the listening stream stops, and in the
     * legacy era the session is deleted (when the server issued an id). Later calls fail.
     *
     * @return completes when the session is ended and the listening stream stopped; nothing happens before a
     *         subscription
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
        return send(method, params, null).map(result -> new Page<>(
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
        // Defaults shared by every client (immutable): a service holding a client per server keeps one copy.
        private static final Implementation DEFAULT_CLIENT_INFO = Implementation.of("reactive-mcp", "0.1.0");
        private static final Duration SECONDS_60 = Duration.ofSeconds(60);
        private static final Duration SECONDS_30 = Duration.ofSeconds(30);
        private static final Duration SECONDS_1 = Duration.ofSeconds(1);
        private final URI endpoint;
        private Implementation clientInfo = DEFAULT_CLIENT_INFO;
        private ProtocolNegotiation negotiation = ProtocolNegotiation.auto();
        private Duration requestTimeout = SECONDS_60;
        private Duration connectTimeout = SECONDS_30;
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
        private Duration reconnectDelay = SECONDS_1;
        private Duration maxReconnectDelay = SECONDS_30;
        private Duration listeningDownWarning = SECONDS_30;
        private int maxStreamResumptions = 5;
        private boolean listeningStream = true;
        private boolean rememberLegacyVerdict = true;
        private boolean cacheResults = true;
        private long maxBufferedBytes;
        private McpCallListener callListener;

        private Builder(URI endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            String scheme = endpoint.getScheme();
            if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
                throw new IllegalArgumentException("the MCP endpoint must be an http or https URI: " + endpoint);
            }
        }

        /**
         * The client's name and version, sent as {@code clientInfo}.
         *
         * @param name    the client's name, for example {@code "my-service"}
         * @param version the client's version, for example {@code "1.0.0"}
         * @return this builder
         */
        public Builder clientInfo(String name, String version) {
            this.clientInfo = Implementation.of(name, version);
            return this;
        }

        /**
         * How to pick the protocol version; default {@link ProtocolNegotiation#auto()}.
         *
         * @param negotiation the strategy; not {@code null}
         * @return this builder
         * @throws NullPointerException when {@code negotiation} is {@code null}
         */
        public Builder negotiation(ProtocolNegotiation negotiation) {
            this.negotiation = Objects.requireNonNull(negotiation);
            return this;
        }

        /**
         * Per-request timeout; default 60 s.
         *
         * @param timeout the longest a call may take, the ceiling for every call; positive
         * @return this builder
         * @throws IllegalArgumentException when {@code timeout} is {@code null}, zero or negative
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout);
            return this;
        }

        /**
         * Timeout of the whole handshake; default 30 s.
         *
         * @param timeout the longest {@link McpClient#connect()} may take; positive
         * @return this builder
         * @throws IllegalArgumentException when {@code timeout} is {@code null}, zero or negative
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout);
            return this;
        }

        /**
         * The Reactor Netty client to use (TLS, proxy, pool, metrics stay yours). Default: a shared client whose pool
         * admits 500 connections and 100,000 waiting calls (Reactor Netty's own default admits 16 and 32).
         *
         * @param client your configured client; not {@code null}
         * @return this builder
         * @throws NullPointerException when {@code client} is {@code null}
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
         *
         * @param trust the certificate authorities to trust; not {@code null}
         * @return this builder
         * @throws NullPointerException when {@code trust} is {@code null}
         */
        public Builder tlsTrust(TlsTrust trust) {
            this.tlsTrust = Objects.requireNonNull(trust, "trust");
            return this;
        }

        /**
         * A header sent with every HTTP request.
         *
         * @param name  the header name; see {@link Headers#with(String, String)} for what is refused
         * @param value the value; a sensitive header's value (such as {@code Authorization}) is masked wherever
         *              echoed in error text
         * @return this builder
         */
        public Builder header(String name, String value) {
            this.headers = headers.with(name, value);
            return this;
        }

        /**
         * Adds a filter; filters run in the order added, the first one outermost.
         *
         * @param filter the filter, for example an OAuth filter; not {@code null}
         * @return this builder
         * @throws NullPointerException when {@code filter} is {@code null}
         */
        public Builder filter(ExchangeFilterFunction filter) {
            filters.add(Objects.requireNonNull(filter));
            return this;
        }

        /**
         * Handles elicitation (declares the capability).
         *
         * @param handler answers the server's {@code elicitation/create} requests, or {@code null} for none
         * @return this builder
         */
        public Builder elicitationHandler(ElicitationHandler handler) {
            this.elicitationHandler = handler;
            return this;
        }

        /**
         * Handles sampling (declares the capability).
         *
         * @param handler answers the server's {@code sampling/createMessage} requests, or {@code null} for none
         * @return this builder
         */
        public Builder samplingHandler(SamplingHandler handler) {
            this.samplingHandler = handler;
            return this;
        }

        /**
         * Exposes these roots (declares the capability).
         *
         * @param roots the roots, copied; not {@code null}
         * @return this builder
         * @throws NullPointerException when {@code roots} or one of them is {@code null}
         */
        public Builder roots(List<Root> roots) {
            List<Root> copy = List.copyOf(roots);
            this.roots = Mono.fromSupplier(() -> copy);
            return this;
        }

        /**
         * Exposes roots computed on demand (declares the capability).
         *
         * @param roots subscribed to for each {@code roots/list} request of the server; not {@code null}
         * @return this builder
         * @throws NullPointerException when {@code roots} is {@code null}
         */
        public Builder roots(Mono<List<Root>> roots) {
            this.roots = Objects.requireNonNull(roots);
            return this;
        }

        /**
         * Extra client capabilities (free-form JSON), e.g. {@code extensions}.
         *
         * @param capabilities capability name to value, merged into the client's {@code capabilities}; copied, not
         *                     {@code null}
         * @return this builder
         * @throws NullPointerException when the map, a key or a value is {@code null}
         */
        public Builder capabilities(Map<String, Object> capabilities) {
            this.extraCapabilities = Map.copyOf(capabilities);
            return this;
        }

        /**
         * The scheduler for timeouts and reconnect delays (tests use a virtual-time one).
         *
         * @param scheduler the scheduler; default {@code Schedulers.parallel()}; not {@code null}
         * @return this builder
         * @throws NullPointerException when {@code scheduler} is {@code null}
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler);
            return this;
        }

        /**
         * The largest JSON message or SSE event accepted; default 8 MiB.
         *
         * @param max the limit in bytes, at least 1024; a larger message fails the call with a {@code ProtocolError}
         * @return this builder
         * @throws IllegalArgumentException when {@code max} is below 1024
         */
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
         *
         * @param max the limit in bytes, at least 1024 and (checked by {@link #build()}) at least
         *            {@code maxMessageBytes}
         * @return this builder
         * @throws IllegalArgumentException when {@code max} is below 1024
         */
        public Builder maxBufferedBytes(long max) {
            if (max < 1024) {
                throw new IllegalArgumentException("maxBufferedBytes must be at least 1024");
            }
            this.maxBufferedBytes = max;
            return this;
        }

        /**
         * The most {@code input_required} rounds of one request; default 10.
         *
         * @param rounds how many times one request may be re-sent with the input the server asked for; positive
         * @return this builder
         * @throws IllegalArgumentException when {@code rounds} is below 1
         */
        public Builder maxInputRequiredRounds(int rounds) {
            if (rounds < 1) {
                throw new IllegalArgumentException("rounds must be positive");
            }
            this.maxMrtrRounds = rounds;
            return this;
        }

        /**
         * Delay before resuming a broken stream when the server sent no {@code retry}; default 1 s.
         *
         * @param delay the first delay (the listening stream's backoff doubles from it); not {@code null}
         * @return this builder
         * @throws NullPointerException when {@code delay} is {@code null}
         */
        public Builder reconnectDelay(Duration delay) {
            this.reconnectDelay = Objects.requireNonNull(delay);
            return this;
        }

        /**
         * The longest wait between two attempts to re-open the listening stream (the backoff from
         * {@link #reconnectDelay} doubles up to it, jittered; a server's SSE {@code retry} is honoured even when
         * longer); default 30 s. There is no limit on attempts: the stream lives as long as the client.
         *
         * @param max the cap on the backoff; positive
         * @return this builder
         * @throws IllegalArgumentException when {@code max} is {@code null}, zero or negative
         */
        public Builder maxReconnectDelay(Duration max) {
            this.maxReconnectDelay = positive(max);
            return this;
        }

        /**
         * How long the listening stream may be down before a WARN is logged (once per outage; an INFO follows when it
         * is open again); default 30 s. See {@link McpClient#listeningState()}.
         *
         * @param threshold how long an outage lasts before the WARN; positive
         * @return this builder
         * @throws IllegalArgumentException when {@code threshold} is {@code null}, zero or negative
         */
        public Builder listeningDownWarning(Duration threshold) {
            this.listeningDownWarning = positive(threshold);
            return this;
        }

        /**
         * How often one response stream may be resumed; default 5.
         *
         * @param max the most resumptions ({@code Last-Event-ID}) of one call's response stream before the call fails;
         *            0 never resumes
         * @return this builder
         */
        public Builder maxStreamResumptions(int max) {
            this.maxStreamResumptions = max;
            return this;
        }

        /**
         * Whether the client opens a listening stream after connecting (legacy GET stream, or 2026-07-28
         * {@code subscriptions/listen}); default true.
         *
         * @param open {@code false} to receive notifications only on the streams of the client's own requests
         * @return this builder
         */
        public Builder listeningStream(boolean open) {
            this.listeningStream = open;
            return this;
        }

        /**
         * Whether, in {@code auto} negotiation, a legacy verdict for this endpoint is remembered JVM-wide (for 10
         * minutes) so that later clients skip the modern probe; a remembered verdict that fails is dropped and the
         * server probed again (spec 2026-07-28, basic/versioning). Default true.
         *
         * @param remember {@code false} to probe each time a client of this endpoint connects
         * @return this builder
         */
        public Builder rememberLegacyVerdict(boolean remember) {
            this.rememberLegacyVerdict = remember;
            return this;
        }

        /**
         * Whether 2026-07-28 list and read results are reused for their {@code ttlMs} (spec 2026-07-28,
         * server/utilities/caching; {@code private} results only for the same credentials). Default true.
         *
         * @param cache {@code false} to send every list and read request
         * @return this builder
         */
        public Builder cacheResults(boolean cache) {
            this.cacheResults = cache;
            return this;
        }

        /**
         * Tells {@code listener} when each handshake and call of the client starts and how it ends (method, tool
         * name, protocol era, outcome): the hook for metrics and tracing, such as {@code mcp-observation}'s
         * Micrometer observations. Default: none, and then nothing is called or allocated per call.
         *
         * <pre>{@code
         * McpClient client = McpClient.builder(uri).callListener(McpObservation.calls(registry)).build();
         * }</pre>
         *
         * @param listener the listener; replaces one set before; not {@code null}
         * @return this builder
         * @throws NullPointerException when {@code listener} is {@code null}
         */
        public Builder callListener(McpCallListener listener) {
            this.callListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * The client.
         *
         * @return a new client; nothing is sent before {@link McpClient#connect()} or a call is subscribed to
         * @throws IllegalArgumentException when {@code maxBufferedBytes} is below {@code maxMessageBytes}
         * @throws IllegalStateException    when HTTPS is needed and Reactor Netty's TLS client is unavailable on the
         *                                  class path (a dependency of {@code reactor-netty-http} was excluded)
         */
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
            return new McpClient(callListener, new ClientConfig(endpoint, clientInfo, negotiation, requestTimeout, connectTimeout,
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
