package dev.reactivemcp.demo;

import dev.reactivemcp.errors.StartupFailureReason;
import dev.reactivemcp.oauth.AuthState;
import dev.reactivemcp.oauth.AuthorizationCodeSource;
import dev.reactivemcp.oauth.FileTokenStore;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.transport.InitializeResult;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.ProtocolNegotiation;
import dev.reactivemcp.transport.Tool;
import java.awt.Desktop;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code scripts/demo.sh URL}: the client part of the journey against any MCP server. Discovery, then
 * {@code connect()}: a server that wants OAuth gets a browser login, with the authorization URL printed (and opened
 * where there is a desktop) and the redirect received on a loopback listener; tokens go to
 * {@code ~/.cache/reactivemcp/demo-tokens.json}, so a second run reuses them. Then tools, and a restart that
 * reuses the stored tokens without logging in.
 */
final class ExternalServer {

    private static final Duration LOGIN_TIMEOUT = Duration.ofMinutes(5);

    private ExternalServer() { }

    static int run(Console out, URI uri) {
        Path tokens = Path.of(System.getProperty("user.home"), ".cache", "reactivemcp", "demo-tokens.json");
        tokens.getParent().toFile().mkdirs();
        out.plain("reactive-mcp demo against " + uri + " (tokens: " + tokens + "; delete it to log in again)");
        McpOAuth oauth = McpOAuth.builder()
                .tokenStore(FileTokenStore.at(tokens))
                .codeSource(OAuthDemo.narrated(AuthorizationCodeSource.loopback(url -> showOrOpen(out, url))
                        .withTimeout(LOGIN_TIMEOUT), out))
                .clientName("reactive-mcp demo")
                .build();
        McpClient client = OAuthDemo.client(uri, oauth, ProtocolNegotiation.auto());
        try {
            out.step("1. Discovery");
            AuthState state = oauth.authState(uri).block(OAuthDemo.CALL_TIMEOUT);
            out.line("client: oauth.authState(uri) = " + state + describe(state));

            out.step("2. connect()" + (state instanceof AuthState.LoggedOut ? ": log in in the browser; waiting up to "
                    + LOGIN_TIMEOUT.toMinutes() + " minutes for the redirect" : ""));
            InitializeResult init = client.connect().block(LOGIN_TIMEOUT.plus(OAuthDemo.CALL_TIMEOUT));
            out.line("client: connected to " + OAuthDemo.serverName(init) + ", protocol " + init.protocolVersion()
                    + " (" + init.era() + " era)");

            out.step("3. Tools");
            List<Tool> tools = client.tools().collectList().block(OAuthDemo.CALL_TIMEOUT);
            out.line(tools.size() + " tools: " + tools.stream().map(Tool::name).toList());
            client.close().block(OAuthDemo.CALL_TIMEOUT);
            oauth.shutdown(Duration.ofSeconds(10)).block();

            if (!(state instanceof AuthState.NotRequired)) {
                out.step("4. Restart over the same token file, with no way to log in");
                McpOAuth restarted = McpOAuth.builder().tokenStore(FileTokenStore.at(tokens))
                        .clientName("reactive-mcp demo").build();
                McpClient again = OAuthDemo.client(uri, restarted, ProtocolNegotiation.auto());
                InitializeResult second = again.connect().block(OAuthDemo.CALL_TIMEOUT);
                out.line("client: connected again (" + second.protocolVersion() + ") with the stored tokens: no login");
                again.close().block(OAuthDemo.CALL_TIMEOUT);
                restarted.shutdown(Duration.ofSeconds(10)).block();
            }
            out.plain("done.");
            return 0;
        } catch (RuntimeException e) {
            StartupFailureReason reason = oauth.startupFailureReason(uri, e).onErrorResume(x -> Mono.empty())
                    .blockOptional(OAuthDemo.CALL_TIMEOUT).orElse(StartupFailureReason.UNKNOWN);
            out.line("FAILED (" + reason + "): " + PlainWords.forUser(reason, uri.toString(), uri, e));
            client.close().onErrorResume(x -> Mono.empty()).block(OAuthDemo.CALL_TIMEOUT);
            oauth.dispose();
            return 1;
        }
    }

    private static String describe(AuthState state) {
        if (state instanceof AuthState.NotRequired) {
            return ": this server needs no login";
        }
        if (state instanceof AuthState.LoggedOut) {
            return ": a login is needed";
        }
        return ": usable tokens are stored";
    }

    /** Prints the URL and opens a browser where there is a desktop (off the event loop: opening may block). */
    private static void showOrOpen(Console out, URI url) {
        out.line("open this URL in a browser to log in:");
        out.plain("    " + url);
        Schedulers.boundedElastic().schedule(() -> {
            try {
                if (Desktop.isDesktopSupported() && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
                    Desktop.getDesktop().browse(url);
                    out.line("(opened in your browser)");
                }
            } catch (Exception | LinkageError e) {
                out.line("(could not open a browser: copy the URL above)");
            }
        });
    }
}
