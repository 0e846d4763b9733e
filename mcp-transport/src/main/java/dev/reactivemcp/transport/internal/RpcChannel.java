package dev.reactivemcp.transport.internal;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.transport.ExchangeFunction;
import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.McpHttpException;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.McpHttpResponse;
import dev.reactivemcp.transport.McpJsonRpcException;
import dev.reactivemcp.transport.McpTransportException;
import dev.reactivemcp.transport.internal.sse.SseDecoder;
import dev.reactivemcp.transport.internal.sse.SseDecodingException;
import dev.reactivemcp.transport.internal.sse.SseEvent;
import dev.reactivemcp.transport.internal.sse.SseFlux;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * JSON-RPC over Streamable HTTP: POSTs one message, reads a JSON or SSE answer, routes whatever else arrives on
 * the stream (notifications, server requests) to an {@link InboundHandler}, and resumes a broken SSE stream with
 * {@code Last-Event-ID} when allowed (spec 2025-11-25, basic/transports, "Resumability and Redelivery").
 */
final class RpcChannel {

    private static final Logger log = Loggers.getLogger(RpcChannel.class);
    private static final int ERROR_BODY_LIMIT = 64 * 1024;
    private static final int PREVIEW_LIMIT = 2048;
    static final Duration STREAM_DRAIN_GRACE = Duration.ofMillis(100);
    private static final String ACCEPT_BOTH = "application/json, text/event-stream";
    static final java.util.function.Consumer<McpHttpResponse> NO_OBSERVER = r -> { };

    /** What the channel does with messages that are not the awaited response. */
    public interface InboundHandler {
        /** A notification arrived. */
        Mono<Void> onNotification(Map<String, Object> message);

        /** A server request arrived; emits the JSON-RPC response message to send back, or empty for none. */
        Mono<Map<String, Object>> onRequest(Map<String, Object> message, Headers replyHeaders);
    }

    private final ClientConfig config;
    private final ExchangeFunction exchange;
    private final JsonCodec codec;
    private final InboundHandler inbound;
    private final Deadlines drainGrace;
    /** Bytes of response bodies held in memory by this client, all calls and streams together. */
    private final BodyBudget budget;
    /** Which requests may run twice (learns tool annotations from every {@code tools/list} answer). */
    private final Idempotence idempotence = new Idempotence();
    /** The last merged POST headers, reused while the protocol headers are the same object and no per-call ones. */
    private volatile PostHeaders lastPost;
    /** Events of resumed streams that were not ours (other requests' responses, placeholders, unparsable data). */
    private final AtomicLong skippedReplayedEvents = new AtomicLong();

    private record PostHeaders(Headers protocol, Headers merged) { }

    /** A channel sending through {@code exchange} (the filter chain). */
    public RpcChannel(ClientConfig config, ExchangeFunction exchange, JsonCodec codec, InboundHandler inbound) {
        this.config = config;
        this.exchange = exchange;
        this.codec = codec;
        this.inbound = inbound;
        this.drainGrace = new Deadlines(config.scheduler(), STREAM_DRAIN_GRACE);
        this.budget = new BodyBudget(config.maxBufferedBytes());
    }

    /** The POST for one JSON-RPC message. */
    public McpHttpRequest post(byte[] body, String rpcMethod, Headers headers) {
        return post(body, rpcMethod, headers, Headers.empty());
    }

    /**
     * The POST for one JSON-RPC message: the client's static headers, then the caller's per-call headers, then the
     * protocol's own headers (which always win).
     */
    McpHttpRequest post(byte[] body, String rpcMethod, Headers headers, Headers perCall) {
        Headers h;
        if (perCall.isEmpty()) {
            PostHeaders memo = lastPost;
            if (memo != null && memo.protocol() == headers) {
                h = memo.merged();
            } else {
                h = merge(headers, perCall);
                lastPost = new PostHeaders(headers, h);
            }
        } else {
            h = merge(headers, perCall);
        }
        return RequestAccess.owning("POST", config.endpoint(), h, body, rpcMethod);
    }

    private Headers merge(Headers protocol, Headers perCall) {
        return config.headers().toBuilder().setAll(perCall).setAll(protocol)
                .set("Content-Type", "application/json")
                .set("Accept", ACCEPT_BOTH)
                .build();
    }

    /**
     * Sends a request message and emits the response message (with {@code result} or {@code error}) whose id
     * matches. {@code resumable}: resume a broken SSE stream with {@code Last-Event-ID} (legacy era only).
     */
    public Mono<Map<String, Object>> call(Map<String, Object> message, Headers headers, boolean resumable) {
        return call(message, headers, resumable, NO_OBSERVER);
    }

