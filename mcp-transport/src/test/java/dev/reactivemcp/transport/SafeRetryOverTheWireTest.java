package dev.reactivemcp.transport;

import static dev.reactivemcp.transport.Clients.WAIT;
import static dev.reactivemcp.transport.RawHttpServer.result;
import static dev.reactivemcp.transport.RawHttpServer.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.reactivemcp.errors.Delivery;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.transport.internal.ReactorNettyExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.retry.Retry;

/**
 * Every transport failure says how far the request got, and the safe-retry predicate never sends twice what may have
 * run: a loopback server on plain sockets breaks connections at chosen points and counts what it read whole.
 */
class SafeRetryOverTheWireTest {

    private static final String TOOLS = "{\"tools\":["
            + "{\"name\":\"lookup\",\"inputSchema\":{},\"annotations\":{\"readOnlyHint\":true}},"
            + "{\"name\":\"upsert\",\"inputSchema\":{},\"annotations\":{\"readOnlyHint\":false,\"idempotentHint\":true}},"
            + "{\"name\":\"charge\",\"inputSchema\":{},\"annotations\":{\"readOnlyHint\":false,\"idempotentHint\":false}}]}";
    private static final String INIT = "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"tools\":{}},"
            + "\"serverInfo\":{\"name\":\"raw\",\"version\":\"1\"}}";

    private RawHttpServer server;
    private McpClient client;
    private ConnectionProvider pool;

    @AfterEach
    void cleanUp() throws IOException {
        Clients.close(client);
        if (server != null) {
            server.close();
        }
        if (pool != null) {
            pool.disposeLater().block(WAIT);
        }
    }

    /** initialize, tools/list as above; tools/call and the rest as each test's server decides. */
    private static RawHttpServer.Action mcp(RawHttpServer.Request r, java.util.function.Function<RawHttpServer.Request,
            RawHttpServer.Action> calls) {
        String method = r.rpcMethod();
        if ("initialize".equals(method)) {
            return result(r, INIT);
        }
        if (r.id() == null) {
            return status(202);
        }
        if ("tools/list".equals(method)) {
            return result(r, TOOLS);
        }
        return calls.apply(r);
    }

    private McpClient connect(java.util.function.Function<RawHttpServer.Request, RawHttpServer.Action> calls)
            throws IOException {
        server = new RawHttpServer(r -> mcp(r, calls));
        client = Clients.legacy(server.uri("/mcp")).build();
        client.connect().block(WAIT);
        return client;
    }

    private static McpFailure failureOf(Mono<?> call) {
        return McpFailures.classify(catchThrowable(() -> call.block(WAIT)));
    }

    @Test
    void aResetAfterTheServerReadAToolCallSaysSentNoAnswerAndIsTransientButNotSafe() throws IOException {
        connect(r -> new RawHttpServer.ResetAfterReading());

        McpFailure f = failureOf(client.callTool("charge", Map.of()));

        assertThat(f).isInstanceOf(McpFailure.ConnectionFailure.class);
        assertThat(f.delivery()).isEqualTo(Delivery.SENT_NO_ANSWER);
        assertThat(f.isRetryable()).as("transient").isTrue();
        assertThat(f.isSafeToRetry()).as("the server may have charged").isFalse();
        assertThat(server.received("tools/call:charge")).isEqualTo(1);
    }

    @Test
    void theReadmeRetryWithTheSafePredicateSendsANonIdempotentToolOnceAndAReadOnlyOneAgain() throws IOException {
        connect(r -> new RawHttpServer.ResetAfterReading());
        client.listTools(null).block(WAIT);

        for (String tool : new String[] {"charge", "lookup", "upsert"}) {
            catchThrowable(() -> client.callTool(tool, Map.of())
                    .retryWhen(Retry.backoff(2, Duration.ofMillis(10)).filter(McpFailures::isSafeToRetry))
                    .block(WAIT));
        }

        assertThat(server.received("tools/call:charge")).as("not idempotent: once").isEqualTo(1);
        assertThat(server.received("tools/call:lookup")).as("readOnlyHint: 1 + 2 retries").isEqualTo(3);
        assertThat(server.received("tools/call:upsert")).as("idempotentHint: 1 + 2 retries").isEqualTo(3);
    }

