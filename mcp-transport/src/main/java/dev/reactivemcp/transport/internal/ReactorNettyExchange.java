package dev.reactivemcp.transport.internal;

import dev.reactivemcp.errors.Delivery;
import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.transport.ExchangeFunction;
import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.McpHttpResponse;
import dev.reactivemcp.transport.McpTransportException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.net.URI;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.context.Context;

/**
 * The end of every filter chain: one HTTP exchange over Reactor Netty. The response is emitted as soon as its
 * status and headers arrive; its body streams from the connection, which goes back to the pool once the body is
 * read to its end and is closed when the body is cancelled. A released (unread) body is drained when it is small,
 * else its connection is closed. Connection-level failures become typed {@link McpTransportException}s.
 */
public final class ReactorNettyExchange implements ExchangeFunction {

    /** The largest unread body drained to keep its connection (a 401's or a 202's); larger ones close it. */
    static final int DRAIN_MAX_BYTES = 16 * 1024;
    /** How long an unread body may take to end before its connection is closed instead. */
    static final Duration DRAIN_TIME = Duration.ofSeconds(2);

    private final HttpClient client;
    /** Bounds the drain of unread bodies ({@link #DRAIN_TIME}). */
    private final Scheduler timer;
    /**
     * The sender of the last (method, URI) used: an MCP client posts to one endpoint, and building a sender copies
     * the Reactor Netty configuration once per builder step ({@code request}, {@code uri}), so it is built once
     * and reused; only {@code send} copies it per call. Replaced (racily, harmlessly) when the target changes.
     */
    private volatile Target last;

    private record Target(String method, URI uri, HttpClient.RequestSender sender) { }

    /**
     * The event loop of the connection that carried the last response head, or null before the first. A plain
     * field: written on every response, read once per session at close, and any recent value will do (see
     * {@link #exchange}: the DELETE at close is subscribed on it).
     */
    private Executor lastLoop;

    /** Exchanges through {@code client} (redirects are not followed: MCP endpoints do not redirect POSTs). */
    public ReactorNettyExchange(HttpClient client) {
        this(client, Schedulers.parallel());
    }

    /** As {@link #ReactorNettyExchange(HttpClient)}, timing the drain of unread bodies on {@code timer}. */
    public ReactorNettyExchange(HttpClient client, Scheduler timer) {
        // a client that follows no redirects (Reactor Netty's default) is used as it is: followRedirect(false) would
        // copy its whole configuration (about 240 B held per McpClient, 1,000 clients to 1,000 servers: 240 KB)
        this.client = client.configuration().followRedirectPredicate() == null ? client : client.followRedirect(false);
        this.timer = timer;
    }

