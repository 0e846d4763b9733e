package dev.reactivemcp.transport;

import static dev.reactivemcp.transport.Clients.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

/**
 * MCP endpoints do not redirect POSTs: the transport never follows a redirect, whatever the application's client is
 * configured to do (a followed 307 would replay the request, with its Authorization header, to another place).
 */
class RedirectsNotFollowedTest {

    private final AtomicInteger atTarget = new AtomicInteger();
    private final DisposableServer server = HttpServer.create().host("127.0.0.1").port(0)
            .route(r -> r
                    .post("/mcp", (req, res) -> res.status(307).header("Location", "/elsewhere").send())
                    .post("/elsewhere", (req, res) -> {
                        atTarget.incrementAndGet();
                        return res.status(404).send();
                    }))
            .bindNow();

    @AfterEach
    void stop() {
        server.disposeNow();
    }

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.port() + "/mcp");
    }

    @Test
    void aClientThatFollowsRedirectsIsNotFollowedHere() {
        McpClient client = Clients.legacy(endpoint()).httpClient(HttpClient.create().followRedirect(true)).build();
        try {
            assertThatThrownBy(() -> client.connect().block(WAIT)).isInstanceOf(RuntimeException.class);
            assertThat(atTarget.get()).isZero();
        } finally {
            client.close().block(WAIT);
        }
    }

    @Test
    void theDefaultClientDoesNotFollowThemEither() {
        McpClient client = Clients.legacy(endpoint()).build();
        try {
            assertThatThrownBy(() -> client.connect().block(WAIT)).isInstanceOf(RuntimeException.class);
            assertThat(atTarget.get()).isZero();
        } finally {
            client.close().block(WAIT);
        }
    }
}
