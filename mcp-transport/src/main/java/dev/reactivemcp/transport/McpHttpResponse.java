package dev.reactivemcp.transport;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
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
    private final AtomicBoolean consumed = new AtomicBoolean();

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
     */
    public static McpHttpResponse streaming(int status, Headers headers, Supplier<Flux<byte[]>> body,
                                            Supplier<Mono<Void>> release) {
        return new McpHttpResponse(status, headers, body, release, null);
    }

    /** As {@link #streaming(int, Headers, Supplier, Supplier)}, remembering the request exactly as it was sent. */
    public static McpHttpResponse streaming(McpHttpRequest sent, int status, Headers headers,
                                            Supplier<Flux<byte[]>> body, Supplier<Mono<Void>> release) {
        return new McpHttpResponse(status, headers, body, release, sent);
    }

    /** A fully buffered response. */
    public static McpHttpResponse of(int status, Headers headers, byte[] body) {
        byte[] copy = body.clone();
        return new McpHttpResponse(status, headers, () -> copy.length == 0 ? Flux.empty() : Flux.just(copy.clone()),
                Mono::empty, null);
    }

    /**
     * The request this answers, exactly as it was sent after every filter (so with the headers filters added),
     * when the transport recorded it; empty for responses made by hand.
     */
    public Optional<McpHttpRequest> request() {
        return Optional.ofNullable(request);
    }

    /** The HTTP status code. */
    public int status() {
        return status;
    }

    /** The response headers. */
    public Headers headers() {
        return headers;
    }

    /** The media type of the body without parameters, lower-cased, e.g. {@code text/event-stream}. */
    public Optional<String> mediaType() {
        return headers.first("Content-Type").map(v -> {
            int semi = v.indexOf(';');
            return (semi < 0 ? v : v.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
        });
    }

    /** The body as chunks of bytes. Can be subscribed once; a second subscription fails. */
    public Flux<byte[]> body() {
        return Flux.defer(() -> consumed.compareAndSet(false, true)
                ? body.get()
                : Flux.error(new IllegalStateException("response body already consumed or released")));
    }

    /**
     * The whole body, failing with {@link McpTransportException} once it exceeds {@code maxBytes}.
     */
    public Mono<byte[]> bodyBytes(int maxBytes) {
        // takeWhile, not an accumulator that throws: a body source that completes when cancelled (Reactor Netty's
        // does) would otherwise complete the collection, and the overflow would read as an empty body.
        return Mono.defer(() -> {
            BoundedBuffer buffer = new BoundedBuffer(maxBytes, initialCapacity(maxBytes));
            return body().takeWhile(buffer::tryAppend).then(Mono.fromCallable(buffer::toBytes));
        });
    }

    /**
     * At most the first {@code maxBytes} bytes of the body (the rest is discarded): for previews of error bodies,
     * where a long body must not turn into no body.
     */
    public Mono<byte[]> bodyPrefix(int maxBytes) {
        return Mono.defer(() -> {
            BoundedBuffer buffer = new BoundedBuffer(maxBytes);
            return body().takeWhile(buffer::appendPrefix).then(Mono.fromCallable(buffer::prefix));
        });
    }

    /** Content-Length when sane (so the buffer is allocated once), else a small default. */
    private int initialCapacity(int maxBytes) {
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

    /** The body decoded as UTF-8, bounded as {@link #bodyBytes(int)}. */
    public Mono<String> bodyAsString(int maxBytes) {
        return bodyBytes(maxBytes).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    /** Discards the body and frees the connection. Safe to call more than once. */
    public Mono<Void> releaseBody() {
        return Mono.defer(() -> consumed.compareAndSet(false, true) ? release.get() : Mono.empty());
    }

    @Override
    public String toString() {
        return "McpHttpResponse[" + status + ", " + headers + "]";
    }

    static final class BoundedBuffer {
        private final int max;
        private byte[] buf;
        private int size;
        private boolean exceeded;

        BoundedBuffer(int max) {
            this(max, 256);
        }

        BoundedBuffer(int max, int initial) {
            this.max = max;
            this.buf = new byte[Math.max(1, initial)];
        }

        /** Appends {@code chunk}, or notes the overflow and answers false. */
        boolean tryAppend(byte[] chunk) {
            if ((long) size + chunk.length > max) {
                exceeded = true;
                return false;
            }
            if (size + chunk.length > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, size + chunk.length));
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
            return java.util.Arrays.copyOf(buf, size);
        }

        byte[] toBytes() {
            if (exceeded) {
                throw McpTransportException.limitExceeded("response body", max);
            }
            return java.util.Arrays.copyOf(buf, size);
        }
    }
}
