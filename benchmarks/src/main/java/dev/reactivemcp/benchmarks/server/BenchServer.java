package dev.reactivemcp.benchmarks.server;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The loopback MCP test server, run as its own process so that the driver's process CPU is the client's.
 * Answers {@code initialize} (+202 for notifications), {@code server/discover}, {@code tools/list},
 * {@code tools/call} (a fixed 64-byte text) and {@code ping}, in both eras at once: a request whose
 * {@code MCP-Protocol-Version} is 2026-07-28 is modern and must carry {@code params._meta}; any other is legacy
 * and, with sessions on, must carry a session id issued by {@code initialize}. GET answers 405, DELETE ends a
 * session.
 *
 * <pre>
 * java -cp ... dev.reactivemcp.benchmarks.server.BenchServer --mode=json|sse [--delay-ms=200] [--sessions=false]
 *     [--require-bearer=TOKEN,TOKEN...] [--tls=DIR [--h2]] [--ports=N]
 * </pre>
 * With {@code --tls=DIR} it speaks HTTPS with {@code DIR/cert.pem} and {@code DIR/key.pem}; {@code --h2} adds h2 by
 * ALPN. With {@code --ports=N} (default 1) it listens on N ports of 127.0.0.1 (one bind each, all on Reactor Netty's
 * shared event loops: N endpoints, one process), prints {@code PORT <first>} and then {@code PORTS <p1>,<p2>,...};
 * the many-servers driver ({@code driver.ManyServers}) gives each client its own port. A {@code stats} line on
 * standard input is answered with one {@code STATS ...} line: the per-period wire counters (connections opened and
 * used, TLS handshakes full/resumed, requests per protocol; see {@link WireCounters}; reading starts a new period),
 * then the totals {@code requests=.. connections=.. open=.. peakOpen=.. peakInFlight=..} ({@code open}: connections
 * open now, counted when accepted and when their channel closes); a line {@code reset-peaks} sets the peaks to the
 * current values and is answered {@code RESET}.
 * With {@code --require-bearer}, a POST must carry {@code Authorization: Bearer <one of the tokens>}, else it is
 * answered 401 {@code invalid_token} (counted as {@code unauthorized} in the stats); without it (default), no check.
 * Prints {@code PORT <n>} once listening on 127.0.0.1 (port 0: the kernel picks), and exits when its standard
 * input closes, so it never outlives the driver. Stats (requests, connections accepted, peak in flight) go to standard error at exit.
 */
public final class BenchServer {

    private final CannedResponses canned;
    private final Duration delay;
    private final boolean sessions;
    private final Set<String> liveSessions = ConcurrentHashMap.newKeySet();
    private final AtomicLong sessionIds = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();
    private final Map<String, CannedResponses.Answer> initAnswers = new ConcurrentHashMap<>();
    private final Set<String> acceptedAuthorizations;
    private final AtomicLong unauthorized = new AtomicLong();
    private final WireCounters wire = new WireCounters();
    private final AtomicLong dpopProofs = new AtomicLong();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger peakOpen = new AtomicInteger();

    BenchServer(boolean sse, Duration delay, boolean sessions, Set<String> acceptedAuthorizations) {
        this.canned = new CannedResponses(sse);
        this.delay = delay;
        this.sessions = sessions;
        this.acceptedAuthorizations = acceptedAuthorizations;
    }

