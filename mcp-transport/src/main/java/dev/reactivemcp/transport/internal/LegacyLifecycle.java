package dev.reactivemcp.transport.internal;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.Implementation;
import dev.reactivemcp.transport.InitializeResult;
import dev.reactivemcp.transport.McpTransportException;
import dev.reactivemcp.transport.ProtocolEra;
import dev.reactivemcp.transport.ProtocolNegotiation;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The initialization-based era (2025-03-26, 2025-06-18, 2025-11-25): {@code initialize} and
 * {@code notifications/initialized}, {@code Mcp-Session-Id}, {@code MCP-Protocol-Version} after initialization,
 * resumable POST streams, re-initialization once when the server forgets the session, DELETE on close,
 * {@code notifications/cancelled} when a caller cancels (spec 2025-11-25, basic/lifecycle and
 * basic/transports).
 */
final class LegacyLifecycle {

    private static final Logger log = Loggers.getLogger(LegacyLifecycle.class);

    private final ClientConfig config;
    private final RpcChannel channel;
    private final LongSupplier ids;
    // plain volatile fields with updaters, not Atomic* boxes (issue 16, heap per idle client)
    private static final VarHandle REINITIALIZING =
            LazyInit.handle(MethodHandles.lookup(), "reinitializing", Reinit.class);
    private static final AtomicLongFieldUpdater<LegacyLifecycle> REINITIALIZATIONS =
            AtomicLongFieldUpdater.newUpdater(LegacyLifecycle.class, "reinitializations");
    /** The re-initialization in flight after a session loss, shared by every caller (single-flight). */
    private volatile Reinit reinitializing;
    /** Re-initializations started, one per loss (failed attempts for the same loss count again). */
    private volatile long reinitializations;
    /** The lost session last reported at WARN, so that one loss is reported once. */
    private volatile String reportedLoss;

    private volatile Runnable newSession = () -> { };
    private volatile String sessionId;
    private volatile String version;
    /** The protocol headers for the current version and session, rebuilt only when either changes. */
    private volatile Headers headers = Headers.empty();

    LegacyLifecycle(ClientConfig config, RpcChannel channel, LongSupplier ids) {
        this.config = config;
        this.channel = channel;
        this.ids = ids;
    }

    /** {@code initialize} offering {@code offered}; the server's answer is accepted if this client supports it. */
    Mono<InitializeResult> initialize(String offered) {
        return Mono.defer(() -> {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("protocolVersion", offered);
            params.put("capabilities", config.capabilities());
            params.put("clientInfo", config.clientInfo().toJson());
            AtomicReference<String> issuedSession = new AtomicReference<>();
            return channel.call(JsonRpc.request(ids.getAsLong(), "initialize", params), Headers.empty(), false,
                            resp -> issuedSession.set(resp.headers().first("Mcp-Session-Id").orElse(null)))
                    .map(JsonRpc::resultOrThrow)
                    .flatMap(result -> accept(result, offered, issuedSession.get()));
        });
    }

    private Mono<InitializeResult> accept(Map<String, Object> result, String offered, String issuedSession) {
        String v = Json.string(result, "protocolVersion");
        if (v == null || !ProtocolNegotiation.LEGACY_VERSIONS.contains(v)) {
            String detail = "the server answered initialize with protocol version " + v
                    + ", which this client does not support";
            return Mono.error(new McpTransportException(
                    new McpFailure.ProtocolVersionUnsupported(offered, v == null ? List.of() : List.of(v)), detail, null));
        }
        sessionId = issuedSession;
        version = v;
        headers = protocolHeaders(v, issuedSession);
        // compact copies: the client holds them for its whole life (issue 16, heap per idle client)
        InitializeResult init = new InitializeResult(v, ProtocolEra.LEGACY,
                CompactJson.object(Json.objectOrEmpty(result, "capabilities")),
                Implementation.fromJson(Json.object(result, "serverInfo")), Json.string(result, "instructions"),
                CompactJson.object(Json.objectOrEmpty(result, "_meta")));
        return channel.send(JsonRpc.notification("notifications/initialized", null), headers())
                .doOnSuccess(sent -> newSession.run())
                .thenReturn(init);
    }

