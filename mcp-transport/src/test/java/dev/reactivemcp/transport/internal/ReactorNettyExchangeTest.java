package dev.reactivemcp.transport.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.McpHttpResponse;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

/** One exchange over real HTTP: the reused sender, headers read in place, bodies of one and many chunks. */
class ReactorNettyExchangeTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private DisposableServer server;
    private ConnectionProvider pool;
    private ReactorNettyExchange exchange;
    private URI base;
    private final CountDownLatch unansweredClosed = new CountDownLatch(2);
    private final java.util.concurrent.Semaphore unansweredArrived = new java.util.concurrent.Semaphore(0);

    @BeforeEach
    void start() {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .handle((req, res) -> req.uri().equals("/never") ? req.receive().then(Mono.<Void>never())
                        .doOnSubscribe(s -> {
                            req.withConnection(c -> c.onDispose(unansweredClosed::countDown));
                            unansweredArrived.release();
                        })
                        : req.receive().aggregate().asString(UTF_8).defaultIfEmpty("")
                        .flatMap(body -> {
                            String answer = req.method().name() + " " + req.uri() + " " + body + " "
                                    + req.requestHeaders().get("X-Test");
                            if (req.uri().equals("/chunks")) {
                                return res.header("Content-Type", "text/plain")
                                        .sendString(Flux.just("a", "b", "c").delayElements(Duration.ofMillis(5)))
                                        .then();
                            }
                            return res.header("Content-Type", "Text/Plain; charset=UTF-8")
                                    .addHeader("Set-Cookie", "a=1").addHeader("set-cookie", "b=2")
                                    .header("X-Echo-Path", req.uri())
                                    .sendString(Mono.just(answer)).then();
                        }))
                .bindNow();
        pool = ConnectionProvider.builder("exchange-test").maxConnections(2).build();
        exchange = new ReactorNettyExchange(HttpClient.create(pool));
        base = URI.create("http://127.0.0.1:" + server.port());
    }

    @AfterEach
    void stop() {
        server.disposeNow(WAIT);
        pool.disposeLater().block(WAIT);
    }

    private McpHttpResponse post(String path, String body, String test) {
        McpHttpRequest req = McpHttpRequest.of("POST", base.resolve(path),
                Headers.empty().with("Content-Type", "application/json").with("X-Test", test),
                body.getBytes(UTF_8), "tools/call");
        return exchange.exchange(req).block(WAIT);
    }

    @Test
    void eachRequestGoesWhereItSaysWhenTheTargetChanges() {
        for (String path : List.of("/a", "/a", "/b", "/a", "/b?x=1")) {
            McpHttpResponse r = post(path, "{}", path);

            assertThat(r.bodyAsString(1024).block(WAIT)).isEqualTo("POST " + path + " {} " + path);
        }
        McpHttpResponse get = exchange.exchange(McpHttpRequest.of("GET", base.resolve("/a"))
                .withHeader("X-Test", "g")).block(WAIT);
        assertThat(get.bodyAsString(1024).block(WAIT)).isEqualTo("GET /a  g");
        assertThat(post("/a", "{\"after\":\"get\"}", "p").bodyAsString(1024).block(WAIT))
                .isEqualTo("POST /a {\"after\":\"get\"} p");
    }

    @Test
    void receivedHeadersAreReadCaseInsensitivelyAndCopiedOnDemand() {
        McpHttpResponse r = post("/h", "{}", "h");

        Headers h = r.headers();
        assertThat(r.mediaType()).contains("text/plain");
        assertThat(h.first("content-type")).contains("Text/Plain; charset=UTF-8");
        assertThat(h.all("SET-COOKIE")).containsExactly("a=1", "b=2");
        assertThat(h.contains("x-echo-path")).isTrue();
        assertThat(h.first("Absent")).isEmpty();
        assertThat(h.toString()).contains("<redacted>").doesNotContain("a=1");
        assertThat(h.asMap()).containsEntry("X-Echo-Path", List.of("/h")); // names as received
        assertThat(h).isEqualTo(Headers.of(h.asMap()));
        r.releaseBody().block(WAIT);
    }

    @Test
    void aBodyOfManyChunksIsJoined() {
        McpHttpResponse r = post("/chunks", "{}", "c");

        assertThat(r.bodyAsString(1024).block(WAIT)).isEqualTo("abc");
    }

    @Test
    void anExchangeCancelledBeforeItsAnswerClosesItsConnectionSoThePoolIsFreeAgain() throws InterruptedException {
        // a black hole (issue 10): the server reads the request and never answers; the caller gives up (a timeout
        // cancels too). Reactor Netty closes such a connection itself; this guards that it stays so.
        for (int i = 0; i < 2; i++) {
            McpHttpRequest req = McpHttpRequest.of("POST", base.resolve("/never"),
                    Headers.empty().with("Content-Type", "application/json"), "{}".getBytes(UTF_8), "tools/call");
            reactor.core.Disposable call = exchange.exchange(req).subscribe();
            assertThat(unansweredArrived.tryAcquire(WAIT.toSeconds(), TimeUnit.SECONDS)).as("request arrived").isTrue();
            call.dispose();
        }

        assertThat(unansweredClosed.await(WAIT.toSeconds(), TimeUnit.SECONDS))
                .as("both unanswered connections closed, seen from the server").isTrue();
        // the pool holds two connections: both are free again for the next call
        assertThat(post("/a", "{}", "after").bodyAsString(1024).block(WAIT)).isEqualTo("POST /a {} after");
    }

    @Test
    void anExchangeCancelledWhileItsRequestIsBeingSentLeavesNoConnectionInUse() {
        // the race of a timeout with the write: the caller cancels at the moment the request goes out
        AtomicReference<reactor.core.Disposable> call = new AtomicReference<>();
        ReactorNettyExchange racing = new ReactorNettyExchange(HttpClient.create(pool)
                .doOnRequest((r, c) -> call.get().dispose()));
        for (int i = 0; i < 2; i++) {
            McpHttpRequest req = McpHttpRequest.of("POST", base.resolve("/never"),
                    Headers.empty().with("Content-Type", "application/json"), "{}".getBytes(UTF_8), "tools/call");
            reactor.core.Disposable.Swap slot = reactor.core.Disposables.swap();
            call.set(slot);
            slot.update(racing.exchange(req).subscribe());
        }

        // the pool holds two connections: neither is left in use by an abandoned exchange
        assertThat(post("/a", "{}", "after").bodyAsString(1024).block(WAIT)).isEqualTo("POST /a {} after");
        assertThat(post("/a", "{}", "again").bodyAsString(1024).block(WAIT)).isEqualTo("POST /a {} again");
    }
}
