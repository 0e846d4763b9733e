package dev.reactivemcp.benchmarks.server;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLSession;
import reactor.netty.http.server.HttpServerRequest;

/**
 * What the wire carried since the last {@link #readAndReset()}, counted on the server's side: connections accepted,
 * connections that carried at least one request, TLS handshakes (full or resumed), and requests per negotiated
 * protocol (HTTP/2 or HTTP/1.x). Counting is a few {@link LongAdder} increments and one attribute read per
 * request; the driver reads and resets the counters before and after each run (a {@code stats} line on the
 * server's standard input, answered with one {@code STATS ...} line on its standard output).
 *
 * <p>A handshake is <em>resumed</em> when the session it ended with was created before the connection was
 * accepted (TLS session resumption, RFC 8446 section 2.2: the server's JDK keeps the original session's creation
 * time); otherwise it is full.
 */
final class WireCounters {

    /** The epoch (run) in which a connection last carried a request; set on the connection channel at accept. */
    private static final AttributeKey<AtomicLong> LAST_EPOCH = AttributeKey.valueOf("bench.lastEpoch");

    private final AtomicLong epoch = new AtomicLong(1);
    private final LongAdder opened = new LongAdder();
    /** Connections accepted in the periods already read ({@link #readAndReset()}): with {@link #opened}, the total. */
    private final AtomicLong openedBefore = new AtomicLong();
    private final LongAdder used = new LongAdder();
    private final LongAdder tlsFull = new LongAdder();
    private final LongAdder tlsResumed = new LongAdder();
    private final LongAdder tlsFailed = new LongAdder();
    private final LongAdder h2 = new LongAdder();
    private final LongAdder http1 = new LongAdder();

    /** A connection was accepted (called from {@code doOnChannelInit}, after the TLS handler is in place). */
    void onConnection(Channel channel) {
        opened.increment();
        channel.attr(LAST_EPOCH).set(new AtomicLong());
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return;
        }
        long acceptedMillis = System.currentTimeMillis();
        ssl.handshakeFuture().addListener(f -> {
            if (!f.isSuccess()) {
                tlsFailed.increment();
                return;
            }
            SSLSession session = ssl.engine().getSession();
            (session.getCreationTime() < acceptedMillis ? tlsResumed : tlsFull).increment();
        });
    }

    /** A request arrived: count its protocol and, once per run, its connection. */
    void onRequest(HttpServerRequest req) {
        (req.version().majorVersion() == 2 ? h2 : http1).increment();
        req.withConnection(c -> {
            Channel ch = c.channel();
            Channel connection = ch instanceof Http2StreamChannel ? ch.parent() : ch;
            AtomicLong last = connection.attr(LAST_EPOCH).get();
            long now = epoch.get();
            if (last != null && last.getAndSet(now) != now) {
                used.increment();
            }
        });
    }

    /** Connections accepted since the server started (every period's {@code opened}, the current one's too). */
    long openedTotal() {
        return openedBefore.get() + opened.sum();
    }

    /** The counters since the last call, as {@code key=value} pairs, and a new counting period. */
    String readAndReset() {
        epoch.incrementAndGet();
        long openedNow = opened.sumThenReset();
        openedBefore.addAndGet(openedNow);
        return "opened=" + openedNow + " used=" + used.sumThenReset() + " tlsFull="
                + tlsFull.sumThenReset() + " tlsResumed=" + tlsResumed.sumThenReset() + " tlsFailed="
                + tlsFailed.sumThenReset() + " h2=" + h2.sumThenReset() + " http1=" + http1.sumThenReset();
    }
}