    public static void main(String[] args) throws Exception {
        boolean sse = false;
        long delayMs = 0;
        boolean sessions = true;
        Set<String> bearer = null;
        java.nio.file.Path tlsDir = null;
        boolean h2 = false;
        int ports = 1;
        for (String a : args) {
            if (a.equals("--mode=sse")) {
                sse = true;
            } else if (a.equals("--mode=json")) {
                sse = false;
            } else if (a.startsWith("--delay-ms=")) {
                delayMs = Long.parseLong(a.substring("--delay-ms=".length()));
            } else if (a.startsWith("--ports=")) {
                ports = Integer.parseInt(a.substring("--ports=".length()));
            } else if (a.equals("--sessions=false")) {
                sessions = false;
            } else if (a.startsWith("--require-bearer=")) {
                bearer = new java.util.HashSet<>();
                for (String token : a.substring("--require-bearer=".length()).split(",")) {
                    bearer.add("Bearer " + token);
                    bearer.add("DPoP " + token);   // a DPoP-bound token (RFC 9449): the proof is not checked here
                }
            } else if (a.startsWith("--tls=")) {
                tlsDir = java.nio.file.Path.of(a.substring("--tls=".length()));
            } else if (a.equals("--h2")) {
                h2 = true;
            } else {
                throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        BenchServer server = new BenchServer(sse, Duration.ofMillis(delayMs), sessions, bearer);
        HttpServer http = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .doOnChannelInit((observer, channel, address) -> {
                    server.accepted(channel);
                    server.wire.onConnection(channel);
                })
                .handle(server::handle);
        HttpServer listening = secure(http, tlsDir, h2);
        java.util.List<DisposableServer> bound = new java.util.ArrayList<>(ports);
        for (int i = 0; i < ports; i++) {
            bound.add(listening.bindNow(Duration.ofSeconds(10)));
        }
        System.out.println("PORT " + bound.get(0).port());
        if (ports > 1) {
            StringBuilder line = new StringBuilder("PORTS ");
            for (int i = 0; i < ports; i++) {
                line.append(i == 0 ? "" : ",").append(bound.get(i).port());
            }
            System.out.println(line);
        }
        System.out.flush();
        awaitStdinClosed(server);
        System.err.println("bench-server: requests=" + server.requests.get() + " connections="
                + server.wire.openedTotal() + " peakInFlight="
                + server.peakInFlight.get()
                + (ports > 1 ? " peakOpen=" + server.peakOpen.get() : "")
                + (bearer == null ? "" : " unauthorized=" + server.unauthorized.get() + " dpopProofs="
                        + server.dpopProofs.get()));
        bound.forEach(b -> b.disposeNow(Duration.ofSeconds(2)));
        System.exit(0);
    }

    private void accepted(io.netty.channel.Channel channel) {
        peakOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
        channel.closeFuture().addListener(f -> open.decrementAndGet());
    }
    /**
     * {@code --tls=DIR}: HTTPS with {@code DIR/cert.pem} (leaf, then root) and {@code DIR/key.pem} (PKCS#8); with
     * {@code --h2} it offers h2 and http/1.1 by ALPN (RFC 7301), else HTTP/1.1 only. {@code --h2} without TLS is
     * refused (no cleartext h2 here).
     */
    private static HttpServer secure(HttpServer http, java.nio.file.Path tlsDir, boolean h2) {
        if (tlsDir == null) {
            if (h2) {
                throw new IllegalArgumentException("--h2 needs --tls=DIR");
            }
            return http;
        }
        java.io.File cert = tlsDir.resolve("cert.pem").toFile();
        java.io.File key = tlsDir.resolve("key.pem").toFile();
        if (h2) {
            return http.protocol(reactor.netty.http.HttpProtocol.H2, reactor.netty.http.HttpProtocol.HTTP11)
                    .secure(spec -> spec.sslContext(reactor.netty.http.Http2SslContextSpec.forServer(cert, key)));
        }
        return http.secure(spec -> spec.sslContext(reactor.netty.http.Http11SslContextSpec.forServer(cert, key)));
    }

    /**
     * Reads standard input until it closes (the driver is gone); each {@code stats} line is answered with one
     * {@code STATS key=value ...} line on standard output (see {@link WireCounters}: the wire part starts a new
     * period), each {@code reset-peaks} line with {@code RESET}.
     */
    private static void awaitStdinClosed(BenchServer server) {
        try {
            java.io.BufferedReader in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.trim().equals("reset-peaks")) {
                    server.peakOpen.set(server.open.get());
                    server.peakInFlight.set(server.inFlight.get());
                    System.out.println("RESET");
                    System.out.flush();
                } else if (line.trim().equals("stats")) {
                    System.out.println("STATS " + server.wire.readAndReset() + " requests=" + server.requests.get()
                            + " connections=" + server.wire.openedTotal() + " open=" + server.open.get()
                            + " peakOpen=" + server.peakOpen.get() + " peakInFlight=" + server.peakInFlight.get());
                    System.out.flush();
                }
            }
        } catch (IOException e) {
            // treat as closed
        }
    }

