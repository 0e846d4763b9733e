package dev.reactivemcp.transport.internal;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.transport.ExchangeFilterFunction;
import dev.reactivemcp.transport.ExchangeFunction;
import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.InitializeResult;
import dev.reactivemcp.transport.ListeningState;
import dev.reactivemcp.transport.McpNotification;
import dev.reactivemcp.transport.McpTransportException;
import dev.reactivemcp.transport.Progress;
import dev.reactivemcp.transport.ProtocolEra;
import dev.reactivemcp.transport.ProtocolNegotiation;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * One client's connection state and request pipeline for both protocol eras. The public {@code McpClient}
 * delegates here.
 */
public final class McpSession implements RpcChannel.InboundHandler {

    private static final Logger log = Loggers.getLogger(McpSession.class);

    private final ClientConfig config;
    private final JsonCodec codec = JsonCodec.get();
    private final RpcChannel channel;
    private final ServerRequests serverRequests;
    // Counters, references and maps as plain volatile fields with updaters, the maps created on first use: an idle
    // client holds no empty map and no Atomic* box (issue 16, heap per idle client).
    private static final AtomicLongFieldUpdater<McpSession> IDS =
            AtomicLongFieldUpdater.newUpdater(McpSession.class, "ids");
    private static final AtomicLongFieldUpdater<McpSession> PROGRESS_TOKENS =
            AtomicLongFieldUpdater.newUpdater(McpSession.class, "progressTokens");
    private static final VarHandle PROGRESS_LISTENERS =
            LazyInit.handle(MethodHandles.lookup(), "progressListeners", Map.class);
    private static final VarHandle LISTENER = LazyInit.handle(MethodHandles.lookup(), "listener", ListeningStream.class);
    private static final VarHandle CONNECTING = LazyInit.handle(MethodHandles.lookup(), "connecting", Mono.class);
    private volatile long ids;
    private volatile long progressTokens;
    private volatile Map<Object, Consumer<Progress>> progressListeners; // see progressListeners()
    private final NotificationHub notifications = new NotificationHub();
    private volatile ListeningStream listener;
    private final LatestValue<ListeningState> listeningStates = new LatestValue<>(); // a sink once subscribed
    private volatile Mono<InitializeResult> connecting;
    private final LegacyLifecycle legacy;
    private final ModernLifecycle modern;
    private final Deadlines deadlines;

    private volatile InitializeResult initialized;
    private volatile boolean isClosed;

    /** A session for {@code config}; nothing is sent until {@link #connect()} is subscribed. */
    public McpSession(ClientConfig config) {
        this.config = config;
        this.deadlines = new Deadlines(config.scheduler(), config.requestTimeout());
        ResponseCache cache = config.cacheResults() ? new ResponseCache() : null;
        ExchangeFunction exchange = new ReactorNettyExchange(config.httpClient(), config.scheduler());
        if (cache != null) {
            exchange = new CachedExchange(exchange, cache, codec, config.scheduler());
        }
        for (int i = config.filters().size() - 1; i >= 0; i--) {
            ExchangeFilterFunction f = config.filters().get(i);
            exchange = f.apply(exchange);
        }
        this.channel = new RpcChannel(config, exchange, codec, this);
        this.serverRequests = new ServerRequests(config);
        this.legacy = new LegacyLifecycle(config, channel, this::nextId);
        this.modern = new ModernLifecycle(config, channel, serverRequests, this::nextId, cache);
        legacy.onNewSession(this::reopenAfterNewSession);
    }

    /**
     * Establishes the session once; concurrent subscribers share one handshake, failures are not cached. The
     * handshake runs in the Reactor context of the subscriber that started it, so the filters send that caller's
     * credentials: a failure that depends on them ({@link CallerFailures}) reaches only that caller, and the others
     * waiting run the handshake again in their own context (one after the other, each run shared by all who wait).
     */
    public Mono<InitializeResult> connect() {
        return Mono.defer(() -> {
            if (isClosed) {
                return Mono.error(closedError());
            }
            InitializeResult done = initialized;
            if (done != null) {
                return Mono.just(done);
            }
            Mono<InitializeResult> current = connecting;
            return current != null ? current : startConnecting();
        });
    }

    private Mono<InitializeResult> startConnecting() {
        AtomicReference<Mono<InitializeResult>> self = new AtomicReference<>();
        Runnable over = () -> CONNECTING.compareAndSet(this, self.get(), (Mono<?>) null);
        Mono<InitializeResult> attempt = handshake()
                .timeout(config.connectTimeout(), config.scheduler())
                .onErrorMap(TimeoutException.class, e -> timeout("connect", config.connectTimeout(), e))
                .doOnNext(this::established)
                .doOnSuccess(r -> over.run())
                .doOnError(e -> {
                    if (!CallerFailures.test(e)) {
                        over.run(); // a shared failure: the next connect starts afresh (the round keeps it)
                    }
                })
                .doOnCancel(over);
        Mono<InitializeResult> fresh = SharedMono.refCounted(attempt, CallerFailures::test);
        self.set(fresh);
        @SuppressWarnings("unchecked")
        Mono<InitializeResult> winner = (Mono<InitializeResult>) CONNECTING.compareAndExchange(this, (Mono<?>) null,
                (Mono<?>) fresh);
        return winner == null ? fresh : winner;
    }

