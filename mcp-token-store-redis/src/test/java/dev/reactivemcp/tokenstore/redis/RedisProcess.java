package dev.reactivemcp.tokenstore.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's package, {@code /usr/bin/redis-server} or on the PATH) on a free loopback
 * port, without persistence ({@code --save '' --appendonly no}); started and stopped by the test that owns it, and
 * restartable on the same port.
 */
final class RedisProcess implements AutoCloseable {

    private final int port;
    private final java.nio.file.Path dataDir;
    private Process process;
    private io.lettuce.core.RedisClient rawClient;
    private io.lettuce.core.api.StatefulRedisConnection<String, String> raw;

    private RedisProcess(int port, java.nio.file.Path dataDir) {
        this.port = port;
        this.dataDir = dataDir;
    }

    static RedisProcess start() {
        RedisProcess redis = new RedisProcess(freePort(), null);
        redis.startAgain();
        return redis;
    }

    /** A server that persists every write before answering ({@code appendfsync always}) in {@code dataDir}. */
    static RedisProcess startPersistent(java.nio.file.Path dataDir) {
        RedisProcess redis = new RedisProcess(freePort(), dataDir);
        redis.startAgain();
        return redis;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    /** Starts the server (again, on the same port); returns once it accepts connections. */
    void startAgain() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running");
        }
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        try {
            List<String> command = new java.util.ArrayList<>(List.of(binary(), "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--save", "", "--logfile", "", "--protected-mode", "no"));
            command.addAll(dataDir == null ? List.of("--appendonly", "no")
                    : List.of("--dir", dataDir.toString(), "--appendonly", "yes", "--appendfsync", "always"));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            process = p;
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        if (line.contains("Ready to accept connections")) {
                            ready.complete(true);
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
                ready.complete(false);
            }, "redis-server-" + port);
            reader.setDaemon(true);
            reader.start();
            if (!ready.get(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis-server exited before accepting connections on port " + port);
            }
        } catch (Exception e) {
            throw new IllegalStateException("redis-server did not start on port " + port, e);
        }
    }

    /** Stops the server (SIGKILL: as a crash, nothing saved) and waits until it is gone. */
    void stop() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A plain Lettuce connection to this server, for tests that read or write keys behind a store's back; made on
     * first use, closed by {@link #close()}.
     */
    synchronized io.lettuce.core.api.StatefulRedisConnection<String, String> raw() {
        if (raw == null) {
            rawClient = io.lettuce.core.RedisClient.create(uri());
            raw = rawClient.connect();
        }
        return raw;
    }

    @Override
    public synchronized void close() {
        if (raw != null) {
            raw.close();
            rawClient.shutdown();
            raw = null;
        }
        stop();
    }

    /** {@code REACTIVEMCP_REDIS_SERVER} (exported by {@code scripts/ensure-redis.sh --env}), else the Debian path, else PATH. */
    private static String binary() {
        String configured = System.getenv("REACTIVEMCP_REDIS_SERVER");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        return java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/redis-server"))
                ? "/usr/bin/redis-server" : "redis-server";
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
