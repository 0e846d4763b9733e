package dev.reactivemcp.oauth.owners;

import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.transport.McpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes what an owners test opened, after each test: its clients (a failed close is ignored: the test has ended),
 * then its {@link McpOAuth} (shutdown awaited), then its server, even when a step before threw. Register it on an
 * instance field after the server it closes:
 *
 * <pre>{@code
 * private final LoginServer server = new LoginServer();
 * @RegisterExtension
 * final OwnersTeardown teardown = new OwnersTeardown(server);
 * ...
 * oauth = teardown.shutsDown(McpOAuth.builder()...build());
 * client = teardown.closes(McpClient.builder(server.mcp())...build());
 * }</pre>
 */
final class OwnersTeardown implements AfterEachCallback {

    private static final Duration WAIT = ServiceLoginTest.WAIT;

    private final AutoCloseable server;
    private final List<McpClient> clients = new ArrayList<>();
    private final List<McpOAuth> oauths = new ArrayList<>();

    OwnersTeardown(AutoCloseable server) {
        this.server = server;
    }

    /** {@code client}, closed after the test. */
    McpClient closes(McpClient client) {
        clients.add(client);
        return client;
    }

    /** {@code oauth}, shut down after the test (after the clients are closed). */
    McpOAuth shutsDown(McpOAuth oauth) {
        oauths.add(oauth);
        return oauth;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            clients.forEach(c -> c.close().onErrorComplete().block(WAIT));
            oauths.forEach(o -> o.shutdown().block(WAIT));
        } finally {
            clients.clear();
            oauths.clear();
            server.close();
        }
    }
}
