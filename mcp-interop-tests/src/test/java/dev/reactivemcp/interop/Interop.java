package dev.reactivemcp.interop;

import dev.reactivemcp.oauth.AuthorizationCodeSource;
import dev.reactivemcp.oauth.FileTokenStore;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.ProtocolNegotiation;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * What the interop tests share: one oidc-provider per test JVM (started on first use, stopped at exit; see
 * {@link InteropServers} for the per-test set-up), and the SDK wired the way an application wires it, through the
 * public API only.
 */
final class Interop {

    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private Interop() { }

    /**
     * The authorization server of this JVM (blocking on first use). Tests that also need a resource server take both
     * from the {@link InteropServers} extension.
     */
    static OidcProviderServer authorizationServer() {
        return InteropServers.perJvm(OidcProviderServer.class, OidcProviderServer::start);
    }

    static McpOAuth oauth(Path tokenFile, AuthorizationCodeSource codeSource, Clock clock) {
        McpOAuth.Builder builder = McpOAuth.builder()
                .tokenStore(FileTokenStore.at(tokenFile))
                .clientName("reactive-mcp interop tests")
                .clock(clock);
        if (codeSource != null) {
            builder.codeSource(codeSource);
        }
        return builder.build();
    }

    static McpClient client(URI endpoint, McpOAuth oauth) {
        return McpClient.builder(endpoint)
                .clientInfo("interop-tests", "1")
                .negotiation(ProtocolNegotiation.legacyOnly())
                .listeningStream(false)
                .requestTimeout(CALL_TIMEOUT)
                .filter(oauth.filterFor(endpoint))
                .build();
    }

    /**
     * Logs in as alice through the login form, connects to {@code endpoint} once and closes, as a first run of an
     * application does; what it stored is then in {@code tokenFile} (blocking).
     */
    static void logIn(Path tokenFile, URI endpoint) {
        McpOAuth login = oauth(tokenFile, new FormLoginCodeSource("alice"), Clock.systemUTC());
        McpClient first = client(endpoint, login);
        first.connect().block(CALL_TIMEOUT);
        first.close().block(CALL_TIMEOUT);
        login.dispose();
    }

    /** What the token file holds for {@code endpoint} (blocking). */
    static StoredCredentials stored(Path tokenFile, URI endpoint) {
        return FileTokenStore.at(tokenFile).findByEndpoint(endpoint.toString()).blockFirst(Duration.ofSeconds(10));
    }
}
