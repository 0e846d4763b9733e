package dev.reactivemcp.transport.internal;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.Implementation;
import dev.reactivemcp.transport.InitializeResult;
import dev.reactivemcp.transport.McpTransportException;
import dev.reactivemcp.transport.ProtocolEra;
import dev.reactivemcp.transport.ProtocolNegotiation;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private final AtomicReference<Mono<InitializeResult>> reinitializing = new AtomicReference<>();

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
        InitializeResult init = new InitializeResult(v, ProtocolEra.LEGACY, Json.objectOrEmpty(result, "capabilities"),
                Implementation.fromJson(Json.object(result, "serverInfo")), Json.string(result, "instructions"),
                Json.objectOrEmpty(result, "_meta"));
        return channel.send(JsonRpc.notification("notifications/initialized", null), headers())
                .doOnSuccess(sent -> newSession.run())
                .thenReturn(init);
    }

    /** One request; on a forgotten session, re-initializes once and replays it. */
    Mono<Map<String, Object>> request(String method, Map<String, Object> params) {
        return attempt(method, params)
                .onErrorResume(LegacyLifecycle::isSessionExpired,
                        e -> reinitialize().then(attempt(method, params)));
    }

    private Mono<Map<String, Object>> attempt(String method, Map<String, Object> params) {
        return Mono.defer(() -> {
            long id = ids.getAsLong();
            // A cancel reaching doOnCancel is a caller's: the session's guard never cancels a finished call, and
            // map (which cancels its upstream when resultOrThrow throws) sits above it.
            return channel.call(JsonRpc.request(id, method, params), headers, true)
                    .map(JsonRpc::resultOrThrow)
                    .doOnCancel(() -> sendCancelled(id));
        });
    }

    private Mono<InitializeResult> reinitialize() {
        Mono<InitializeResult> attempt = Mono.defer(() -> {
            log.info("the server forgot session; initializing again");
            sessionId = null;
            headers = protocolHeaders(version, null);
            return initialize(version);
        }).doFinally(s -> reinitializing.set(null));
        Mono<InitializeResult> fresh = SharedMono.refCounted(attempt);
        Mono<InitializeResult> winner = reinitializing.compareAndExchange(null, fresh);
        return winner == null ? fresh : winner;
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
        return Mono.defer(() -> channel.listen(headers(), events));
    }

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

    private static boolean isSessionExpired(Throwable e) {
        return e instanceof McpException m && m.failure() instanceof McpFailure.SessionExpired;
    }
}
