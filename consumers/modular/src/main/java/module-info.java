/** A service on the module path that uses the MCP client with OAuth: it declares only what its code needs. */
module dev.reactivemcp.consumers.modular {
    requires dev.reactivemcp.oauth; // and, through it, dev.reactivemcp.transport, dev.reactivemcp.errors, Reactor
    requires dev.reactivemcp.tokenstore.redis; // Lettuce: the automatic module lettuce.core
    requires dev.reactivemcp.observation; // micrometer.observation, transitively
    requires dev.reactivemcp.spring.webflux;
    requires spring.webflux; // the application's Spring (automatic modules)
    requires spring.web;
    // What the smoke test's in-process HTTPS server uses directly.
    requires io.netty.handler;
    requires io.netty.common;
    requires io.netty.codec.http;

    exports dev.reactivemcp.consumers.modular;
    // Tool results converted into this package's records by the transport's (internal) JSON implementation.
    opens dev.reactivemcp.consumers.modular to dev.reactivemcp.transport;
}
