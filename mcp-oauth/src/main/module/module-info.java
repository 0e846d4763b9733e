/**
 * OAuth for MCP clients (MCP authorization, RFC 9728 resource metadata, RFC 8414 discovery, RFC 7591 registration,
 * RFC 7636 PKCE, RFC 6749 refresh): {@link dev.reactivemcp.oauth.McpOAuth} builds the token filter that an
 * {@code McpClient} runs every exchange through, and tells the auth state of a server.
 *
 * <pre>{@code
 * McpOAuth oauth = McpOAuth.builder().tokenStore(FileTokenStore.at(Path.of("tokens.json"))).build();
 * McpClient client = McpClient.builder(uri).filter(oauth.filterFor(uri)).build();
 * }</pre>
 */
module dev.reactivemcp.oauth {
    requires transitive dev.reactivemcp.transport;
    requires transitive dev.reactivemcp.errors;
    requires transitive reactor.core;
    requires transitive org.reactivestreams;
    requires transitive reactor.netty.http;
    requires reactor.netty.core;
    requires io.netty.codec.http;
    requires com.nimbusds.jose.jwt;

    exports dev.reactivemcp.oauth;
    exports dev.reactivemcp.oauth.spi;
}