    private Mono<InitializeResult> handshake() {
        ProtocolNegotiation n = config.negotiation();
        switch (n.mode()) {
            case LEGACY_ONLY:
                return legacy.initialize(ProtocolNegotiation.LEGACY_VERSIONS.get(0));
            case PINNED:
                return ProtocolEra.of(n.version()) == ProtocolEra.MODERN
                        ? modern.discover(n.version(), false, legacy)
                        : legacy.initialize(n.version());
            default:
                return auto();
        }
    }

    /** Probe modern first, unless this origin is known to be legacy; a stale verdict is dropped and re-probed. */
    private Mono<InitializeResult> auto() {
        Mono<InitializeResult> probe = modern.discover(ProtocolNegotiation.MODERN_VERSIONS.get(0), true, legacy)
                .doOnNext(r -> {
                    if (r.era() == ProtocolEra.LEGACY) {
                        EraVerdicts.recordLegacy(config.endpoint(), now());
                    } else {
                        EraVerdicts.forget(config.endpoint());
                    }
                });
        if (!config.rememberLegacyVerdict()) {
            return modern.discover(ProtocolNegotiation.MODERN_VERSIONS.get(0), true, legacy);
        }
        if (!EraVerdicts.isLegacy(config.endpoint(), now())) {
            return probe;
        }
        return legacy.initialize(ProtocolNegotiation.LEGACY_VERSIONS.get(0))
                .onErrorResume(ModernLifecycle::isLegacyAnswer, e -> {
                    log.debug("cached legacy verdict for {} failed ({}); probing again", config.endpoint(), e.toString());
                    EraVerdicts.forget(config.endpoint());
                    return probe;
                });
    }

    /** The handshake result, when connected. */
    public InitializeResult initializeResult() {
        return initialized;
    }

    /**
     * Sends one request after connecting and emits its result object. {@code progress} (nullable) receives
     * progress notifications for this request. {@code params} is handed over: a {@code LinkedHashMap} may get its
     * {@code _meta} set in place, so callers pass a map of their own (or an unmodifiable one, which is copied).
     */
    public Mono<Map<String, Object>> request(String method, Map<String, Object> params, Consumer<Progress> progress) {
        return Mono.defer(() -> initialized != null
                ? guarded(method, params, progress)
                : connect().then(Mono.defer(() -> guarded(method, params, progress))));
    }

    /**
     * The call in its era, bounded by the request timeout and failed by {@link #close()} (one operator: see
     * {@link GuardedCall}).
     */
    private Mono<Map<String, Object>> guarded(String method, Map<String, Object> params, Consumer<Progress> progress) {
        if (isClosed) {
            return Mono.error(closedError());
        }
        Map<String, Object> p;
        Runnable onEnd = null;
        if (progress == null) {
            p = params == null ? Map.of() : params; // serialized once per send, never modified
        } else {
            p = params == null ? new LinkedHashMap<>() : new LinkedHashMap<>(params);
            Object token = "progress-" + PROGRESS_TOKENS.incrementAndGet(this);
            Map<String, Object> meta = new LinkedHashMap<>(Json.objectOrEmpty(p, "_meta"));
            meta.put("progressToken", token);
            p.put("_meta", meta);
            Map<Object, Consumer<Progress>> listeners = progressListeners();
            listeners.put(token, progress);
            onEnd = () -> listeners.remove(token);
        }
        Mono<Map<String, Object>> call = initialized.era() == ProtocolEra.MODERN
                ? modern.request(method, p)
                : legacy.request(method, p);
        ListeningStream listening = listener;
        if (listening != null) {
            call = call.doOnNext(r -> listening.serverReachable()); // a stream backing off re-opens now
        }
        Duration limit = config.requestTimeout();
        return new GuardedCall<>(call, deadlines, closed -> closed ? closedError()
                : timeout(method, limit, null, channel.idempotence().test(method, p)), onEnd);
    }

    /** Every notification from the server, from any stream. */
    public Flux<McpNotification> notifications() {
        return notifications.flux();
    }

    /** Notifications dropped because a subscriber fell behind (see {@link NotificationHub}). */
    public long droppedNotifications() {
        return notifications.dropped();
    }

    /**
     * Ends the session: calls still in flight fail with a typed "closed" error, the listening stream stops, and in
     * the legacy era the session is deleted (when the server issued an id). Later calls fail.
     */
    public Mono<Void> close() {
        return Mono.defer(() -> {
            if (isClosed) {
                return Mono.empty();
            }
            isClosed = true;
            deadlines.closeAll();
            ListeningStream l = (ListeningStream) LISTENER.getAndSet(this, (ListeningStream) null);
            Mono<Void> stopListening = l == null ? Mono.empty() : l.stop();
            Mono<Void> end = initialized != null && initialized.era() == ProtocolEra.LEGACY
                    ? legacy.terminate() : Mono.empty();
            return stopListening.then(end.timeout(config.requestTimeout(), config.scheduler()))
                    .onErrorResume(e -> {
                        log.debug("session termination failed: {}", e.toString());
                        return Mono.empty();
                    })
                    .doFinally(s -> {
                        notifications.complete();
                        listeningStates.complete();
                    });
        });
    }

