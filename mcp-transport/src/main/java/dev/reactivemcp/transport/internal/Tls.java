package dev.reactivemcp.transport.internal;

import dev.reactivemcp.transport.TlsTrust;
import io.netty.handler.ssl.SslContext;
import java.util.Arrays;
import javax.net.ssl.SSLException;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;

/** Applies a {@link TlsTrust} to a Reactor Netty client and checks, off the event loops, that TLS can start. */
public final class Tls {

    private Tls() { }

    /**
     * {@code client} trusting {@code trust} for https URIs (plain http URIs stay plain: Reactor Netty drops the TLS
     * configuration for them); the system default leaves the client as it is. Host names stay verified. A client
     * that offers HTTP/2 ({@code protocol(H2, HTTP11)}) keeps offering it: the context then carries ALPN for h2 and
     * http/1.1 (a context without ALPN would silently fall back to HTTP/1.1).
     */
    public static HttpClient apply(HttpClient client, TlsTrust trust) {
        if (trust == null || trust.isSystemDefault()) {
            return client;
        }
        requireAvailable();
        boolean h2 = Arrays.asList(client.configuration().protocols()).contains(HttpProtocol.H2);
        SslContext context;
        try {
            context = h2
                    ? Http2SslContextSpec.forClient().configure(b -> b.trustManager(trust.factory())).sslContext()
                    : Http11SslContextSpec.forClient().configure(b -> b.trustManager(trust.factory())).sslContext();
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot build a TLS context for " + trust + ": " + e.getMessage(), e);
        }
        return client.secure(spec -> spec.sslContext(context));
    }

    /**
     * Initialises Reactor Netty's TLS client once, on the calling thread, so that a broken classpath (for example
     * an excluded {@code netty-codec-http3}, whose classes Reactor Netty's TLS client loads) fails here with a clear
     * message instead of inside an event loop, where a {@link LinkageError} is never delivered to the subscriber.
     */
    public static void requireAvailable() {
        Holder.check();
    }

    private static final class Holder {
        private static final Throwable PROBLEM = probe();

        private static Throwable probe() {
            try {
                HttpClient.create().secure();
                return null;
            } catch (LinkageError | RuntimeException e) {
                return e;
            }
        }

        static void check() {
            if (PROBLEM != null) {
                throw new IllegalStateException("TLS (https) is unavailable on this classpath: " + PROBLEM
                        + ". Reactor Netty's TLS client needs all of reactor-netty-http's dependencies,"
                        + " including io.netty:netty-codec-http3 (do not exclude it)", PROBLEM);
            }
        }
    }
}