    /**
     * {@inheritDoc}
     *
     * <p>A failure before the response head says how far the request got ({@code McpFailure.delivery()}): a POST
     * whose connection was never ready (refused, DNS, connect timeout, TLS handshake, no pooled connection in time)
     * is {@code NOT_SENT}; once Reactor Netty hands over the ready connection to write the request, any failure is
     * {@code SENT_NO_ANSWER} (bytes may have reached the server). A failure while reading the body is
     * {@code SENT_NO_ANSWER}. Other methods (GET, DELETE) are {@code NOT_SENT} only for connect-phase kinds.
     */
    @Override
    public Mono<McpHttpResponse> exchange(McpHttpRequest request) {
        if (!"POST".equals(request.method()) && request.bodyLength() == 0) {
            Mono<McpHttpResponse> bodiless = Mono.defer(() -> {
                Handover handover = new Handover(false);
                HttpClient.ResponseReceiver<?> receiver = client
                        .headers(h -> request.headers().forEach(h::set))
                        .request(HttpMethod.valueOf(request.method()))
                        .uri(request.uri());
                return receive(request, receiver, handover);
            });
            Executor loop = lastLoop;
            // The DELETE at close usually follows the cancel of a listening GET that may still be acquiring its h2
            // stream. Reactor Netty's h2 pool (without strict connection reuse, its default; reactor-netty#4050)
            // takes the connection out of its queue until a task on the connection's event loop hands it to the
            // GET, and an acquire in that window opens another connection. Acquired from that event loop, the DELETE
            // runs after the hand-over and reuses the connection. Over HTTP/1.1 it changes nothing but the thread.
            return loop == null || !"DELETE".equals(request.method()) ? bodiless
                    : bodiless.subscribeOn(Schedulers.fromExecutor(loop));
        }
        return Mono.defer(() -> {
            Handover handover = new Handover(true);
            handover.request = request;
            // Headers set on the request itself: HttpClient#headers would copy the client's configuration per call.
            // The request is read through the handover, which forgets it once the exchange ended: Reactor Netty keeps
            // this lambda as long as the pooled connection lives.
            HttpClient.ResponseReceiver<?> receiver = sender(request.method(), request.uri())
                    .send((out, outbound) -> {
                        // Reactor Netty hands over a ready (connected, TLS-established) connection to write on
                        McpHttpRequest sent = handover.request;
                        handover.writing(outbound);
                        if (sent == null) { // the exchange already ended (cancelled): nothing to write
                            return Mono.empty();
                        }
                        sent.headers().forEach((name, values) -> {
                            out.header(name, values.get(0)); // replaces Reactor Netty's defaults (Accept: */*)
                            for (int i = 1; i < values.size(); i++) {
                                out.addHeader(name, values.get(i));
                            }
                        });
                        return outbound.send(Mono.just(Unpooled.wrappedBuffer(sent.bodyBuffer())));
                    });
            return receive(request, receiver, handover);
        });
    }

    private Mono<McpHttpResponse> receive(McpHttpRequest request, HttpClient.ResponseReceiver<?> receiver,
                                          Handover handover) {
        Mono<McpHttpResponse> response = receiver
                .responseConnection((head, connection) -> handover.headArrived(connection)
                        ? toResponse(request, head, connection) : Mono.empty())
                .next()
                .onErrorMap(e -> !(e instanceof McpException), e -> connectionFailure(request, e, handover.delivery()));
        return guarded(response, handover);
    }

    /** {@code response} delivered through {@code handover}, which must not be used for another subscription. */
    static Mono<McpHttpResponse> guarded(Mono<McpHttpResponse> response, Handover handover) {
        return new Guarded(response, handover);
    }

    private HttpClient.RequestSender sender(String method, URI uri) {
        Target t = last;
        if (t == null || !(t.uri == uri || t.uri.equals(uri)) || !t.method.equals(method)) {
            t = new Target(method, uri, client.request(HttpMethod.valueOf(method)).uri(uri));
            last = t;
        }
        return t.sender;
    }

    /**
     * The HTTP client used when the application supplies none: pooled, with room for many concurrent calls (Reactor
     * Netty's default pool admits 16 connections and 32 waiting acquisitions, too few for an MCP client under load).
     */
    public static HttpClient defaultClient() {
        return DefaultPool.CLIENT;
    }

    private static final class DefaultPool {
        static final HttpClient CLIENT = HttpClient.create(ConnectionProvider.builder("reactive-mcp")
                .maxConnections(500)
                .pendingAcquireMaxCount(100_000)
                .pendingAcquireTimeout(Duration.ofSeconds(60))
                .maxIdleTime(Duration.ofSeconds(30))
                // idle connections close after 30 s even when their endpoint is never called again (a service that
                // talked to many servers), and the per-endpoint pools left empty go away after 5 idle minutes
                .evictInBackground(Duration.ofSeconds(30))
                .disposeInactivePoolsInBackground(Duration.ofMinutes(1), Duration.ofMinutes(5))
                .build());
    }

