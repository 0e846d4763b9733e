package dev.reactivemcp.demo;

import dev.reactivemcp.demo.server.DemoAuthorizationServer;
import dev.reactivemcp.demo.server.DemoMcpServer;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.errors.StartupFailureReason;
import dev.reactivemcp.oauth.AuthState;
import dev.reactivemcp.oauth.AuthorizationCodeSource;
import dev.reactivemcp.oauth.FileTokenStore;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.transport.CallToolResult;
import dev.reactivemcp.transport.InitializeResult;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.ProtocolNegotiation;
import dev.reactivemcp.transport.Tool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;

/**
 * The README's demo ({@code scripts/demo.sh}): the whole OAuth journey of an MCP client, on embedded servers.
 * Starts on loopback a Spring Authorization Server and an MCP server that requires its tokens (both protocol eras),
 * then, with the SDK's public API only: discovery, dynamic registration, a login approved headlessly,
 * {@code connect()} with the era negotiated, tools with progress, a proactive refresh while calls go on, a restart
 * that reuses the stored tokens, the grant revoked and the next start failing with
 * {@code REAUTHENTICATION_REQUIRED}, and a closed port in plain words.
 *
 * <p>{@code OAuthDemo <url>} runs the client part against any MCP server instead: a browser login through a
 * loopback redirect (the URL is printed, and opened where there is a desktop).
 */
public final class OAuthDemo {

    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CALL_PERIOD = Duration.ofMillis(250);
    /** Near expiry, calls go out this often, so that some certainly run while the refresh is in flight. */
    private static final Duration FAST_CALL_PERIOD = Duration.ofMillis(40);
    private static final Duration FAST_BEFORE_EXPIRY = Duration.ofSeconds(5);
    private static final String SERVER_NAME = "Demo MCP server";

    private OAuthDemo() { }

    /** {@code OAuthDemo} (embedded servers) or {@code OAuthDemo <mcp endpoint url>}. */
    public static void main(String[] args) throws IOException {
        int status;
        try (Console out = Console.system()) {
            status = args.length > 0 ? ExternalServer.run(out, URI.create(args[0])) : embedded(out);
        }
        System.exit(status);
    }

    private static int embedded(Console out) throws IOException {
        out.plain("reactive-mcp demo: an MCP client's OAuth journey, on embedded servers (loopback only, nothing to"
                + " configure)");
        Path dir = Files.createTempDirectory("reactive-mcp-demo");
        out.line("starting Spring Authorization Server 7 in this JVM (access tokens of "
                + DemoAuthorizationServer.ACCESS_TOKEN_LIFETIME.toSeconds()
                + " s, rotating refresh tokens, dynamic registration, PKCE) ...");
        try (DemoAuthorizationServer as = DemoAuthorizationServer.start(out::line)) {
            out.line("authorization server ready at " + as.issuer());
            try (DemoMcpServer mcp = DemoMcpServer.start(as, out::line)) {
                out.line("MCP server ready at " + mcp.endpoint() + " (tokens required; protocol 2026-07-28 and"
                        + " 2025-11-25)");
                Outcome outcome = journey(out, as, mcp, dir.resolve("tokens.json"));
                summary(out, as, mcp, outcome);
                return outcome.reasonAfterRevocation() == StartupFailureReason.REAUTHENTICATION_REQUIRED ? 0 : 1;
            }
        } catch (RuntimeException e) {
            out.line("FAILED: " + McpFailures.classify(e).describe());
            return 1;
        } finally {
            deleteQuietly(dir.resolve("tokens.json"));
            deleteQuietly(dir);
        }
    }

    /** What the journey saw from the client's side. */
    record Outcome(InitializeResult first, InitializeResult legacy, Instant firstExpiry, int calls,
                   Duration slowestCall, int callsDuringRefresh, Duration slowestDuringRefresh,
                   long oldTokenDuringRefresh,
                   boolean refreshTokenRotated, InitializeResult afterRestart, StartupFailureReason reasonAfterRevocation,
                   AuthState stateAfterRevocation, String userMessage, StartupFailureReason closedPortReason,
                   String closedPortWords) { }

