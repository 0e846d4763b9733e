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
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * JSON-RPC over Streamable HTTP: POSTs one message, reads a JSON or SSE answer, routes whatever else arrives on
 * the stream (notifications, server requests) to an {@link InboundHandler}, and resumes a broken SSE stream with
 * {@code Last-Event-ID} when allowed (spec 2025-11-25, basic/transports, "Resumability and Redelivery").
 */
public final class RpcChannel {

    private static final Logger log = Loggers.getLogger(RpcChannel.class);
    private static final int ERROR_BODY_LIMIT = 64 * 1024;
    private static final int PREVIEW_LIMIT = 2048;
    static final Duration STREAM_DRAIN_GRACE = Duration.ofMillis(100);
    private static final String ACCEPT_BOTH = "application/json, text/event-stream";
    private static final java.util.function.Consumer<McpHttpResponse> NO_OBSERVER = r -> { };

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
    /** The last merged POST headers, reused while the protocol headers are the same object and no per-call ones. */
    private volatile PostHeaders lastPost;

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
        return McpHttpRequest.of("POST", config.endpoint(), h, body, rpcMethod);
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
        Object id = message.get("id");
        String method = (String) message.get("method");
        return Mono.deferContextual(ctx -> {
            McpHttpRequest req = post(codec.write(message), method, headers, RequestHeaders.from(ctx));
            Mono<McpHttpResponse> response = exchange.exchange(req);
            if (onResponse != NO_OBSERVER) {
                response = response.doOnNext(onResponse);
            }
            return response.flatMap(resp -> answer(resp, req, id, resumable, headers));
        });
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
     * Opens the optional GET listening stream once and routes what arrives, telling {@code events} when it is open
     * and the server's SSE {@code retry}. Ends with {@code ENDED} when an open stream ends, {@code NOT_SUPPORTED}
     * when the server has none (405, or 404 without a session), {@code SESSION_LOST} on 404 to a GET carrying
     * {@code Mcp-Session-Id}; fails on anything else.
     */
    Mono<ListeningStream.Outcome> listen(Headers headers, ListeningStream.Events events) {
        return Mono.defer(() -> exchange.exchange(get(headers, null))).flatMap(resp -> {
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
                    .doOnTerminate(() -> decoder.retryMillis().ifPresent(events::retryHint))
                    .thenReturn(ListeningStream.Outcome.ENDED);
        });
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

    private Mono<Map<String, Object>> fromStream(McpHttpResponse resp, Object id, boolean resumable, Headers headers,
                                                 int resumption, String previousEventId) {
        BodyBudget.Account memory = budget.open();
        SseDecoder decoder = newDecoder(memory);
        return firstResponse(events(resp, decoder, memory).concatMap(ev -> onEvent(ev, id, headers)))
                // only a failure of this stream resumes it; failures of a resumption (e.g. giving up) pass through
                .onErrorResume(RpcChannel::isConnectionFailure,
                        e -> resume(decoder, id, resumable, headers, resumption, previousEventId, e))
                .switchIfEmpty(Mono.defer(() -> resume(decoder, id, resumable, headers, resumption, previousEventId, null)));
    }

    /**
     * The first response of a stream, emitted once the server ends the stream (it SHOULD right after the
     * response), or {@link #STREAM_DRAIN_GRACE} after the response when it does not (see {@link FirstOfStream}).
     */
    private Mono<Map<String, Object>> firstResponse(Flux<Map<String, Object>> responses) {
        return new FirstOfStream<>(responses, drainGrace);
    }

    private Mono<Map<String, Object>> resume(SseDecoder decoder, Object id, boolean resumable, Headers headers,
                                             int resumption, String previousEventId, Throwable cause) {
        String lastId = decoder.lastEventId().isEmpty() ? previousEventId : decoder.lastEventId();
        if (!resumable || lastId.isEmpty() || resumption >= config.maxStreamResumptions()) {
            String detail = "the response stream for request " + id + " ended before the response"
                    + (resumable && !lastId.isEmpty() ? " (gave up after " + resumption + " resumptions)" : "");
            return Mono.error(new McpTransportException(new McpFailure.ConnectionFailure(detail), detail, cause));
        }
        Duration delay = decoder.retryMillis().isPresent()
                ? Duration.ofMillis(decoder.retryMillis().getAsLong()) : config.defaultReconnectDelay();
        log.debug("resuming stream for request {} after {} ms with Last-Event-ID", id, delay.toMillis());
        return Mono.delay(delay, config.scheduler())
                .then(Mono.defer(() -> exchange.exchange(get(headers, lastId))))
                .flatMap(resp -> {
                    if (isSuccess(resp.status()) && "text/event-stream".equals(resp.mediaType().orElse(""))) {
                        return fromStream(resp, id, true, headers, resumption + 1, lastId);
                    }
                    return isSuccess(resp.status())
                            ? resp.releaseBody().then(Mono.error(() -> protocolError("resumption GET did not answer with an event stream")))
                            : failure(resp, null);
                });
    }

    /**
     * The events of an SSE body; a broken event or line bound, or a spent budget, is a typed protocol error. The
     * decoder's buffers count against the client's budget until the stream ends, fails or is cancelled.
     */
    private static Flux<SseEvent> events(McpHttpResponse resp, SseDecoder decoder, BodyBudget.Account memory) {
        return SseFlux.decode(resp.body(), decoder)
                .onErrorMap(SseDecodingException.class, e -> e.limit() == SseDecodingException.Limit.MEMORY
                        ? memory.exhausted("an SSE event of " + e.size() + " bytes") : protocolError(e.getMessage()))
                .doFinally(s -> memory.close());
    }

    private Mono<Map<String, Object>> onEvent(SseEvent ev, Object id, Headers headers) {
        if (ev.isEmpty() || !"message".equals(ev.event())) {
            return Mono.empty();
        }
        return route(codec.read(ev.dataBytes(), "SSE event"), id, headers);
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
        if (status == 404 && req != null && req.headers().contains("Mcp-Session-Id")) {
            return new McpTransportException(new McpFailure.SessionExpired(),
                    "the server no longer knows the session (HTTP 404)", null);
        }
        if (status != 401 && status != 403) {
            McpJsonRpcException rpc = JsonRpc.errorOf(tryParse(body), status);
            if (rpc != null) {
                return rpc;
            }
        }
        String preview = new String(body, 0, Math.min(body.length, PREVIEW_LIMIT), StandardCharsets.UTF_8);
        return new McpHttpException(req == null ? null : req.jsonRpcMethod().orElse(req.method()), status,
                resp.headers(), preview, credentials);
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
        return new SseDecoder(config.maxMessageBytes(), config.maxMessageBytes(), memory);
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