    private Mono<Void> handle(HttpServerRequest req, HttpServerResponse res) {
        HttpMethod method = req.method();
        wire.onRequest(req);
        if (method.equals(HttpMethod.POST)) {
            return req.receive().aggregate().asByteArray()
                    .defaultIfEmpty(new byte[0])
                    .flatMap(body -> post(req, res, body));
        }
        if (method.equals(HttpMethod.DELETE)) {
            String sid = req.requestHeaders().get("Mcp-Session-Id");
            boolean known = sid != null && liveSessions.remove(sid);
            return res.status(known ? HttpResponseStatus.OK : HttpResponseStatus.NOT_FOUND).send();
        }
        return res.status(HttpResponseStatus.METHOD_NOT_ALLOWED).header(HttpHeaderNames.ALLOW, "POST, DELETE").send();
    }

    private Mono<Void> post(HttpServerRequest req, HttpServerResponse res, byte[] body) {
        requests.incrementAndGet();
        if (acceptedAuthorizations != null && req.requestHeaders().contains("DPoP")) {
            dpopProofs.incrementAndGet();   // counted, not verified: see DpopProofBenchmark and the interop tests
        }
        if (acceptedAuthorizations != null
                && !acceptedAuthorizations.contains(req.requestHeaders().get(HttpHeaderNames.AUTHORIZATION))) {
            unauthorized.incrementAndGet();
            return res.status(HttpResponseStatus.UNAUTHORIZED)
                    .header(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"").send();
        }
        JsonRpcPeek peek = JsonRpcPeek.parse(body);
        if (peek == null || peek.method() == null) {
            return res.status(HttpResponseStatus.BAD_REQUEST).send();
        }
        if (peek.isNotification()) {
            return res.status(HttpResponseStatus.ACCEPTED).send();
        }
        boolean modern = CannedResponses.MODERN.equals(req.requestHeaders().get("MCP-Protocol-Version"));
        if (modern) {
            return answer(res, modernAnswer(peek), peek.rawId(), null);
        }
        if (peek.method().equals("initialize")) {
            String sid = null;
            if (sessions) {
                sid = "bench-" + sessionIds.incrementAndGet();
                liveSessions.add(sid);
            }
            return answer(res, initAnswer(peek.offeredVersion()), peek.rawId(), sid);
        }
        if (sessions) {
            String sid = req.requestHeaders().get("Mcp-Session-Id");
            if (sid == null) {
                return res.status(HttpResponseStatus.BAD_REQUEST).send();
            }
            if (!liveSessions.contains(sid)) {
                return res.status(HttpResponseStatus.NOT_FOUND).send();
            }
        }
        return answer(res, legacyAnswer(peek.method()), peek.rawId(), null);
    }

    private CannedResponses.Answer modernAnswer(JsonRpcPeek peek) {
        if (!CannedResponses.MODERN.equals(peek.metaVersion())) {
            return canned.missingMeta;
        }
        return switch (peek.method()) {
            case "server/discover" -> canned.discover;
            case "tools/list" -> canned.toolsListModern;
            case "tools/call" -> canned.callModern;
            default -> canned.notFound;
        };
    }

    private CannedResponses.Answer legacyAnswer(String method) {
        return switch (method) {
            case "tools/list" -> canned.toolsListLegacy;
            case "tools/call" -> canned.callLegacy;
            case "ping" -> canned.ping;
            default -> canned.notFound;
        };
    }

    private CannedResponses.Answer initAnswer(String offered) {
        String v = offered != null && offered.matches("2025-(03-26|06-18|11-25)|2024-11-05")
                ? offered : CannedResponses.LATEST_LEGACY;
        return initAnswers.computeIfAbsent(v, canned::initialize);
    }

    private Mono<Void> answer(HttpServerResponse res, CannedResponses.Answer answer, byte[] rawId, String sessionId) {
        res.status(HttpResponseStatus.OK).header(HttpHeaderNames.CONTENT_TYPE, canned.contentType());
        if (sessionId != null) {
            res.header("Mcp-Session-Id", sessionId);
        }
        if (canned.contentType().equals("application/json")) {
            res.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(answer.length(rawId)));
        }
        int now = inFlight.incrementAndGet();
        peakInFlight.accumulateAndGet(now, Math::max);
        Mono<ByteBuf> bytes = Mono.fromSupplier(() -> answer.render(rawId));
        Mono<Void> send = res.sendObject(bytes).then();
        if (!delay.isZero()) {
            send = Mono.delay(delay).then(send);
        }
        return send.doFinally(s -> inFlight.decrementAndGet());
    }
}