    /** As {@link #call(Map, Headers, boolean)}, observing the HTTP response (e.g. to read a session id). */
    public Mono<Map<String, Object>> call(Map<String, Object> message, Headers headers, boolean resumable,
                                         java.util.function.Consumer<McpHttpResponse> onResponse) {
        return call(message.get("id"), (String) message.get("method"), message.get("params"),
                () -> codec.write(message), headers, resumable, onResponse);
    }

    /**
     * As {@link #call(Map, Headers, boolean, java.util.function.Consumer)} for the request {@link JsonRpc#request}
     * would build from these parts, its body written from them without the message map.
     */
    Mono<Map<String, Object>> call(long id, String method, Map<String, Object> params, Headers headers,
                                   boolean resumable, java.util.function.Consumer<McpHttpResponse> onResponse) {
        return call(id, method, params, () -> codec.writeRequest(id, method, params), headers, resumable, onResponse);
    }

    private Mono<Map<String, Object>> call(Object id, String method, Object params,
                                           java.util.function.Supplier<byte[]> body, Headers headers,
                                           boolean resumable,
                                           java.util.function.Consumer<McpHttpResponse> onResponse) {
        return Mono.deferContextual(ctx -> {
            McpHttpRequest req = post(body.get(), method, headers, RequestHeaders.from(ctx));
            Mono<McpHttpResponse> response = exchange.exchange(req);
            if (onResponse != NO_OBSERVER) {
                response = response.doOnNext(onResponse);
            }
            boolean idempotent = idempotence.test(method, params);
            Mono<Map<String, Object>> answered = response.flatMap(resp -> answer(resp, req, id, resumable, headers));
            if ("tools/list".equals(method)) {
                answered = answered.doOnNext(m -> {
                    if (m.get("result") instanceof Map<?, ?> result) {
                        idempotence.learn(Json.asObject(result));
                    }
                });
            }
            // Failures say whether a retry may run the request twice (McpFailures.isSafeToRetry).
            return idempotent ? answered.onErrorMap(Idempotence::markIdempotent) : answered;
        });
    }

    /** Which requests of this client are idempotent. */
    public Idempotence idempotence() {
        return idempotence;
    }

    /** POSTs a notification or a response; any 2xx is success. */
    public Mono<Void> send(Map<String, Object> message, Headers headers) {
        return Mono.deferContextual(ctx -> {
            McpHttpRequest req = post(codec.write(message), (String) message.get("method"), headers,
                    RequestHeaders.from(ctx));
            return exchange.exchange(req).flatMap(resp -> isSuccess(resp.status())
                    ? resp.releaseBody()
                    : failure(resp, req).then());
        });
    }

    /**
     * Context key of a {@code java.util.function.LongConsumer} that is told the server's SSE {@code retry} (ms) when
     * a response stream of {@link #call} ends: the 2026-07-28 {@code subscriptions/listen} stream honours it like the
     * legacy GET stream does.
     */
    static final Object RETRY_HINT = new Object() {
        @Override
        public String toString() {
            return "RpcChannel.RETRY_HINT";
        }
    };

    /**
     * Opens the optional GET listening stream once and routes what arrives, telling {@code events} when it is open
     * and the server's SSE {@code retry}. Ends with {@code ENDED} when an open stream ends, {@code NOT_SUPPORTED}
     * when the server has none (405, or 404 without a session), {@code SESSION_LOST} on 404 to a GET carrying
     * {@code Mcp-Session-Id}; fails on anything else.
     *
     * <p>{@code cursor} holds the last event id this listening stream received (empty: none): a re-opened stream
     * asks the server to redeliver what it missed with {@code Last-Event-ID} (2025-11-25 basic/transports,
     * "Resumability and Redelivery"). A server that answers such a GET with an error makes the cursor reset, so the
     * next attempt opens a fresh stream instead of repeating a resumption the server refuses.
     */
    Mono<ListeningStream.Outcome> listen(Headers headers, ListeningStream.Events events,
                                         java.util.concurrent.atomic.AtomicReference<String> cursor) {
        return Mono.defer(() -> {
            String resumeFrom = cursor.get();
            return exchange.exchange(get(headers, resumeFrom.isEmpty() ? null : resumeFrom))
                    .doOnNext(resp -> {
                        if (!resumeFrom.isEmpty() && !isSuccess(resp.status())) {
                            cursor.compareAndSet(resumeFrom, "");
                        }
                    });
        }).flatMap(resp -> {
            if (resp.status() == 405 || resp.status() == 404) {
                ListeningStream.Outcome outcome = resp.status() == 404 && headers.contains("Mcp-Session-Id")
                        ? ListeningStream.Outcome.SESSION_LOST : ListeningStream.Outcome.NOT_SUPPORTED;
                return resp.releaseBody().thenReturn(outcome);
            }
            if (!isSuccess(resp.status())) {
                return failure(resp, null);
            }
            events.opened();
            BodyBudget.Account memory = budget.open();
            SseDecoder decoder = newDecoder(memory);
            return events(resp, decoder, memory).concatMap(ev -> onEvent(ev, null, headers)).then()
                    // before the outcome reaches the loop, which may re-open at once
                    .doOnTerminate(() -> remember(cursor, decoder))
                    .doOnCancel(() -> remember(cursor, decoder))
                    .doOnTerminate(() -> decoder.retryMillis().ifPresent(events::retryHint))
                    .thenReturn(ListeningStream.Outcome.ENDED);
        });
    }

