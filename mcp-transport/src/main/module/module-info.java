/**
 * The MCP client over streamable HTTP (MCP 2025-03-26 to 2025-11-25 and 2026-07-28): {@link
 * dev.reactivemcp.transport.McpClient}, its request and response types, the
 * {@link dev.reactivemcp.transport.ExchangeFilterFunction} chain, and in {@code dev.reactivemcp.transport.spi} the
 * building blocks a layered module (such as {@code dev.reactivemcp.oauth}) uses.
 *
 * <pre>{@code
 * McpClient client = McpClient.builder(URI.create("https://mcp.example.com/mcp")).build();
 * client.connect().then(client.callTool("echo", Map.of("text", "hi")));
 * }</pre>
 *
 * <p>The JSON implementation is carried inside this module and is not exported. To convert results into your own
 * records ({@code as(Class)}, {@code JsonCodec.convert}) on the module path, open their package to this module:
 * {@code opens com.example.tools to dev.reactivemcp.transport;}.
 */
module dev.reactivemcp.transport {
    requires transitive dev.reactivemcp.errors;
    requires transitive reactor.core;
    requires transitive org.reactivestreams;
    requires transitive reactor.netty.http;
    requires reactor.netty.core;
    requires io.netty.buffer;
    requires io.netty.codec.http;
    requires io.netty.handler;
    // A response's event loop (Connection#channel().eventLoop()): Netty's modules do not pass io.netty.transport on,
    // and without reading it that call fails with an IllegalAccessError, a LinkageError Reactor treats as fatal (the
    // call then never completes: the modular consumer's HTTPS smoke test hung on it).
    requires io.netty.transport;
    // The shaded JSON implementation (inside this jar, not exported) reads XML types and optional java.sql/desktop ones.
    requires java.xml;
    requires static java.sql;
    requires static java.desktop;

    exports dev.reactivemcp.transport;
    exports dev.reactivemcp.transport.spi;

    uses java.nio.file.spi.FileSystemProvider;
}