    /**
     * One request. When the server forgot the session (see {@code RpcChannel#errorFor}), the session is initialized
     * again once for all callers, and the request is replayed once on the new session if the server answered it
     * with the loss (it was not processed). A request whose response stream broke and whose resumption found the
     * session gone may have been processed: the session is re-initialized and the call fails with a connection
     * failure, leaving a retry to the application's predicate. Calls issued while a re-initialization runs wait
     * for it instead of going out without a session id.
     */
    Mono<Map<String, Object>> request(String method, Map<String, Object> params) {
        return attempt(method, params, false);
    }

    private Mono<Map<String, Object>> attempt(String method, Map<String, Object> params, boolean isReplay) {
        return Mono.defer(() -> {
            Reinit pending = reinitializing;
            Mono<Map<String, Object>> send = Mono.defer(() -> {
                Headers sentWith = headers;
                String sentSession = sentWith.first("Mcp-Session-Id").orElse(null);
                long id = ids.getAsLong();
                // A cancel reaching doOnCancel is a caller's: the session's guard never cancels a finished call, and
                // map (which cancels its upstream when resultOrThrow throws) sits above it.
                return channel.call(JsonRpc.request(id, method, params), sentWith, true)
                        .map(JsonRpc::resultOrThrow)
                        .doOnCancel(() -> sendCancelled(id))
                        .onErrorResume(e -> sentSession != null && isSessionLoss(e),
                                e -> recover(e, sentSession, method, params, isReplay));
            });
            return pending == null ? send : pending.shared().then(send);
        });
    }

    private Mono<Map<String, Object>> recover(Throwable e, String lost, String method, Map<String, Object> params,
                                              boolean isReplay) {
        if (e instanceof RpcChannel.SessionLostMidStream) {
            // sent and maybe processed: a new session for the next calls, this one fails as it is
            return reinitialize(lost, e).onErrorResume(x -> Mono.empty()).then(Mono.error(e));
        }
        if (isReplay) {
            return Mono.error(e); // the replay on a fresh session was refused too: no loop
        }
        return reinitialize(lost, e).then(attempt(method, params, true));
    }

    /**
     * Initializes a new session in place of {@code lost}, once for all callers that lost it. Completes at once when
     * the session was replaced already. The old session id stays in use until the new handshake completed. Also for
     * the listening stream when its GET finds the session gone ({@code why}: the {@code SessionExpired} failure).
     */
    Mono<Void> reinitialize(String lost, Throwable why) {
        return Mono.defer(() -> {
            for (;;) {
                if (!Objects.equals(sessionId, lost)) {
                    return Mono.empty(); // replaced already (by the re-initialization this call raced with)
                }
                Reinit current = reinitializing;
                if (current != null) {
                    return current.shared().then();
                }
                Reinit fresh = new Reinit(self -> initialize(version)
                        .timeout(config.connectTimeout(), config.scheduler())
                        .onErrorMap(TimeoutException.class,
                                t -> McpSession.timeout("re-initialize", config.connectTimeout(), t))
                        .doOnNext(r -> log.info("a new session was initialized with protocol version {}",
                                r.protocolVersion()))
                        .doFinally(s -> REINITIALIZING.compareAndSet(this, self, (Reinit) null)));
                if (REINITIALIZING.compareAndSet(this, (Reinit) null, fresh)) {
                    REINITIALIZATIONS.incrementAndGet(this);
                    if (!lost.equals(reportedLoss)) {
                        reportedLoss = lost;
                        log.warn("{}; initializing a new session (calls wait for it, refused ones are replayed once)",
                                why.getMessage());
                    } else {
                        log.info("initializing a new session again after a failed attempt");
                    }
                    return fresh.shared().then();
                }
            }
        });
    }

