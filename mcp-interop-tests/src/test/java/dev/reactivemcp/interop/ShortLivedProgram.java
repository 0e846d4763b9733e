package dev.reactivemcp.interop;

import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.transport.CallToolResult;
import dev.reactivemcp.transport.McpClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import reactor.netty.http.client.HttpClient;

/**
 * The plainest program a user writes, run as its own JVM by {@link SessionSurvivesRestartsTest}: connect, one call,
 * close, return from {@code main} (no dispose, no {@code System.exit}). Its clock is set ahead of the authorization
 * server's so that the stored token looks {@code age} old when the program connects: inside the window where a
 * background refresh starts while the call goes on with the current token, so the program exits with that refresh
 * in flight.
 *
 * <p>Arguments: MCP endpoint, token file, token age in ms. Prints {@code ok}; an uncaught error exits 1.
 */
public final class ShortLivedProgram {

    private ShortLivedProgram() { }

    public static void main(String[] args) {
        URI endpoint = URI.create(args[0]);
        Path tokenFile = Path.of(args[1]);
        Duration age = Duration.ofMillis(Long.parseLong(args[2]));
        // Warm up (class loading takes seconds on a busy machine) before the clock is set.
        HttpClient.create().get().uri(endpoint.resolve("/.well-known/oauth-protected-resource/mcp"))
                .responseContent().aggregate().asString().block(Interop.CALL_TIMEOUT);
        StoredCredentials stored = Interop.stored(tokenFile, endpoint);
        AdjustableClock clock = AdjustableClock.seeing(stored, age);
        McpOAuth oauth = Interop.oauth(tokenFile, null, clock);
        McpClient client = Interop.client(endpoint, oauth);
        CallToolResult result = client.connect()
                .then(client.callTool("echo", Map.of("message", "restart")))
                .block(Interop.CALL_TIMEOUT);
        client.close().block(Interop.CALL_TIMEOUT);
        System.out.println(result != null && "echo: restart".equals(result.text()) ? "ok" : "unexpected " + result);
    }
}
