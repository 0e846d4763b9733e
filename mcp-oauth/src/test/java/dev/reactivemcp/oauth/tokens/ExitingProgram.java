package dev.reactivemcp.oauth.tokens;

import dev.reactivemcp.oauth.FileTokenStore;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.ProtocolNegotiation;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * The user program of the issue, run in a child JVM by {@link ChildJvmExitTest}: connect, one call, close, exit.
 * Its clock stands {@code sinceIssueMillis} after the stored token's issue, inside the refresh window. Mode
 * {@code dispose} calls {@code McpOAuth.dispose()} before returning from main; mode {@code exit} just returns
 * (the JVM then exits with the refresh the connect started still in flight).
 *
 * <p>Arguments: token file, MCP endpoint URL, sinceIssueMillis, mode.
 */
public final class ExitingProgram {

    private ExitingProgram() { }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        URI endpoint = URI.create(args[1]);
        Duration sinceIssue = Duration.ofMillis(Long.parseLong(args[2]));
        boolean dispose = "dispose".equals(args[3]);

        StoredCredentials stored = FileTokenStore.at(file).findByEndpoint(endpoint.toString()).blockFirst();
        // Stopped inside the window: JVM warm-up on a busy machine must not carry the run past the stale instant.
        Clock clock = Clock.fixed(stored.updatedAt().plus(sinceIssue), ZoneOffset.UTC);

        McpOAuth oauth = McpOAuth.builder().tokenStore(FileTokenStore.at(file)).clock(clock).build();
        McpClient client = McpClient.builder(endpoint).negotiation(ProtocolNegotiation.legacyOnly())
                .listeningStream(false).filter(oauth.filterFor(endpoint)).build();
        client.connect().block(Duration.ofSeconds(20));
        client.callTool("echo", Map.of()).block(Duration.ofSeconds(20));
        client.close().block(Duration.ofSeconds(20));
        if (dispose) {
            oauth.dispose();
        }
        String onDiskNow = FileTokenStore.at(file).findByEndpoint(endpoint.toString()).blockFirst()
                .tokens().refreshToken();
        System.out.println("refresh in flight at return: " + onDiskNow.equals(stored.tokens().refreshToken()));
    }
}