    /** Re-initializations started since this client was built (one per session loss; for tests). */
    long reinitializations() {
        return reinitializations;
    }

    /** One re-initialization, shared by every caller while it runs (cancelled when all of them cancelled). */
    private static final class Reinit {
        private final Mono<InitializeResult> shared;

        Reinit(java.util.function.Function<Reinit, Mono<InitializeResult>> handshake) {
            this.shared = SharedMono.refCounted(handshake.apply(this));
        }

        Mono<InitializeResult> shared() {
            return shared;
        }
    }

    /** How long a {@code notifications/cancelled} may wait for the server's answer. */
    static final Duration CANCEL_NOTICE_TIMEOUT = Duration.ofSeconds(2);

    static Duration cancelNoticeTimeout(Duration requestTimeout) {
        return requestTimeout.compareTo(CANCEL_NOTICE_TIMEOUT) < 0 ? requestTimeout : CANCEL_NOTICE_TIMEOUT;
    }

    /**
     * Tells the server a request was abandoned. Cancellation has no downstream to attach to, so this is the
     * one fire-and-forget send of the client; it is only logged on failure. It is bounded by
     * {@link #CANCEL_NOTICE_TIMEOUT} (or the request timeout, if shorter): a notice to a server that does not answer
     * must not hold a connection for a whole request timeout after the call itself gave up (issue 10, black hole:
     * 15 connections held after recovery).
     */
    private void sendCancelled(long id) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("requestId", id);
        params.put("reason", "cancelled by the client");
        channel.send(JsonRpc.notification("notifications/cancelled", params), headers())
                .timeout(cancelNoticeTimeout(config.requestTimeout()), config.scheduler())
                .subscribe(null, e -> log.debug("notifications/cancelled for {} failed: {}", id, e.toString()));
    }

    /** One attempt of the GET listening stream with the current session (see {@link ListeningStream}). */
    Mono<ListeningStream.Outcome> listenOnce(ListeningStream.Events events) {
        return Mono.defer(() -> channel.listen(headers(), events, listenCursor()));
    }

    /**
     * The last event id of the listening stream in the current session: event ids mean nothing to another session,
     * so a new session starts with an empty cursor.
     */
    private java.util.concurrent.atomic.AtomicReference<String> listenCursor() {
        String session = sessionId == null ? "" : sessionId;
        ListenCursor current = listenCursor;
        if (current == null || !current.session.equals(session)) {
            current = new ListenCursor(session, new java.util.concurrent.atomic.AtomicReference<>(""));
            listenCursor = current;
        }
        return current.lastEventId;
    }

    private record ListenCursor(String session, java.util.concurrent.atomic.AtomicReference<String> lastEventId) {
    }

    private volatile ListenCursor listenCursor;

    /**
     * Called after every successful (re-)initialization, once {@code notifications/initialized} is sent: the
     * listening stream re-opens with the new session ({@link McpSession#reopenAfterNewSession()}).
     */
    void onNewSession(Runnable listener) {
        this.newSession = listener;
    }

    /** DELETE of the session when the server issued one. */
    Mono<Void> terminate() {
        return sessionId == null ? Mono.empty() : channel.delete(headers());
    }

    Headers headers() {
        return headers;
    }

    private static Headers protocolHeaders(String version, String sessionId) {
        Headers.Builder h = Headers.builder();
        if (version != null) {
            h.set("MCP-Protocol-Version", version);
        }
        if (sessionId != null) {
            h.set("Mcp-Session-Id", sessionId);
        }
        return h.build();
    }

    private static boolean isSessionLoss(Throwable e) {
        return e instanceof RpcChannel.SessionLostMidStream
                || e instanceof McpException m && m.failure() instanceof McpFailure.SessionExpired;
    }
}