    /** Events of resumed response streams skipped as not for the resumed request (see {@code RpcChannel}). */
    public long skippedReplayedEvents() {
        return channel.skippedReplayedEvents();
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return isClosed;
    }

    private void established(InitializeResult result) {
        initialized = result;
        if (!config.openListeningStream()) {
            return;
        }
        ListeningStream.Attempt attempt = result.era() == ProtocolEra.LEGACY
                ? legacy::listenOnce
                : modern.listen(result.capabilities());
        if (attempt == null) {
            publishListening(new ListeningState(ListeningState.Kind.STOPPED,
                    java.time.Instant.ofEpochMilli(config.scheduler().now(java.util.concurrent.TimeUnit.MILLISECONDS)),
                    0, "the server advertises nothing to listen for"));
            return;
        }
        // The listening stream (legacy GET, modern subscriptions/listen) is a resource of the session, like a
        // pooled connection: it is started once here, lives as long as the client and is stopped (and waited for)
        // by close().
        ListeningStream stream = new ListeningStream(
                result.era() == ProtocolEra.LEGACY ? "the listening stream (GET)" : "the subscriptions/listen stream",
                attempt, config.scheduler(), config.defaultReconnectDelay(), config.maxReconnectDelay(),
                config.listeningDownWarning(), this::publishListening);
        // a stream that ended by itself (the server has none, e.g. a 405 to the GET) is not held by an idle client
        stream.onEnded(() -> LISTENER.compareAndSet(this, stream, (ListeningStream) null));
        ListeningStream previous = (ListeningStream) LISTENER.getAndSet(this, stream);
        if (previous != null) {
            previous.stop().subscribe();
        }
        stream.start();
        if (isClosed && LISTENER.compareAndSet(this, stream, (ListeningStream) null)) {
            stream.stop().subscribe();
        }
    }

    /** The listening stream's states (latest first), completed when the client closes. */
    public Flux<ListeningState> listeningState() {
        return listeningStates.flux();
    }

    /**
     * The client has a new session (a re-initialization after the server forgot the old one): the listening stream
     * re-opens now with it, instead of waiting for its backoff. Harmless at any other time.
     */
    public void reopenAfterNewSession() {
        ListeningStream l = listener;
        if (l != null) {
            l.reopenAfterNewSession();
        }
    }

    private void publishListening(ListeningState state) {
        listeningStates.next(state); // emitted from the scheduler and from event loops: serialised there
    }

    @Override
    public Mono<Void> onNotification(Map<String, Object> message) {
        String method = (String) message.get("method");
        Map<String, Object> params = Json.objectOrEmpty(message, "params");
        modern.invalidate(method, params);
        if ("notifications/progress".equals(method)) {
            Object token = params.get("progressToken");
            Map<Object, Consumer<Progress>> listeners = progressListeners;
            Consumer<Progress> listener = token == null || listeners == null ? null : listeners.get(token);
            Number progress = Json.number(params, "progress");
            if (listener != null && progress != null) {
                Number total = Json.number(params, "total");
                listener.accept(new Progress(token, progress.doubleValue(),
                        total == null ? null : total.doubleValue(), Json.string(params, "message")));
            }
        }
        notifications.publish(new McpNotification(method, params));
        return Mono.empty();
    }

    @Override
    public Mono<Map<String, Object>> onRequest(Map<String, Object> message, Headers replyHeaders) {
        if (initialized != null && initialized.era() == ProtocolEra.MODERN) {
            log.warn("dropping a JSON-RPC request from a 2026-07-28 server: servers must not send requests ({})",
                    message.get("method"));
            return Mono.empty();
        }
        return serverRequests.respond(message);
    }

    private Map<Object, Consumer<Progress>> progressListeners() {
        return LazyInit.get(PROGRESS_LISTENERS, this, ConcurrentHashMap::new);
    }

    private long now() {
        return config.scheduler().now(java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private long nextId() {
        return IDS.incrementAndGet(this);
    }

    static McpTransportException timeout(String what, Duration limit, Throwable cause) {
        return timeout(what, limit, cause, false);
    }

    /** A request timeout: delivery unknown (the request may still wait for a connection, or have been written). */
    static McpTransportException timeout(String what, Duration limit, Throwable cause, boolean idempotent) {
        return new McpTransportException(new McpFailure.Timeout(limit, dev.reactivemcp.errors.Delivery.UNKNOWN,
                idempotent), what + " timed out after " + limit.toMillis() + " ms", cause);
    }

    static McpException closedError() {
        return new McpTransportException(new McpFailure.Cancelled(), "the client is closed", null);
    }
}