    private static void remember(java.util.concurrent.atomic.AtomicReference<String> cursor, SseDecoder decoder) {
        if (!decoder.lastEventId().isEmpty()) {
            cursor.set(decoder.lastEventId());
        }
    }

    /** DELETEs the session; 404 and 405 are fine. */
    public Mono<Void> delete(Headers headers) {
        return Mono.defer(() -> {
            McpHttpRequest req = McpHttpRequest.of("DELETE", config.endpoint())
                    .withHeaders(config.headers().withAll(headers));
            return exchange.exchange(req).flatMap(resp -> isSuccess(resp.status()) || resp.status() == 404
                    || resp.status() == 405 ? resp.releaseBody() : failure(resp, req).then());
        });
    }

    private McpHttpRequest get(Headers headers, String lastEventId) {
        Headers.Builder b = config.headers().toBuilder().setAll(headers).remove("Content-Type")
                .set("Accept", "text/event-stream");
        if (lastEventId != null) {
            b.set("Last-Event-ID", lastEventId);
        }
        Headers h = b.build();
        return McpHttpRequest.of("GET", config.endpoint()).withHeaders(h);
    }

    private Mono<Map<String, Object>> answer(McpHttpResponse resp, McpHttpRequest req, Object id,
                                             boolean resumable, Headers headers) {
        if (!isSuccess(resp.status())) {
            return failure(resp, req);
        }
        String contentType = resp.headers().first("Content-Type").orElse("");
        if (isMediaType(contentType, "application/json")) {
            return budget.collect(resp, config.maxMessageBytes(), (bytes, length) -> length == bytes.length
                            ? codec.read(bytes, () -> "response to " + req.jsonRpcMethod().orElse("request"))
                            : codec.read(bytes, 0, length, "response to " + req.jsonRpcMethod().orElse("request")))
                    .flatMap(parsed -> route(parsed, id, headers))
                    .switchIfEmpty(Mono.error(() -> protocolError("the JSON response held no reply to request " + id)));
        }
        if (isMediaType(contentType, "text/event-stream")) {
            return fromStream(resp, id, resumable, headers, 0, "");
        }
        String mediaType = resp.mediaType().orElse("");
        String what = resp.status() == 202 || resp.status() == 204 || mediaType.isEmpty()
                ? "HTTP " + resp.status() + " without a body for request " + id
                : "unexpected content type '" + mediaType + "' for request " + id;
        return resp.releaseBody().then(Mono.error(() -> protocolError(what)));
    }

    /**
     * Whether a {@code Content-Type} value names {@code type} (case-insensitive, parameters and surrounding
     * whitespace ignored), without allocating.
     */
    static boolean isMediaType(String contentType, String type) {
        int start = 0;
        int end = contentType.length();
        while (start < end && isSpace(contentType.charAt(start))) {
            start++;
        }
        int semi = contentType.indexOf(';', start);
        if (semi >= 0) {
            end = semi;
        }
        while (end > start && isSpace(contentType.charAt(end - 1))) {
            end--;
        }
        return end - start == type.length() && contentType.regionMatches(true, start, type, 0, type.length());
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }

