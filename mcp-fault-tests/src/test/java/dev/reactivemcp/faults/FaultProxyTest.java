package dev.reactivemcp.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy itself, against a plain JDK HTTP server: what it forwards, counts and injects. */
class FaultProxyTest {

    private HttpServer upstream;
    private FaultProxy proxy;
    private final AtomicInteger served = new AtomicInteger();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeEach
    void start() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.createContext("/mcp", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            served.incrementAndGet();
            // an unknown session, as server-everything answers it after a restart: refused, not run
            boolean refuse = new String(body, StandardCharsets.UTF_8).contains("stale-session");
            exchange.sendResponseHeaders(refuse ? 400 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.start();
        proxy = FaultProxy.start(upstream.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        proxy.close();
        upstream.stop(0);
    }

    @Test
    void forwardsRequestsAndCountsEachMarkerThatReachedTheServer() throws Exception {
        assertThat(post("{\"message\":\"fx7-1\"}").body()).isEqualTo("{\"message\":\"fx7-1\"}");
        post("{\"message\":\"fx7-1\"}");
        post("{\"message\":\"fx7-2\"}");

        assertThat(proxy.forwarded("fx7-1")).isEqualTo(2);
        assertThat(proxy.forwarded("fx7-2")).isEqualTo(1);
        assertThat(proxy.forwardedMoreThanOnce("fx7-")).isEqualTo(1);
        assertThat(served).hasValue(3);
    }

    @Test
    void aRequestTheServerRefusedIsNotCountedAsRun() throws Exception {
        assertThat(post("{\"message\":\"fx7-3\",\"s\":\"stale-session\"}").statusCode()).isEqualTo(400);
        assertThat(post("{\"message\":\"fx7-3\"}").statusCode()).isEqualTo(200);
        assertThat(post("{\"message\":\"fx7-4\"}").statusCode()).isEqualTo(200);
        assertThat(post("{\"message\":\"fx7-4\"}").statusCode()).isEqualTo(200);

        assertThat(proxy.forwarded("fx7-3")).isEqualTo(2);
        assertThat(proxy.refused("fx7-3")).isEqualTo(1);
        assertThat(proxy.refused("fx7-4")).isZero();
        assertThat(proxy.executedMoreThanOnce("fx7-")).isEqualTo(1); // fx7-4 ran twice, fx7-3 once
    }

    @Test
    void countsCallsSentWithoutASessionIdButNotTheHandshake() throws Exception {
        post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}");
        post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"server/discover\"}");
        http.send(HttpRequest.newBuilder(URI.create(proxy.mcpUri().toString())).header("Mcp-Session-Id", "s1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"method\":\"tools/call\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(proxy.forwardedWithoutSession()).isZero();

        post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\"}");

        assertThat(proxy.forwardedWithoutSession()).isEqualTo(1);
    }

    @Test
    void readsChunkedRequestBodiesWhole() throws Exception {
        HttpURLConnection connection = (HttpURLConnection) proxy.mcpUri().toURL().openConnection();
        connection.setDoOutput(true);
        connection.setRequestMethod("POST");
        connection.setChunkedStreamingMode(4);
        try (OutputStream out = connection.getOutputStream()) {
            out.write("{\"message\":\"fx8-1\"}".getBytes(StandardCharsets.UTF_8));
        }
        try (InputStream in = connection.getInputStream()) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"message\":\"fx8-1\"}");
        }
        assertThat(connection.getResponseCode()).isEqualTo(200);
        // chunks of 4 bytes split the marker: it is still counted, once
        assertThat(proxy.forwarded("fx8-1")).isEqualTo(1);
    }

    @Test
    void answers503WithOrWithoutRetryAfterAndNeverForwards() throws Exception {
        proxy.serviceUnavailable(true, "1");
        HttpResponse<String> with = post("{\"message\":\"fx9-1\"}");
        proxy.serviceUnavailable(true, null);
        HttpResponse<String> without = post("{\"message\":\"fx9-2\"}");
        proxy.serviceUnavailable(false, null);

        assertThat(with.statusCode()).isEqualTo(503);
        assertThat(with.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(without.statusCode()).isEqualTo(503);
        assertThat(without.headers().firstValue("Retry-After")).isEmpty();
        assertThat(served).hasValue(0);
        assertThat(proxy.forwarded("fx9-1") + proxy.forwarded("fx9-2")).isZero();
        assertThat(post("{}").statusCode()).isEqualTo(200);
    }

    @Test
    void aBlackHoleAcceptsAndNeverAnswersAndHoldsTheConnectionUntilTheClientCloses() throws Exception {
        proxy.blackHole(true);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.mcpUri().getPort())) {
            socket.setSoTimeout(300);
            socket.getOutputStream().write(request("{}"));
            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            assertThat(proxy.openUnanswerable()).isEqualTo(1);
        }
        awaitOpen(0);
        assertThat(served).hasValue(0);
    }

    @Test
    void resetsAfterAtMostTheByteBudget() throws Exception {
        proxy.resetAfterBytes(10);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.mcpUri().getPort())) {
            socket.getOutputStream().write(request("{\"padding\":\"" + "x".repeat(200) + "\"}"));
            InputStream in = socket.getInputStream();
            int received = 0;
            try {
                while (in.read() >= 0) {
                    received++;
                }
            } catch (IOException reset) {
                // connection reset: expected
            }
            assertThat(received).isBetween(0, 10);
        }
        assertThat(proxy.injectedFaults()).isEqualTo(1);
    }

    @Test
    void goesAwayAndComesBackOnTheSamePort() throws Exception {
        int port = proxy.mcpUri().getPort();
        proxy.down();
        // Refused as a rule. The port is in the ephemeral range and other test lanes bind loopback ports in parallel:
        // a connect can rarely self-connect or meet another process's socket bound to it meanwhile. What must hold is
        // that nothing reaches the upstream while the proxy is down.
        try {
            post("{}");
        } catch (IOException refused) {
            // the usual case
        }
        assertThat(served).hasValue(0);
        proxy.up();
        assertThat(proxy.mcpUri().getPort()).isEqualTo(port);
        assertThat(post("{}").statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(proxy.mcpUri().toString()))
                .timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] request(String body) {
        return ("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    }

    private void awaitOpen(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (proxy.openConnections() != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(proxy.openConnections()).isEqualTo(expected);
    }
}
