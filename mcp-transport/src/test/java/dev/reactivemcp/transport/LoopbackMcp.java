package dev.reactivemcp.transport;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import reactor.test.StepVerifier;

/**
 * The set-up most transport tests share, as a JUnit extension: a scripted MCP endpoint on a loopback port
 * ({@link MockMcpServer}), the clients a test builds against it, and their disposal after each test (clients
 * closed first, waiting for each close, then the server stopped). StepVerifier waits are bounded by
 * {@link Clients#WAIT}.
 *
 * <pre>{@code
 * @RegisterExtension final LoopbackMcp mcp = new LoopbackMcp();
 * private final MockMcpServer server = mcp.server();
 *
 * @Test void connects() {
 *     server.legacy("2025-11-25", null);
 *     McpClient client = mcp.client(Clients.legacy(server.uri()));
 * }
 * }</pre>
 */
final class LoopbackMcp implements BeforeEachCallback, AfterEachCallback {

    private final MockMcpServer server = new MockMcpServer();
    private final List<McpClient> clients = new ArrayList<>();

    /** The endpoint, started on port 0 when the extension is created. */
    MockMcpServer server() {
        return server;
    }

    /** Builds {@code builder}'s client, to be closed after the test. */
    McpClient client(McpClient.Builder builder) {
        return track(builder.build());
    }

    /** {@code client}, to be closed after the test (a test may also close it itself: close is idempotent). */
    synchronized McpClient track(McpClient client) {
        clients.add(client);
        return client;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        StepVerifier.setDefaultTimeout(Clients.WAIT);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            List<McpClient> toClose;
            synchronized (this) {
                toClose = new ArrayList<>(clients);
                clients.clear();
            }
            RuntimeException first = null;
            for (McpClient client : toClose) {
                try {
                    Clients.close(client);
                } catch (RuntimeException e) {
                    first = first == null ? e : first;
                }
            }
            if (first != null) {
                throw first;
            }
        } finally {
            server.close();
        }
    }
}