    /**
     * The response to {@code id} on an SSE stream, emitted once the server ends the stream (it SHOULD right after
     * the response), or {@link #STREAM_DRAIN_GRACE} after the response when it does not (see {@link FirstOfStream}).
     */
    private Mono<Map<String, Object>> fromStream(McpHttpResponse resp, Object id, boolean resumable, Headers headers,
                                                 int resumption, String previousEventId) {
        BodyBudget.Account memory = budget.open();
        SseDecoder decoder = newDecoder(memory);
        boolean replayed = resumption > 0;
        // One operator for the stream: events routed one at a time (concatMap), the first response kept until the
        // stream ends or the drain grace passes (FirstOfStream), the server's retry told to a RETRY_HINT in the
        // context, and the stream resumed when it broke or ended without the response (onErrorResume, switchIfEmpty).
        return new FirstOfStream<SseEvent, Map<String, Object>>(events(resp, decoder, memory),
                ev -> replayed ? onReplayedEvent(ev, id, headers) : onEvent(ev, id, headers), drainGrace,
                ctx -> tellRetry(ctx, decoder),
                // only a failure of this stream resumes it; failures of a resumption (e.g. giving up) pass through
                e -> e == null || isConnectionFailure(e)
                        ? resume(decoder, id, resumable, headers, resumption, previousEventId, e) : null);
    }

    /** Tells the {@link #RETRY_HINT} of the context, if any, the server's SSE {@code retry} when a stream ends. */
    private static void tellRetry(reactor.util.context.Context ctx, SseDecoder decoder) {
        java.util.Optional<java.util.function.LongConsumer> hint = ctx.getOrEmpty(RETRY_HINT);
        if (hint.isPresent()) {
            decoder.retryMillis().ifPresent(hint.get());
        }
    }

    private Mono<Map<String, Object>> resume(SseDecoder decoder, Object id, boolean resumable, Headers headers,
                                             int resumption, String previousEventId, Throwable cause) {
        String lastId = decoder.lastEventId().isEmpty() ? previousEventId : decoder.lastEventId();
        if (!resumable || lastId.isEmpty() || resumption >= config.maxStreamResumptions()) {
            String detail = "the response stream for request " + id + " ended before the response"
                    + (resumable && !lastId.isEmpty() ? " (gave up after " + resumption + " resumptions)" : "");
            return Mono.error(new McpTransportException(Idempotence.streamEnded(detail), detail, cause));
        }
        Duration delay = decoder.retryMillis().isPresent()
                ? Duration.ofMillis(decoder.retryMillis().getAsLong()) : config.defaultReconnectDelay();
        log.debug("resuming stream for request {} after {} ms with Last-Event-ID", id, delay.toMillis());
        McpHttpRequest getRequest = get(headers, lastId);
        return Mono.delay(delay, config.scheduler())
                .then(Mono.defer(() -> exchange.exchange(getRequest)))
                .flatMap(resp -> {
                    if (isSuccess(resp.status()) && "text/event-stream".equals(resp.mediaType().orElse(""))) {
                        return fromStream(resp, id, true, headers, resumption + 1, lastId);
                    }
                    return isSuccess(resp.status())
                            ? resp.releaseBody().then(Mono.error(() -> protocolError("resumption GET did not answer with an event stream")))
                            : this.<Map<String, Object>>failure(resp, getRequest)
                                    .onErrorMap(RpcChannel::isSessionExpired, e -> lostMidStream(id, e, cause));
                });
    }

    /**
     * The call whose stream broke cannot be resumed: the server forgot the session meanwhile. The request was sent
     * and may have been processed, so this is a connection failure of the kind that broke the stream (the safe-retry
     * predicate decides about a retry), marked as {@link SessionLostMidStream} so the lifecycle re-initializes.
     */
    private static McpTransportException lostMidStream(Object id, Throwable sessionExpired, Throwable broke) {
        McpFailure.ConnectionFailure.Kind kind = broke instanceof McpException m
                && m.failure() instanceof McpFailure.ConnectionFailure c
                ? c.kind() : McpFailure.ConnectionFailure.Kind.PREMATURE_CLOSE;
        String detail = "the response stream for request " + id + " broke and the server no longer knows the session,"
                + " so it cannot be resumed; the request was sent and may have been processed";
        SessionLostMidStream e = new SessionLostMidStream(new McpFailure.ConnectionFailure(kind, detail), detail,
                sessionExpired);
        if (broke != null) {
            e.addSuppressed(broke);
        }
        return e;
    }

    /**
     * A call failed because its response stream broke and the resumption found the session gone: sent, maybe
     * processed, not to be replayed by the transport. Its failure is a {@link McpFailure.ConnectionFailure}; its
     * cause is the {@link McpFailure.SessionExpired} answer to the resumption.
     */
    static final class SessionLostMidStream extends McpTransportException {
        private static final long serialVersionUID = 1L;

