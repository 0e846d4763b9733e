package dev.reactivemcp.benchmarks.driver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.netty.http.client.HttpClient;

/**
 * The load driver's loopback servers, one per response kind and wire (plain, TLS, h2), each started on first use in
 * its own JVM, and the TLS set-up (made on first use of a secure wire) with the clients' contexts: A's and B's
 * Reactor Netty clients per wire (identical pools, identical TLS) and C's JDK context. Closing stops every server
 * and deletes the PEM directory.
 */
final class Servers implements AutoCloseable {

    private final Map<String, ServerProcess> started = new LinkedHashMap<>();
    private final Map<Wire, HttpClient> httpA = new EnumMap<>(Wire.class);
    private final Map<Wire, HttpClient> httpB = new EnumMap<>(Wire.class);
    private final int poolSize;
    private final boolean sdkDefaultHttp;
    private final boolean officialHttp2;
    private final boolean h2StrictReuse;
    private TlsSetup tls;

    /**
     * @param poolSize       connections of A's and B's pools
     * @param sdkDefaultHttp A on {@code HttpClient.create()} (plain: the SDK's own default, null here)
     * @param officialHttp2  C asks the JDK for HTTP/2 (its transport pins HTTP/1.1 by default)
     * @param h2StrictReuse  A's and B's H2 pools open a new connection only when the open ones have no free stream
     */
    Servers(int poolSize, boolean sdkDefaultHttp, boolean officialHttp2, boolean h2StrictReuse) {
        this.h2StrictReuse = h2StrictReuse;
        this.poolSize = poolSize;
        this.sdkDefaultHttp = sdkDefaultHttp;
        this.officialHttp2 = officialHttp2;
    }

    /** The server for {@code mode}'s response kind and wire (the era is the request's). */
    ServerProcess server(Mode mode) {
        String key = (mode.sse() ? "sse" : "json") + mode.wire().suffix();
        return started.computeIfAbsent(key, k -> {
            List<String> args = new ArrayList<>(List.of(mode.sse() ? "--mode=sse" : "--mode=json"));
            if (mode.wire().secure()) {
                args.add("--tls=" + tls().dir());
            }
            if (mode.wire() == Wire.H2) {
                args.add("--h2");
            }
            try {
                ServerProcess p = ServerProcess.start(args.toArray(String[]::new));
                LoadDriver.log("server " + k + ": pid " + p.pid() + " " + p.endpoint());
                return p;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    URI endpoint(Mode mode) {
        return server(mode).endpoint();
    }

    /** The TLS set-up, made on first use. */
    TlsSetup tls() {
        if (tls == null) {
            try {
                tls = TlsSetup.create();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tls;
    }

    /** A's Reactor Netty client on {@code wire}; null for the SDK's own default ({@code --sdk-default-http}). */
    HttpClient httpA(Wire wire) {
        if (sdkDefaultHttp) {
            return wire.secure() ? tls().secure(HttpClient.create(), wire) : null;
        }
        return httpA.computeIfAbsent(wire, w -> Http.pooled("sdk" + w.suffix(), poolSize, w,
                w.secure() ? tls() : null, h2StrictReuse));
    }

    /** B's Reactor Netty client on {@code wire}: the same pool settings and TLS as A's. */
    HttpClient httpB(Wire wire) {
        return httpB.computeIfAbsent(wire, w -> Http.pooled("floor" + w.suffix(), poolSize, w,
                w.secure() ? tls() : null, h2StrictReuse));
    }

    /** A fresh official SDK client (C) for {@code mode}. */
    OfficialSdkClient official(Mode mode) {
        URI endpoint = endpoint(mode);
        return mode.wire().secure() || officialHttp2
                ? new OfficialSdkClient(endpoint, mode.wire().secure() ? tls().jdk() : null, officialHttp2)
                : new OfficialSdkClient(endpoint);
    }

    boolean officialHttp2() {
        return officialHttp2;
    }

    @Override
    public void close() {
        started.values().forEach(ServerProcess::close);
        if (tls != null) {
            tls.close();
        }
    }
}
