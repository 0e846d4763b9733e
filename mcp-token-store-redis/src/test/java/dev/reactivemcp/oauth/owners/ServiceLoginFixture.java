package dev.reactivemcp.oauth.owners;

import dev.reactivemcp.oauth.AuthorizationRequiredException;
import dev.reactivemcp.transport.CallToolResult;
import dev.reactivemcp.transport.McpClient;
import java.net.URI;
import reactor.core.publisher.Mono;

/**
 * mcp-oauth's service login test server and browser ({@link LoginServer}, {@link ServiceLoginTest}), opened to the
 * tests of this module (they are package-private there).
 */
public final class ServiceLoginFixture implements AutoCloseable {

    /** The client id the server knows. */
    public static final String CLIENT_ID = LoginServer.CLIENT_ID;
    /** The redirect URI registered for it. */
    public static final String REDIRECT_URI = LoginServer.REDIRECT_URI;

    private final LoginServer server = new LoginServer();

    /** The authorization server's issuer. */
    public String base() {
        return server.base();
    }

    /** The MCP endpoint. */
    public URI mcp() {
        return server.mcp();
    }

    /** How many token requests {@code user}'s grants made. */
    public int tokenRequests(String user) {
        return server.tokenRequests(user);
    }

    /** How many token requests were made in all. */
    public int totalTokenRequests() {
        return server.totalTokenRequests();
    }

    /** How many MCP requests reached the server with {@code user}'s token. */
    public int callsOf(String user) {
        return server.callsOf(user);
    }

    /** How many tool calls were made with another user's token. */
    public int crossings() {
        return server.crossings.get();
    }

    /** {@code tool} called as {@code owner}. */
    public static Mono<CallToolResult> call(McpClient client, String tool, String owner) {
        return ServiceLoginTest.call(client, tool, owner);
    }

    /** The call fails with the login URL of its owner (asserted). */
    public static AuthorizationRequiredException loginNeeded(McpClient client, String tool, String owner) {
        return ServiceLoginTest.loginNeeded(client, tool, owner);
    }

    /** The user's browser, logged in at the authorization server as {@code user}, follows {@code url} once. */
    public static URI browse(URI url, String user) {
        return ServiceLoginTest.browse(url, user);
    }

    @Override
    public void close() {
        server.close();
    }
}