        SessionLostMidStream(McpFailure failure, String message, Throwable cause) {
            super(failure, message, cause);
        }
    }

    /**
     * The events of an SSE body; a broken event or line bound, or a spent budget, is a typed protocol error. The
     * decoder's buffers count against the client's budget until the stream ends, fails or is cancelled.
     */
    private static Flux<SseEvent> events(McpHttpResponse resp, SseDecoder decoder, BodyBudget.Account memory) {
        return SseFlux.decode(resp.body(), decoder, e -> e.limit() == SseDecodingException.Limit.MEMORY
                        ? memory.exhausted("an SSE event of " + e.size() + " bytes") : protocolError(e.getMessage()),
                memory::close);
    }

    private Mono<Map<String, Object>> onEvent(SseEvent ev, Object id, Headers headers) {
        if (ev.isEmpty() || !"message".equals(ev.event())) {
            return Mono.empty();
        }
        return route(codec.read(ev.dataArray(), ev.dataOffset(), ev.dataLength(), "SSE event"), id, headers);
    }

    /**
     * An event of a resumed stream. A server's event store may replay what is not ours (other streams' responses,
     * {@code data: {}} placeholders, data that does not parse): skipped and counted, never fatal. Responses to this
     * request, notifications and server requests are routed as on a fresh stream.
     */
    private Mono<Map<String, Object>> onReplayedEvent(SseEvent ev, Object id, Headers headers) {
        if (ev.isEmpty() || !"message".equals(ev.event())) {
            return Mono.empty();
        }
        Object parsed;
        try {
            parsed = codec.read(ev.dataArray(), ev.dataOffset(), ev.dataLength(), "SSE event");
        } catch (McpException e) {
            return skipReplayed(id, ev, "data that does not parse");
        }
        if (parsed instanceof List<?> batch) {
            List<Object> ours = new java.util.ArrayList<>(batch.size());
            for (Object m : batch) {
                Map<String, Object> msg = Json.asObject(m);
                if (msg == null || !isOurs(msg, id)) {
                    skipReplayed(id, ev, "a batch member that is not for this request");
                } else {
                    ours.add(msg);
                }
            }
            return ours.isEmpty() ? Mono.empty() : route(ours, id, headers);
        }
        Map<String, Object> msg = Json.asObject(parsed);
        if (msg == null || !isOurs(msg, id)) {
            return skipReplayed(id, ev, "a message that is not for this request");
        }
        return routeOne(msg, id, headers);
    }

    /** A notification, a server request, or the response to {@code id}. */
    private static boolean isOurs(Map<String, Object> msg, Object id) {
        if (msg.get("method") instanceof String) {
            return true;
        }
        return (msg.containsKey("result") || msg.containsKey("error")) && id != null && JsonRpc.sameId(msg.get("id"), id);
    }

    private <T> Mono<T> skipReplayed(Object id, SseEvent ev, String what) {
        long n = skippedReplayedEvents.incrementAndGet();
        log.debug("skipping a replayed event ({}) on the resumed stream of request {}, event id '{}' ({} skipped so far)",
                what, id, ev.id(), n);
        return Mono.empty();
    }

    /** Events of resumed streams skipped because they were not for the resumed request (see {@link #onReplayedEvent}). */
    public long skippedReplayedEvents() {
        return skippedReplayedEvents.get();
    }

    /** Emits the response for {@code id} among {@code parsed} (one message or a batch); dispatches the rest. */
    private Mono<Map<String, Object>> route(Object parsed, Object id, Headers headers) {
        if (parsed instanceof Map<?, ?>) {
            return routeOne(Json.asObject(parsed), id, headers); // the common case: one message, no Flux
        }
        List<?> messages = parsed instanceof List<?> l ? l : List.of(parsed);
        return Flux.fromIterable(messages).concatMap(m -> {
            Map<String, Object> msg = Json.asObject(m);
            if (msg == null) {
                return Mono.error(protocolError("a JSON-RPC message must be an object"));
            }
            return routeOne(msg, id, headers);
        }).next();
    }