    private Mono<McpHttpResponse> toResponse(McpHttpRequest sent, HttpClientResponse response,
                                            Connection connection) {
        Headers headers = Headers.of(new NettyHeaders(response.responseHeaders()));
        // Taken now: once the response has ended, Reactor Netty detaches the operations from their channel.
        Executor loop = connection.channel().eventLoop();
        lastLoop = loop;
        return Mono.just(McpHttpResponse.streaming(sent, response.status().code(), headers,
                () -> new AfterRelease<>(connection.inbound().receive()
                        .map(ReactorNettyExchange::copy)
                        .doOnCancel(connection::dispose)
                        .onErrorMap(e -> !(e instanceof McpException), e -> streamFailure(e)), loop),
                () -> discard(response, connection, loop)));
    }

    /**
     * Frees the connection of a response whose body nobody reads (a 401 before the replay, a 202 to a
     * notification): a small body is read to its end so that the connection goes back to the pool and the next
     * request (the replay, the token request's retry) reuses it instead of opening another. A body announced larger
     * than {@link #DRAIN_MAX_BYTES}, an event stream (it may never end), a body that grows beyond the limit or does
     * not end within {@link #DRAIN_TIME}, and a failed read close the connection (over HTTP/2: only the stream)
     * instead, so nothing half-read is ever pooled. Completes once the connection is back in the pool or closed;
     * cancelling it closes the connection.
     */
    private Mono<Void> discard(HttpClientResponse response, Connection connection, Executor loop) {
        HttpHeaders h = response.responseHeaders();
        String type = h.get("Content-Type");
        boolean stream = type != null && type.regionMatches(true, 0, "text/event-stream", 0, 17);
        if (stream || declaredLength(h) > DRAIN_MAX_BYTES) {
            return Mono.fromRunnable(connection::dispose);
        }
        long[] seen = new long[1]; // written only by the connection's event loop, which delivers the chunks
        Flux<Void> drained = connection.inbound().receive()
                .handle((buf, sink) -> {
                    seen[0] += buf.readableBytes();
                    if (seen[0] > DRAIN_MAX_BYTES) {
                        sink.error(new IllegalStateException("body too large to drain"));
                    }
                })
                .then()
                .timeout(DRAIN_TIME, timer)
                .doOnError(e -> connection.dispose())
                .doOnCancel(connection::dispose)
                .onErrorResume(e -> Mono.empty())
                .flux();
        return new AfterRelease<>(drained, loop).then();
    }