    @Test
    void aToolIsNotIdempotentBeforeTheClientHasSeenItsAnnotations() throws IOException {
        connect(r -> new RawHttpServer.ResetAfterReading());

        McpFailure before = failureOf(client.callTool("lookup", Map.of()));
        client.listTools(null).block(WAIT);
        McpFailure after = failureOf(client.callTool("lookup", Map.of()));

        assertThat(before.isSafeToRetry()).isFalse();
        assertThat(after.isSafeToRetry()).isTrue();
        assertThat(after.delivery()).isEqualTo(Delivery.SENT_NO_ANSWER);
    }

    @Test
    void methodsIdempotentByProtocolAreSafeAfterAResetOrA500() throws IOException {
        connect(r -> "resources/read".equals(r.rpcMethod()) ? status(500) : new RawHttpServer.ResetAfterReading());

        McpFailure read = failureOf(client.readResource("file:///a"));
        McpFailure prompt = failureOf(client.getPrompt("p", Map.of()));

        assertThat(read).isInstanceOf(McpFailure.ServerError.class);
        assertThat(read.isSafeToRetry()).isTrue();
        assertThat(prompt.delivery()).isEqualTo(Delivery.SENT_NO_ANSWER);
        assertThat(prompt.isSafeToRetry()).isTrue();
    }

    @Test
    void a500ForAToolCallIsTransientButNotSafeWhileA503WithRetryAfterIsSafeAndSaysHowLong() throws IOException {
        connect(r -> "busy".equals(r.toolName()) ? status(503, "Retry-After: 2") : status(500));

        McpFailure crashed = failureOf(client.callTool("charge", Map.of()));
        Throwable busy = catchThrowable(() -> client.callTool("busy", Map.of()).block(WAIT));

        assertThat(crashed.delivery()).isEqualTo(Delivery.ANSWERED);
        assertThat(crashed.isRetryable()).isTrue();
        assertThat(crashed.isSafeToRetry()).isFalse();
        assertThat(McpFailures.classify(busy).delivery()).isEqualTo(Delivery.ANSWERED);
        assertThat(McpFailures.isSafeToRetry(busy)).isTrue();
        assertThat(McpFailures.retryAfter(busy)).contains(Duration.ofSeconds(2));
    }

    @Test
    void aStreamThatBreaksBeforeTheResponseSaysSentNoAnswer() throws IOException {
        connect(r -> new RawHttpServer.SseThenReset("event: message\ndata: {\"jsonrpc\""));

        McpFailure f = failureOf(client.callTool("charge", Map.of()));

        assertThat(f).isInstanceOf(McpFailure.ConnectionFailure.class);
        assertThat(f.delivery()).isEqualTo(Delivery.SENT_NO_ANSWER);
        assertThat(f.isSafeToRetry()).isFalse();
    }

    @Test
    void theClientsRequestTimeoutKnowsWhetherTheRequestIsIdempotentButNotHowFarItGot() throws IOException {
        server = new RawHttpServer(r -> mcp(r, call -> new RawHttpServer.Silent()));
        client = Clients.legacy(server.uri("/mcp")).requestTimeout(Duration.ofMillis(300)).build();
        client.connect().block(WAIT);

        McpFailure read = failureOf(client.readResource("file:///a"));
        McpFailure charge = failureOf(client.callTool("charge", Map.of()));

        assertThat(read).isInstanceOf(McpFailure.Timeout.class);
        assertThat(read.delivery()).isEqualTo(Delivery.UNKNOWN);
        assertThat(read.isSafeToRetry()).isTrue();
        assertThat(charge).isInstanceOf(McpFailure.Timeout.class);
        assertThat(charge.isRetryable()).isTrue();
        assertThat(charge.isSafeToRetry()).isFalse();
    }

    // ---- one exchange: how far the request got

    private ReactorNettyExchange exchange(ConnectionProvider provider) {
        pool = provider;
        return new ReactorNettyExchange(HttpClient.create(provider));
    }

