package dev.reactivemcp.transport;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One HTTP response as seen by {@link ExchangeFilterFunction}s: status and headers are available at once, the
 * body is a stream that can be consumed once. A filter that decides to replay the request must
 * {@link #releaseBody() release} this body first.
 *
 * <pre>{@code
 * ExchangeFilterFunction logStatus = (request, next) ->
 *     next.exchange(request).doOnNext(response -> log.info("{} -> {}", request.uri(), response.status()));
 * }</pre>
 */
public final class McpHttpResponse {

    private final int status;
    private final Headers headers;
    private final Supplier<Flux<byte[]>> body;
    private final Supplier<Mono<Void>> release;
    private final McpHttpRequest request;
    /** 1 once the body was subscribed or released. */
    private volatile int consumed;
    private static final AtomicIntegerFieldUpdater<McpHttpResponse> CONSUMED =
            AtomicIntegerFieldUpdater.newUpdater(McpHttpResponse.class, "consumed");

    private McpHttpResponse(int status, Headers headers, Supplier<Flux<byte[]>> body, Supplier<Mono<Void>> release,
                            McpHttpRequest request) {
        this.status = status;
        this.headers = headers;
        this.body = body;
        this.release = release;
        this.request = request;
    }

    /**
     * A response whose body is streamed by {@code body} (subscribed at most once) and discarded by
     * {@code release}. Transports use this; tests and filters usually use {@link #of(int, Headers, byte[])}.
     * The chunks are handed over: {@link #bodyBytes(int)} may return an emitted array itself (a body of one
     * chunk is not copied), so {@code body} must emit arrays that nobody modifies afterwards.
     *
     * @param status  the HTTP status code
     * @param headers the response headers; not {@code null}
     * @param body    supplies the body stream; called at most once, on the first subscription of a body method
     * @param release discards the body and frees the connection; called at most once, instead of {@code body}
     * @return the response, without a recorded request
     */
    public static McpHttpResponse streaming(int status, Headers headers, Supplier<Flux<byte[]>> body,
                                            Supplier<Mono<Void>> release) {
        return new McpHttpResponse(status, headers, body, release, null);
    }

    /**
     * As {@link #streaming(int, Headers, Supplier, Supplier)} (chunks handed over likewise), remembering the
     * request exactly as it was sent.
     *
     * @param sent    the request as it went out, after every filter; returned by {@link #request()}
     * @param status  the HTTP status code
     * @param headers the response headers; not {@code null}
     * @param body    supplies the body stream; called at most once
     * @param release discards the body and frees the connection; called at most once, instead of {@code body}
     * @return the response
     */
    public static McpHttpResponse streaming(McpHttpRequest sent, int status, Headers headers,
                                            Supplier<Flux<byte[]>> body, Supplier<Mono<Void>> release) {
        return new McpHttpResponse(status, headers, body, release, sent);
    }

    /**
     * A fully buffered response.
     *
     * @param status  the HTTP status code
     * @param headers the response headers; not {@code null}
     * @param body    the whole body (copied); not {@code null}, empty for none
     * @return the response, without a recorded request; releasing it does nothing
     * @throws NullPointerException when {@code body} is {@code null}
     */
    public static McpHttpResponse of(int status, Headers headers, byte[] body) {
        byte[] copy = body.clone();
        return new McpHttpResponse(status, headers, () -> copy.length == 0 ? Flux.empty() : Flux.just(copy.clone()),
                Mono::empty, null);
    }

    /**
     * The request this answers, exactly as it was sent after every filter (so with the headers filters added),
     * when the transport recorded it; empty for responses made by hand.
     *
     * @return the request as sent, or empty
     */
    public Optional<McpHttpRequest> request() {
        return Optional.ofNullable(request);
    }

    /**
     * The HTTP status code.
     *
     * @return the status, for example {@code 200} or {@code 401}
     */
    public int status() {
        return status;
    }

    /**
     * The response headers.
     *
     * @return the headers (immutable)
     */
    public Headers headers() {
        return headers;
    }

    /**
     * The media type of the body without parameters, lower-cased, e.g. {@code text/event-stream}.
     *
     * @return the {@code Content-Type} without parameters, or empty when the header is absent
     */
    public Optional<String> mediaType() {
        return headers.first("Content-Type").map(v -> {
            int semi = v.indexOf(';');
            return (semi < 0 ? v : v.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
        });
    }

    /**
     * The body as chunks of bytes. Can be subscribed once; a second subscription fails.
     *
     * @return the chunks as they arrive (do not modify them); fails with {@link IllegalStateException} when the
     *         body was already consumed or released
     */
    public Flux<byte[]> body() {
        return Flux.defer(() -> CONSUMED.compareAndSet(this, 0, 1) ? body.get() : Flux.error(alreadyConsumed()));
    }

    private static IllegalStateException alreadyConsumed() {
        return new IllegalStateException("response body already consumed or released");
    }

    /**
     * The whole body, failing with {@link McpTransportException} once it exceeds {@code maxBytes}.
     *
     * @param maxBytes the largest body accepted, in bytes
     * @return the body (an empty array for none); fails with {@link McpTransportException} (a
     *         {@code ProtocolError}) beyond {@code maxBytes}, or with {@link IllegalStateException} when the body was
     *         already consumed or released
     */
    public Mono<byte[]> bodyBytes(int maxBytes) {
        // takeWhile, not an accumulator that throws: a body source that completes when cancelled (Reactor Netty's
        // does) would otherwise complete the collection, and the overflow would read as an empty body.
        return Mono.defer(() -> {
            if (!CONSUMED.compareAndSet(this, 0, 1)) {
                return Mono.error(alreadyConsumed());
            }
            BoundedBuffer buffer = new BoundedBuffer(maxBytes, this);
            return body.get().takeWhile(buffer::tryAppend).then(Mono.fromCallable(buffer::toBytes));
        });
    }

    /**
     * At most the first {@code maxBytes} bytes of the body (the rest is discarded): for previews of error bodies,
     * where a long body must not turn into no body.
     *
     * @param maxBytes how many bytes to keep at most
     * @return the first bytes of the body; fails with {@link IllegalStateException} when the body was already
     *         consumed or released
     */
    public Mono<byte[]> bodyPrefix(int maxBytes) {
        return Mono.defer(() -> {
            if (!CONSUMED.compareAndSet(this, 0, 1)) {
                return Mono.error(alreadyConsumed());
            }
            BoundedBuffer buffer = new BoundedBuffer(maxBytes, null);
            return body.get().takeWhile(buffer::appendPrefix).then(Mono.fromCallable(buffer::prefix));
        });
    }

    /** Content-Length when sane (so the buffer is allocated once), else a small default. */
    int initialCapacity(int maxBytes) {
        String length = headers.first("Content-Length").orElse(null);
        if (length != null) {
            try {
                long n = Long.parseLong(length.trim());
                if (n >= 0) {
                    return (int) Math.min(n, Math.min(maxBytes, 1 << 20));
                }
            } catch (NumberFormatException e) {
                return 256;
            }
        }
        return 256;
    }

    /**
     * The body decoded as UTF-8, bounded as {@link #bodyBytes(int)}.
     *
     * @param maxBytes the largest body accepted, in bytes (not characters)
     * @return the body text; fails as {@link #bodyBytes(int)} does
     */
    public Mono<String> bodyAsString(int maxBytes) {
        return bodyBytes(maxBytes).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    /**
     * Discards the body and frees the connection. Safe to call more than once.
     *
     * @return completes when the body is discarded; does nothing when the body was already consumed or released
     */
    public Mono<Void> releaseBody() {
        return Mono.defer(() -> CONSUMED.compareAndSet(this, 0, 1) ? release.get() : Mono.empty());
    }

    @Override
    public String toString() {
        return "McpHttpResponse[" + status + ", " + headers + "]";
    }

    /**
     * Collects a body up to a bound. The first chunk is adopted, not copied (chunks are handed over, see
     * {@link #streaming(int, Headers, Supplier, Supplier)}): a body of one chunk, the usual JSON answer, is
     * returned as it arrived. A second chunk starts a buffer, sized from Content-Length when there is one.
     */
    static final class BoundedBuffer {
        private static final byte[] EMPTY = new byte[0];

        private final int max;
        /** Where the initial capacity comes from; null for the default. */
        private final McpHttpResponse sizing;
        /** The first chunk, as long as it is the only one. */
        private byte[] first;
        private byte[] buf;
        private int size;
        private boolean exceeded;

        BoundedBuffer(int max, McpHttpResponse sizing) {
            this.max = max;
            this.sizing = sizing;
        }

        /** Appends {@code chunk}, or notes the overflow and answers false. */
        boolean tryAppend(byte[] chunk) {
            if ((long) size + chunk.length > max) {
                exceeded = true;
                return false;
            }
            if (chunk.length == 0) {
                return true;
            }
            if (size == 0) {
                first = chunk;
                size = chunk.length;
                return true;
            }
            if (buf == null) {
                int initial = sizing == null ? 256 : sizing.initialCapacity(max);
                buf = new byte[Math.max(initial, size + chunk.length)];
                System.arraycopy(first, 0, buf, 0, size);
                first = null;
            } else if (size + chunk.length > buf.length) {
                buf = java.util.Arrays.copyOf(buf,
                        (int) Math.max(Math.min(2L * buf.length, max), (long) size + chunk.length));
            }
            System.arraycopy(chunk, 0, buf, size, chunk.length);
            size += chunk.length;
            return true;
        }

        /** Appends what fits of {@code chunk}; false once the buffer is full. */
        boolean appendPrefix(byte[] chunk) {
            int room = max - size;
            if (chunk.length <= room) {
                return tryAppend(chunk);
            }
            tryAppend(java.util.Arrays.copyOf(chunk, room));
            return false;
        }

        byte[] prefix() {
            return bytes();
        }

        byte[] toBytes() {
            if (exceeded) {
                throw McpTransportException.limitExceeded("response body", max);
            }
            return bytes();
        }

        private byte[] bytes() {
            if (size == 0) {
                return EMPTY;
            }
            if (first != null) {
                return first;
            }
            return buf.length == size ? buf : java.util.Arrays.copyOf(buf, size);
        }
    }
}
