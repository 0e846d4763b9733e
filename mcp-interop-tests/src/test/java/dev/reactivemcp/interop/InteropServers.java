package dev.reactivemcp.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The set-up the interop tests share, as a JUnit extension: a real authorization server, started once per test JVM
 * on first use and shared by every test (its start-up is the slow part: seconds for oidc-provider, about 10 s for
 * Spring Authorization Server); per test, a fresh loopback MCP {@link ResourceServer} that trusts it and a scratch
 * directory (for the token file), both removed after the test.
 *
 * <pre>{@code
 * @RegisterExtension
 * final InteropServers<OidcProviderServer> servers = InteropServers.oidcProvider();
 * private final OidcProviderServer as = servers.authorizationServer();
 * private final ResourceServer rs = servers.resourceServer();
 *
 * @Test void logsIn() {
 *     Path tokens = servers.dir().resolve("tokens.json");
 *     ...
 * }
 * }</pre>
 *
 * <p>A server that is not installed skips the test (fails it under {@code CI}), when the field is initialised.
 *
 * @param <A> the authorization server
 */
final class InteropServers<A extends InteropServers.AuthorizationServer> implements AfterEachCallback {

    /** What the resource server needs of an authorization server. */
    interface AuthorizationServer {

        /** The issuer, {@code http://127.0.0.1:<port>}. */
        URI issuer();

        /** Its JWKS document (blocking). */
        String jwks();
    }

    private static final Map<Class<?>, AutoCloseable> PER_JVM = new HashMap<>();

    private final Supplier<A> authorizationServer;
    private ResourceServer resourceServer;
    private Path dir;

    private InteropServers(Supplier<A> authorizationServer) {
        this.authorizationServer = authorizationServer;
    }

    /** On the oidc-provider of this JVM ({@link Interop#authorizationServer()}). */
    static InteropServers<OidcProviderServer> oidcProvider() {
        return new InteropServers<>(Interop::authorizationServer);
    }

    /** On the Spring Authorization Server of this JVM ({@link SpringAuthorizationServer#shared()}). */
    static InteropServers<SpringAuthorizationServer> springAuthorizationServer() {
        return new InteropServers<>(SpringAuthorizationServer::shared);
    }

    /**
     * The one {@code type} server of this JVM: started by {@code start} on first use (blocking; a start that fails
     * or skips is tried again by the next test), stopped when the JVM exits.
     */
    static synchronized <T extends AutoCloseable> T perJvm(Class<T> type, Supplier<T> start) {
        AutoCloseable server = PER_JVM.get(type);
        if (server == null) {
            T started = start.get();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (Exception e) {
                    // the JVM is exiting; the process reaper kills what is left
                }
            }, type.getSimpleName() + "-stop"));
            PER_JVM.put(type, started);
            server = started;
        }
        return type.cast(server);
    }

    /** The shared authorization server (blocking on first use in this JVM). */
    A authorizationServer() {
        return authorizationServer.get();
    }

    /** This test's resource server, trusting {@link #authorizationServer()}; started on first use. */
    synchronized ResourceServer resourceServer() {
        if (resourceServer == null) {
            A as = authorizationServer();
            resourceServer = ResourceServer.start(as.issuer(), as.jwks());
        }
        return resourceServer;
    }

    /** This test's scratch directory, deleted after the test. */
    synchronized Path dir() {
        if (dir == null) {
            try {
                dir = Files.createTempDirectory("interop-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) throws IOException {
        try {
            if (resourceServer != null) {
                resourceServer.close();
            }
        } finally {
            resourceServer = null;
            if (dir != null) {
                delete(dir);
                dir = null;
            }
        }
    }

    private static void delete(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