    /** The journey, against running servers; {@code tokenFile} must not exist yet. */
    static Outcome journey(Console out, DemoAuthorizationServer as, DemoMcpServer mcp, Path tokenFile) {
        URI uri = mcp.endpoint();

        out.step("1. Discovery: what does " + uri + " need?");
        McpOAuth oauth = McpOAuth.builder()
                .tokenStore(FileTokenStore.at(tokenFile))
                .codeSource(narrated(AuthorizationCodeSource.headless("http://127.0.0.1:8976/callback", CALL_TIMEOUT),
                        out))
                .clientName("reactive-mcp demo")
                .build();
        AuthState discovered = oauth.authState(uri).block(CALL_TIMEOUT);
        out.line("client: oauth.authState(uri) = " + discovered + ": OAuth is required and nothing is stored yet");

        out.step("2. connect(): the first 401 starts registration and login; then the era is negotiated");
        McpClient client = client(uri, oauth, ProtocolNegotiation.auto());
        InitializeResult first = client.connect().block(CALL_TIMEOUT);
        out.line("client: connected to " + serverName(first) + ", protocol " + first.protocolVersion() + " ("
                + first.era() + " era: the server offered it, so no initialize handshake)");
        StoredCredentials stored = stored(oauth, uri);
        Instant firstExpiry = stored.tokens().expiresAt();
        out.line("client: tokens saved to " + tokenFile + " (mode 0600); the access token expires at "
                + String.format("%.1f s", out.secondsAt(firstExpiry)) + ", and there is a refresh token");
        McpClient legacy = client(uri, oauth, ProtocolNegotiation.legacyOnly());
        InitializeResult legacyInit = legacy.connect().block(CALL_TIMEOUT);
        out.line("client: a second client pinned to the older era: protocol " + legacyInit.protocolVersion() + " ("
                + legacyInit.era() + " era, initialize + Mcp-Session-Id), same tokens, no second login");
        legacy.close().block(CALL_TIMEOUT);

        out.step("3. Tools, with progress");
        List<Tool> tools = client.tools().collectList().block(CALL_TIMEOUT);
        for (Tool tool : Objects.requireNonNull(tools)) {
            out.line("tool " + tool.name() + ": " + tool.description());
        }
        CallToolResult echo = client.callTool("echo", Map.of("message", "hello from reactive-mcp"))
                .block(CALL_TIMEOUT);
        out.line("echo -> " + echo.text() + (echo.isError() ? " (isError: the tool failed)" : ""));
        CallToolResult count = client.callTool("count", Map.of("n", 4), progress -> out.line("  progress "
                        + (long) progress.progress() + "/" + (progress.total() == null ? "?" : progress.total().longValue())
                        + (progress.message() == null ? "" : ": " + progress.message())))
                .block(CALL_TIMEOUT);
        out.line("count -> " + count.text());

        out.step("4. Proactive refresh: calls go on while the token is renewed before it expires");
        out.line(String.format("client: calling echo every %d ms (every %d ms in the last %d s) until the token that"
                        + " expires at %.1f s has been replaced", CALL_PERIOD.toMillis(), FAST_CALL_PERIOD.toMillis(),
                FAST_BEFORE_EXPIRY.toSeconds(), out.secondsAt(firstExpiry)));
        List<Instant[]> calls = new ArrayList<>();
        Instant deadline = firstExpiry.plusSeconds(5);
        boolean refreshed = false;
        while (Instant.now().isBefore(deadline)) {
            Instant start = Instant.now();
            CallToolResult r = client.callTool("echo", Map.of("message", "call " + calls.size())).block(CALL_TIMEOUT);
            Instant end = Instant.now();
            calls.add(new Instant[] {start, end});
            if (r == null || r.isError()) {
                throw new IllegalStateException("echo failed: " + (r == null ? "no result" : r.text()));
            }
            if (!refreshed && as.refreshes() > 0) { // the first refresh (on a very slow machine it may come earlier)
                refreshed = true;
                deadline = Instant.now().plusSeconds(2);
            }
            long slowest = calls.stream().mapToLong(c -> Duration.between(c[0], c[1]).toMillis()).max().orElse(0);
            double left = Duration.between(Instant.now(), firstExpiry).toMillis() / 1e3;
            out.tick(String.format("%d calls answered, slowest %d ms; %s", calls.size(), slowest, refreshed
                    ? "token refreshed" : String.format("the token expires in %.1f s", Math.max(0, left))));
            Duration period = Instant.now().isAfter(firstExpiry.minus(FAST_BEFORE_EXPIRY)) ? FAST_CALL_PERIOD
                    : CALL_PERIOD;
            sleep(period.minus(Duration.between(start, Instant.now())));
        }
        DemoAuthorizationServer.Event refresh = as.events().stream()
                .filter(e -> e.kind().equals("refresh_token") && e.status() == 200)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no refresh before the token expired"));
        Duration slowestCall = calls.stream().map(c -> Duration.between(c[0], c[1])).max(Duration::compareTo)
                .orElse(Duration.ZERO);
        List<Duration> during = calls.stream()
                .filter(c -> c[0].isBefore(refresh.end()) && c[1].isAfter(refresh.start()))
                .map(c -> Duration.between(c[0], c[1])).toList();
        Duration slowestDuring = during.stream().max(Duration::compareTo).orElse(Duration.ZERO);
        List<DemoMcpServer.Accepted> seen = mcp.accepted();
        int oldToken = seen.stream().filter(a -> !a.at().isAfter(refresh.start())).mapToInt(DemoMcpServer.Accepted::token)
                .max().orElse(0);
        long oldTokenDuringRefresh = seen.stream().filter(a -> a.token() == oldToken
                && !a.at().isBefore(refresh.start()) && !a.at().isAfter(refresh.end())).count();
        StoredCredentials renewed = stored(oauth, uri);
        boolean rotated = !Objects.equals(renewed.tokens().refreshToken(), stored.tokens().refreshToken());
        out.line(String.format("the token was refreshed in the background at %.1f s, %.1f s before the old one expired"
                        + " (the auth server took %d ms)", out.secondsAt(refresh.start()),
                Duration.between(refresh.start(), firstExpiry).toMillis() / 1e3, refresh.took().toMillis()));
        out.line(String.format("no call waited for it: %d call(s) ran while the refresh was in flight (slowest %d ms;"
                        + " the MCP server accepted %d request(s) with the old token meanwhile); the slowest of all %d"
                        + " calls took %d ms", during.size(), slowestDuring.toMillis(), oldTokenDuringRefresh,
                calls.size(), slowestCall.toMillis()));
        out.line(String.format("client: the new access token expires at %.1f s; the refresh token was rotated (%s) and"
                + " saved before the new access token was used", out.secondsAt(renewed.tokens().expiresAt()),
                rotated ? "a new one" : "the same one"));
        out.line("the MCP server refused " + mcp.refused().values().stream().mapToLong(Long::longValue).sum()
                + " tokens so far (none expired)");
        client.close().block(CALL_TIMEOUT);
        oauth.shutdown(Duration.ofSeconds(10)).block();

        out.step("5. Restart: a new McpOAuth and McpClient over the same token file, with no way to log in");
        long loginsBefore = as.logins();
        long tokenRequestsBefore = tokenRequests(as);
        McpOAuth restarted = McpOAuth.builder().tokenStore(FileTokenStore.at(tokenFile))
                .clientName("reactive-mcp demo").build(); // no code source: a start never logs in by itself
        out.line("client: storedAuthState(uri) = " + restarted.storedAuthState(uri).block(CALL_TIMEOUT)
                + " (read from the file, no network)");
        McpClient again = client(uri, restarted, ProtocolNegotiation.auto());
        InitializeResult afterRestart = again.connect().block(CALL_TIMEOUT);
        CallToolResult echoAgain = again.callTool("echo", Map.of("message", "back again")).block(CALL_TIMEOUT);
        out.line("client: connected (" + afterRestart.protocolVersion() + "), echo -> " + echoAgain.text());
        out.line("auth server: " + (as.logins() - loginsBefore) + " logins and " + (tokenRequests(as)
                - tokenRequestsBefore) + " token requests since the restart: the stored tokens were used as they are");
        again.close().block(CALL_TIMEOUT);
        restarted.shutdown(Duration.ofSeconds(10)).block();

        out.step("6. The grant is revoked at the authorization server; the next start cannot use the stored tokens");
        int revoked = as.revokeAllGrants();
        out.line("[auth server] an administrator revoked the app's access: " + revoked
                + " grant ended, with its refresh and access tokens");
        McpOAuth third = McpOAuth.builder().tokenStore(FileTokenStore.at(tokenFile))
                .clientName("reactive-mcp demo").build();
        McpClient revokedClient = client(uri, third, ProtocolNegotiation.auto());
        Throwable failure = revokedClient.connect().then(Mono.<Throwable>empty()).onErrorResume(Mono::just)
                .block(CALL_TIMEOUT);
        if (failure == null) {
            throw new IllegalStateException("connect() succeeded after the grant was revoked");
        }
        StartupFailureReason reason = third.startupFailureReason(uri, failure).block(CALL_TIMEOUT);
        AuthState stateAfter = third.storedAuthState(uri).block(CALL_TIMEOUT);
        out.line("client: connect() failed: " + McpFailures.classify(failure).describe());
        out.line("client: oauth.startupFailureReason(uri, error) = " + reason + "; storedAuthState(uri) = " + stateAfter);
        String message = PlainWords.forUser(Objects.requireNonNull(reason), SERVER_NAME, uri, failure);
        out.line("the product tells its user: \"" + message + "\"");
        revokedClient.close().onErrorResume(e -> Mono.empty()).block(CALL_TIMEOUT);
        third.shutdown(Duration.ofSeconds(10)).block();

        out.step("7. A server that is not there");
        URI closed = closedPort();
        McpClient nowhere = McpClient.builder(closed).connectTimeout(Duration.ofSeconds(5)).listeningStream(false)
                .build();
        Throwable refused = nowhere.connect().then(Mono.<Throwable>empty()).onErrorResume(Mono::just)
                .block(CALL_TIMEOUT);
        StartupFailureReason closedReason = refused == null ? null : StartupFailureReason.of(refused, null);
        String words = refused == null ? "(it answered)" : PlainWords.what(refused, closed);
        out.line("client: connect() to " + closed + " fails: " + words + "; reason " + closedReason);
        if (refused != null) {
            out.line("the product tells its user: \"" + PlainWords.forUser(closedReason, SERVER_NAME, closed, refused)
                    + "\"");
        }
        return new Outcome(first, legacyInit, firstExpiry, calls.size(), slowestCall, during.size(), slowestDuring,
                oldTokenDuringRefresh, rotated, afterRestart, reason, stateAfter, message, closedReason, words);
    }

