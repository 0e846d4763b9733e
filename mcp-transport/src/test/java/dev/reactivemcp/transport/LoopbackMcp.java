package dev.reactivemcp.transport;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

/**
 * The set-up and clean-up the transport tests share, as a JUnit extension: a loopback MCP server (a scripted
 * {@link MockMcpServer}, or any server handed to {@link #closeAfter}), the clients a test builds against it, and
 * their disposal after each test: every client closed (waiting for each close, a failed close fails the test), then
 * the servers and other resources closed, last registered first. StepVerifier waits are bounded by
 * {@link Clients#WAIT}.
 *
 * <pre>{@code
 * @RegisterExtension final LoopbackMcp mcp = new LoopbackMcp();
 * private final MockMcpServer server = mcp.server();
 *
 * @Test void connects() {
 *     server.legacy("2025-11-25", null);
 *     McpClient client = mcp.client(Clients.legacy(server.uri()));
 *     ...
 * }
 * }</pre>
 */
final class LoopbackMcp implements BeforeEachCallback, AfterEachCallback {

    private final List<McpClient> clients = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private MockMcpServer server;

    /** The scripted endpoint, started on a free loopback port on first use. */
    synchronized MockMcpServer server() {
        if (server == null) {
            server = closeAfter(new MockMcpServer());
        }
        return server;
    }

    /** Builds {@code builder}'s client, closed after the test (a test may close it itself: close is idempotent). */
    synchronized McpClient client(McpClient.Builder builder) {
        McpClient client = builder.build();
        clients.add(client);
        return client;
    }

    /** {@code resource} (a server, typically), closed after the test once the clients are closed. */
    synchronized <T extends AutoCloseable> T closeAfter(T resource) {
        resources.add(resource);
        return resource;
    }

    /** {@code resource} (a virtual-time scheduler, typically), disposed after the test once the clients are closed. */
    <T extends Disposable> T disposeAfter(T resource) {
        closeAfter(resource::dispose);
        return resource;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        StepVerifier.setDefaultTimeout(Clients.WAIT);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        List<AutoCloseable> toClose = new ArrayList<>();
        synchronized (this) {
            clients.forEach(c -> toClose.add(() -> Clients.close(c)));
            for (int i = resources.size() - 1; i >= 0; i--) {
                toClose.add(resources.get(i));
            }
            clients.clear();
            resources.clear();
        }
        Exception first = null;
        for (AutoCloseable c : toClose) {
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
