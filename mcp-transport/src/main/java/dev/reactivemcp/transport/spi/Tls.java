package dev.reactivemcp.transport.spi;

import dev.reactivemcp.transport.TlsTrust;
import reactor.netty.http.client.HttpClient;

/**
 * A {@link TlsTrust} applied to a Reactor Netty {@link HttpClient}, as {@code McpClient} applies it: https URIs
 * trust what {@code trust} names, host names stay verified (RFC 9110 section 4.3.4), plain http stays plain.
 *
 * <pre>{@code
 * Tls.requireAvailable(); // on the caller's thread: a broken TLS classpath fails here, not on an event loop
 * HttpClient http = Tls.apply(HttpClient.create(), TlsTrust.pemFile(Path.of("internal-ca.pem")));
 * }</pre>
 */
public final class Tls {

    private Tls() { }

    /**
     * {@code client} trusting {@code trust} for https URIs; the system default leaves the client as it is.
     *
     * @param client the client to configure
     * @param trust what to trust; null or {@link TlsTrust#systemDefault()} changes nothing
     * @return the configured client (Reactor Netty clients are immutable: a copy)
     * @throws IllegalArgumentException when no TLS context can be built from {@code trust}
     * @throws IllegalStateException when TLS is unavailable on this classpath (see {@link #requireAvailable()})
     */
    public static HttpClient apply(HttpClient client, TlsTrust trust) {
        return dev.reactivemcp.transport.internal.Tls.apply(client, trust);
    }

    /**
     * Checks once, on the calling thread, that Reactor Netty's TLS client can start, so that a broken classpath (for
     * example an excluded {@code io.netty:netty-codec-http3}) fails with a clear message instead of inside an event
     * loop, where the error would never reach a subscriber.
     *
     * @throws IllegalStateException when TLS is unavailable, naming the cause
     */
    public static void requireAvailable() {
        dev.reactivemcp.transport.internal.Tls.requireAvailable();
    }
}