    private static void summary(Console out, DemoAuthorizationServer as, DemoMcpServer mcp, Outcome outcome) {
        out.step("Counted by the servers");
        out.line("auth server: " + as.registrations() + " registration, " + as.logins() + " login, "
                + as.count("authorization_code", 200) + " code exchange, " + as.refreshes() + " refresh(es), "
                + as.count("refresh_token", 400) + " refused refresh (after the revocation)");
        out.line("MCP server: " + mcp.answered() + " requests answered " + mcp.eras() + ", "
                + mcp.unauthenticated() + " without a token (discovery), tokens refused: " + mcp.refused());
        out.plain("done: " + (outcome.reasonAfterRevocation() == StartupFailureReason.REAUTHENTICATION_REQUIRED
                ? "the whole journey ran as expected." : "UNEXPECTED: the last start failed with "
                + outcome.reasonAfterRevocation()));
    }

    static McpClient client(URI uri, McpOAuth oauth, ProtocolNegotiation negotiation) {
        return McpClient.builder(uri)
                .clientInfo("reactive-mcp-demo", "0.1.0")
                .negotiation(negotiation)
                .requestTimeout(CALL_TIMEOUT)
                .listeningStream(false) // this demo's server pushes no notifications
                .filter(oauth.filterFor(uri))
                .build();
    }