    private static McpHttpRequest post(URI uri, String json) {
        return McpHttpRequest.of("POST", uri, Headers.empty().with("Content-Type", "application/json"),
                json.getBytes(StandardCharsets.UTF_8), "tools/call");
    }

    private static String call(String tool) {
        return "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\"}}";
    }

    @Test
    void aRefusedConnectionIsNotSentAndSafe() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        ReactorNettyExchange ex = exchange(ConnectionProvider.create("refused", 1));

        McpFailure f = failureOf(ex.exchange(post(URI.create("http://127.0.0.1:" + port + "/mcp"), call("charge"))));

        assertThat(f).isEqualTo(new McpFailure.ConnectionFailure(McpFailure.ConnectionFailure.Kind.REFUSED,
                ((McpFailure.ConnectionFailure) f).detail(), Delivery.NOT_SENT, false));
        assertThat(f.isSafeToRetry()).isTrue();
        // Plain words a person can read, naming the request; no Netty exception class.
        assertThat(f.describe()).startsWith("connection refused (nothing is listening): POST http://127.0.0.1:" + port
                + "/mcp").doesNotContain("Exception");
    }

    @Test
    void aRequestThatNeverGotAPooledConnectionIsNotSent() throws IOException {
        server = new RawHttpServer(r -> new RawHttpServer.Silent());
        ReactorNettyExchange ex = exchange(ConnectionProvider.builder("one").maxConnections(1)
                .pendingAcquireTimeout(Duration.ofMillis(300)).build());
        ex.exchange(post(server.uri("/mcp"), call("first"))).subscribe(r -> { }, e -> { }); // holds the connection

        McpFailure f = failureOf(ex.exchange(post(server.uri("/mcp"), call("second"))));

        assertThat(f.delivery()).isEqualTo(Delivery.NOT_SENT);
        assertThat(f.isSafeToRetry()).isTrue();
        assertThat(server.received("tools/call:second")).isZero();
        assertThat(server.received("tools/call:first")).isEqualTo(1);
    }

    @Test
    void aResetAfterPartOfTheRequestIsSentNoAnswer() throws IOException {
        server = new RawHttpServer(head -> new RawHttpServer.ResetAfterBytes(10), r -> status(200));
        ReactorNettyExchange ex = exchange(ConnectionProvider.create("partial", 1));

        McpFailure f = failureOf(ex.exchange(post(server.uri("/mcp"), call("charge"))));

        assertThat(f).isInstanceOf(McpFailure.ConnectionFailure.class);
        assertThat(f.delivery()).isEqualTo(Delivery.SENT_NO_ANSWER);
        assertThat(f.isSafeToRetry()).isFalse();
    }

    @Test
    void aResetAfterTheWholeRequestIsSentNoAnswer() throws IOException {
        server = new RawHttpServer(r -> new RawHttpServer.ResetAfterReading());
        ReactorNettyExchange ex = exchange(ConnectionProvider.create("whole", 1));

        McpFailure f = failureOf(ex.exchange(post(server.uri("/mcp"), call("charge"))));

        assertThat(f.delivery()).isEqualTo(Delivery.SENT_NO_ANSWER);
        assertThat(server.received("tools/call:charge")).isEqualTo(1);
    }

    @Test
    void aFailedTlsHandshakeIsNotSent() throws Exception {
        try (ServerSocket plain = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = plain.accept(); OutputStream out = s.getOutputStream()) {
                    out.write("HTTP/1.1 400 Not TLS\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    s.getInputStream().read(new byte[4096]);
                } catch (IOException ignored) {
                    // the client gave up
                }
            }, "plain-not-tls");
            t.setDaemon(true);
            t.start();
            pool = ConnectionProvider.create("tls", 1);
            ReactorNettyExchange ex = new ReactorNettyExchange(HttpClient.create(pool).secure());

            McpFailure f = failureOf(ex.exchange(post(URI.create("https://127.0.0.1:" + plain.getLocalPort() + "/mcp"),
                    call("charge"))));

            assertThat(f).isInstanceOf(McpFailure.ConnectionFailure.class);
            assertThat(f.delivery()).isEqualTo(Delivery.NOT_SENT);
        }
    }
}