    private Mono<Map<String, Object>> routeOne(Map<String, Object> msg, Object id, Headers headers) {
        if (msg.get("method") instanceof String) {
            if (msg.containsKey("id")) {
                return inbound.onRequest(msg, headers).flatMap(reply -> send(reply, headers)).then(Mono.empty());
            }
            if ("notifications/tools/list_changed".equals(msg.get("method"))) {
                idempotence.forget();
            }
            return inbound.onNotification(msg).then(Mono.empty());
        }
        if (msg.containsKey("result") || msg.containsKey("error")) {
            if (id != null && JsonRpc.sameId(msg.get("id"), id)) {
                return Mono.just(msg);
            }
            log.debug("dropping a response for unknown request id {}", msg.get("id"));
            return Mono.empty();
        }
        return Mono.error(protocolError("not a JSON-RPC message: it has neither method nor result nor error"));
    }

    private <T> Mono<T> failure(McpHttpResponse resp, McpHttpRequest req) {
        // The request as finally sent: a filter (OAuth) may have added the Authorization header.
        boolean credentials = resp.request().map(McpHttpRequest::carriesCredentials)
                .orElse(req != null && req.carriesCredentials());
        return resp.bodyPrefix(ERROR_BODY_LIMIT)
                .onErrorReturn(new byte[0])
                .defaultIfEmpty(new byte[0])
                .flatMap(bytes -> Mono.error(errorFor(resp, req, bytes, credentials)));
    }

    private McpException errorFor(McpHttpResponse resp, McpHttpRequest req, byte[] body, boolean credentials) {
        int status = resp.status();
        boolean sentSession = req != null && req.headers().contains("Mcp-Session-Id");
        if (status == 404 && sentSession) {
            return new McpTransportException(new McpFailure.SessionExpired(),
                    "the server no longer knows the session (HTTP 404)", null);
        }
        Object parsed = status != 401 && status != 403 ? tryParse(body) : null;
        if (status == 400 && sentSession) {
            String said = sessionLossMessage(parsed, body);
            if (said != null) {
                return new McpTransportException(new McpFailure.SessionExpired(),
                        "the server no longer knows the session (HTTP 400: " + said + ")", null);
            }
        }
        if (status != 401 && status != 403) {
            McpJsonRpcException rpc = JsonRpc.errorOf(parsed, status);
            if (rpc != null) {
                return rpc;
            }
        }
        String preview = new String(body, 0, Math.min(body.length, PREVIEW_LIMIT), StandardCharsets.UTF_8);
        return new McpHttpException(req == null ? null : req.jsonRpcMethod().orElse(req.method()), status,
                resp.headers(), preview, credentials);
    }

    /**
     * The server's words when an HTTP 400 answer to a request that carried a session id says the session is unknown,
     * missing or not initialized, as real servers do instead of 404 (server-everything: JSON-RPC -32000 "No valid
     * session ID provided"; others: "Session not found", "Server not initialized"); {@code null} otherwise. The
     * JSON-RPC error message is read when the body is one, else a short plain-text body.
     */
    static String sessionLossMessage(Object parsed, byte[] body) {
        String text = null;
        Map<String, Object> msg = Json.asObject(parsed);
        if (msg != null) {
            Map<String, Object> error = Json.object(msg, "error");
            text = error == null ? null : Json.string(error, "message");
        } else if (parsed == null && body.length > 0 && body.length <= 256) {
            text = new String(body, StandardCharsets.UTF_8).strip();
        }
        if (text == null || text.length() > 256) {
            return null;
        }
        String t = text.toLowerCase(Locale.ROOT);
        boolean session = t.contains("session") && (t.contains("not found") || t.contains("no valid")
                || t.contains("invalid") || t.contains("unknown") || t.contains("expired") || t.contains("missing")
                || t.contains("does not exist") || t.contains("terminated"));
        return session || t.contains("not initialized") ? text : null;
    }

    static boolean isSessionExpired(Throwable e) {
        return e instanceof McpException m && m.failure() instanceof McpFailure.SessionExpired;
    }

    private Object tryParse(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            return codec.read(body, "error body");
        } catch (McpException e) {
            return null;
        }
    }

    private SseDecoder newDecoder(BodyBudget.Account memory) {
        // Body chunks are fresh arrays, emitted once and never written after (BodyBudget adopts them too).
        return new SseDecoder(config.maxMessageBytes(), config.maxMessageBytes(), memory, true);
    }

    private static boolean isSuccess(int status) {
        return status >= 200 && status < 300;
    }

    static boolean isConnectionFailure(Throwable e) {
        return e instanceof McpException m && m.failure() instanceof McpFailure.ConnectionFailure;
    }

    static McpTransportException protocolError(String detail) {
        return new McpTransportException(new McpFailure.ProtocolError(detail), detail, null);
    }
}