    /** Tells the console what the code source sends and receives (parameter names only: no code, no state). */
    static AuthorizationCodeSource narrated(AuthorizationCodeSource source, Console out) {
        return authorizationUrl -> source.authorize(redirectUri -> authorizationUrl.apply(redirectUri)
                        .doOnNext(url -> out.line("client: authorization request to " + url.getScheme() + "://"
                                + url.getRawAuthority() + url.getRawPath() + " with " + parameterNames(url))))
                .doOnNext(redirect -> out.line("client: redirect received with " + redirect.parameters().keySet()
                        + "; state and iss checked, code exchanged with the PKCE verifier"));
    }

    private static String parameterNames(URI url) {
        String query = url.getRawQuery() == null ? "" : url.getRawQuery();
        return Arrays.stream(query.split("&")).map(p -> p.contains("=") ? p.substring(0, p.indexOf('=')) : p)
                .map(name -> name.equals("code_challenge_method") ? "code_challenge_method=S256" : name)
                .collect(Collectors.joining(", ", "[", "]"));
    }

    static String serverName(InitializeResult init) {
        return init.serverInfo() == null ? "(server sent no info)"
                : init.serverInfo().name() + " " + init.serverInfo().version();
    }

    private static StoredCredentials stored(McpOAuth oauth, URI uri) {
        return Objects.requireNonNull(oauth.tokenStore().findByEndpoint(uri.toString()).blockFirst(CALL_TIMEOUT),
                "nothing stored");
    }

    private static long tokenRequests(DemoAuthorizationServer as) {
        return as.events().stream().filter(e -> e.kind().equals("authorization_code")
                || e.kind().equals("refresh_token")).count();
    }

    private static URI closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/mcp");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(Duration d) {
        if (d.isNegative() || d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a temporary directory; the OS cleans it eventually
        }
    }
}