    private static long declaredLength(HttpHeaders h) {
        String length = h.get("Content-Length");
        if (length == null) {
            return -1;
        }
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Delays the completion of a response body by one turn of the connection's event loop. Reactor Netty completes
     * the body before it hands the connection back to the pool (in the same event-loop task), so a request sent
     * from the completion (a notification right after the response it follows, a replay after a drained 401)
     * would find the pool empty and open a second connection; one task later the connection is back. Nothing
     * waits or sleeps: the completion is queued behind the release on the same thread.
     */
    static final class AfterRelease<T> extends Flux<T> {
        private final Flux<T> source;
        private final Executor loop;

        AfterRelease(Flux<T> source, Executor loop) {
            this.source = source;
            this.loop = loop;
        }

        @Override
        public void subscribe(CoreSubscriber<? super T> actual) {
            source.subscribe(new Hop<>(actual, loop));
        }

        private static final class Hop<T> implements CoreSubscriber<T>, Subscription, Runnable {
            private final CoreSubscriber<? super T> actual;
            private final Executor loop;
            private Subscription upstream;

            Hop(CoreSubscriber<? super T> actual, Executor loop) {
                this.actual = actual;
                this.loop = loop;
            }

            @Override
            public Context currentContext() {
                return actual.currentContext();
            }

            @Override
            public void onSubscribe(Subscription s) {
                upstream = s;
                actual.onSubscribe(this);
            }

            @Override
            public void onNext(T t) {
                actual.onNext(t);
            }

            @Override
            public void onError(Throwable t) {
                actual.onError(t);
            }

            @Override
            public void onComplete() {
                try {
                    loop.execute(this);
                } catch (RejectedExecutionException e) { // the event loop is shutting down: nothing to wait for
                    actual.onComplete();
                }
            }

            @Override
            public void run() {
                actual.onComplete();
            }

            @Override
            public void request(long n) {
                upstream.request(n);
            }

            @Override
            public void cancel() {
                upstream.cancel();
            }
        }
    }

    /**
     * Who owns the connection of one exchange while its response is on the way. A call can be cancelled at any
     * moment: before the connection is ready, while the request is written, between the response head and the
     * moment the response reaches the caller (Reactor Netty then hands the response to an operator chain that drops
     * it), or after. Until the response is handed over, a cancel closes the connection (or, when no connection is
     * held yet, the connection that arrives later is closed at once), so a cancelled call never leaves a connection
     * that is neither pooled nor closed: over a server that keeps a stream open (an SSE response that never ends), that
     * connection would stay open for good. Once handed over, the caller owns the response and its body (which
     * closes the connection when cancelled, {@link McpHttpResponse#releaseBody()} frees it).
     *
     * <p>The cancel and the connection's arrival race on two threads (the caller's and the event loop): each writes its
     * own volatile field before reading the other's, so at least one of them sees both and closes the connection
     * (closing twice is harmless).
     */
    static final class Handover extends java.util.concurrent.atomic.AtomicInteger
            implements CoreSubscriber<McpHttpResponse>, Subscription {
        private static final int WAITING = 0;
        private static final int HANDED_OVER = 1;
        private static final int CANCELLED = 2;

        private final boolean post;
        /** The connection the request is written on, once Reactor Netty hands it over. */
        private volatile Connection connection;
        /** The request to write (Reactor Netty may write it again on a fresh connection); null once ended. */
        volatile McpHttpRequest request;
        /** Set when the request starts to be written: bytes may have reached the server. */
        private volatile boolean written;
        private CoreSubscriber<? super McpHttpResponse> actual;
        private Subscription upstream;

        Handover(boolean post) {
            this.post = post;
        }

        /** The request is about to be written on {@code outbound} (a POST's connection is ready). */
        void writing(Object outbound) {
            written = true;
            if (outbound instanceof Connection c) { // Reactor Netty's operations object: the request's connection
                held(c);
            }
        }

        /** The response head arrived on {@code c}; {@code false} when the call was cancelled (then it is closed). */
        boolean headArrived(Connection c) {
            return held(c);
        }

        private boolean held(Connection c) {
            connection = c;
            if (get() == CANCELLED) {
                c.dispose();
                return false;
            }
            return true;
        }

        /** How far a POST got when it failed before its response head; {@code null} for other methods. */
        Delivery delivery() {
            return !post ? null : written ? Delivery.SENT_NO_ANSWER : Delivery.NOT_SENT;
        }

        void subscribe(Mono<McpHttpResponse> source, CoreSubscriber<? super McpHttpResponse> actual) {
            this.actual = actual;
            source.subscribe(this);
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            upstream = s;
            actual.onSubscribe(this);
        }

        @Override
        public void onNext(McpHttpResponse response) {
            if (compareAndSet(WAITING, HANDED_OVER)) {
                connection = null; // the caller owns it now
                request = null;
                actual.onNext(response);
            } else {
                // cancelled while the response was on its way: nobody will read or release it
                response.releaseBody().subscribe(null, e -> { });
            }
        }

        @Override
        public void onError(Throwable t) {
            CoreSubscriber<? super McpHttpResponse> a = actual;
            forget();
            a.onError(t);
        }

        @Override
        public void onComplete() {
            CoreSubscriber<? super McpHttpResponse> a = actual;
            forget();
            a.onComplete();
        }

        /**
         * Drops what this exchange held once it ended: Reactor Netty keeps the request's configuration copy (and
         * with it the lambdas that reach this object) for as long as the pooled connection lives, so the caller's
         * operator chain and the response must not stay reachable from here (1,000 idle clients: ~7 KB each).
         */
        private void forget() {
            connection = null;
            request = null;
            actual = reactor.core.publisher.Operators.emptySubscriber();
        }

        @Override
        public void request(long n) {
            upstream.request(n);
        }

        @Override
        public void cancel() {
            if (compareAndSet(WAITING, CANCELLED)) {
                Connection c = connection;
                if (c != null) {
                    c.dispose();
                }
            }
            upstream.cancel();
        }
    }

    /** An exchange's response, delivered through its {@link Handover}. */
    private static final class Guarded extends Mono<McpHttpResponse> {
        private final Mono<McpHttpResponse> source;
        private final Handover handover;

        Guarded(Mono<McpHttpResponse> source, Handover handover) {
            this.source = source;
            this.handover = handover;
        }

        @Override
        public void subscribe(CoreSubscriber<? super McpHttpResponse> actual) {
            handover.subscribe(source, actual);
        }
    }

    /**
     * The received headers, read in place: a response is usually asked for two or three headers, so copying all of
     * them (a String per name and value, map entries) per call is wasted. Netty does not change them once the
     * response head is decoded.
     */
    static final class NettyHeaders extends HeaderView {
        private final HttpHeaders headers;

        NettyHeaders(HttpHeaders headers) {
            this.headers = headers;
        }

        @Override
        public String first(String name) {
            return headers.get(name);
        }

        @Override
        public List<String> all(String name) {
            List<String> all = headers.getAll(name);
            return all.isEmpty() ? List.of() : List.copyOf(all);
        }

        @Override
        public boolean contains(String name) {
            return headers.contains(name);
        }

        @Override
        public boolean isEmpty() {
            return headers.isEmpty();
        }

        @Override
        public void forEachHeader(BiConsumer<String, String> action) {
            Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
            while (it.hasNext()) {
                Map.Entry<CharSequence, CharSequence> e = it.next();
                action.accept(e.getKey().toString(), e.getValue().toString());
            }
        }
    }

    private static byte[] copy(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return bytes;
    }

    private static McpTransportException connectionFailure(McpHttpRequest request, Throwable e, Delivery delivery) {
        // The failure's kind says what happened in words; the class name is kept only where no kind is known.
        String where = request.method() + " " + request.uri();
        McpFailure failure = connectionKind(e, where, delivery);
        if (failure instanceof McpFailure.ConnectionFailure c && c.kind() == McpFailure.ConnectionFailure.Kind.OTHER) {
            failure = connectionKind(e, e.getClass().getSimpleName() + " during " + where, delivery);
        }
        return new McpTransportException(failure, failure.describe(), e);
    }

    private static McpTransportException streamFailure(Throwable e) {
        String detail = e.getClass().getSimpleName() + " while reading the response body";
        return new McpTransportException(connectionKind(e, detail, Delivery.SENT_NO_ANSWER), detail, e);
    }

    /**
     * A connection failure (or timeout) for {@code e} with the classifier's finer kind (refused, reset, premature
     * close, DNS, TLS) when it has one, described by {@code detail}.
     */
    public static McpFailure connectionKind(Throwable e, String detail) {
        return connectionKind(e, detail, null);
    }

    /**
     * As {@link #connectionKind(Throwable, String)}, with how far the request got; {@code null} when not known
     * (then {@code NOT_SENT} for connect-phase kinds, else {@code UNKNOWN}).
     */
    public static McpFailure connectionKind(Throwable e, String detail, Delivery delivery) {
        McpFailure f = McpFailures.classify(e);
        if (f instanceof McpFailure.ConnectionFailure c) {
            // A handshake failure says why in its own words (untrusted issuer, no matching host name, protocol).
            boolean tls = c.kind() == McpFailure.ConnectionFailure.Kind.TLS && c.detail() != null;
            return new McpFailure.ConnectionFailure(c.kind(), tls ? detail + " (" + c.detail() + ")" : detail,
                    delivery, false);
        }
        if (f instanceof McpFailure.Timeout t) {
            return delivery == null ? t : new McpFailure.Timeout(t.limit(), delivery, false);
        }
        return new McpFailure.ConnectionFailure(McpFailure.ConnectionFailure.Kind.OTHER, detail, delivery, false);
    }

}
