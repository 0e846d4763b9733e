package dev.reactivemcp.demo;

import dev.reactivemcp.demo.server.DemoAuthorizationServer;
import dev.reactivemcp.demo.server.DemoMcpServer;
import java.io.IOException;
import java.io.InputStream;

/**
 * {@code scripts/demo.sh --servers}: only the demo's embedded servers (the authorization server and the MCP server
 * that requires its tokens), until Ctrl-C or the end of standard input, to point another client at them, for
 * example {@code scripts/demo.sh <the printed URL>} in a second terminal (its browser login is approved at once:
 * the demo user is signed in).
 */
public final class DemoServers {

    private DemoServers() { }

    /** Starts both servers and prints the MCP endpoint. */
    public static void main(String[] args) throws IOException {
        try (Console out = Console.system();
             DemoAuthorizationServer as = DemoAuthorizationServer.start(out::line);
             DemoMcpServer mcp = DemoMcpServer.start(as, out::line)) {
            out.line("authorization server: " + as.issuer());
            out.line("MCP server:           " + mcp.endpoint());
            out.line("try, in another terminal: scripts/demo.sh " + mcp.endpoint());
            out.line("Ctrl-C (or end of input) stops both");
            InputStream in = System.in;
            byte[] buffer = new byte[256];
            while (in.read(buffer) >= 0) {
                // nothing to read; the end of input ends the servers
            }
        }
    }
}
