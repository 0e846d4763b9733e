package dev.reactivemcp.benchmarks.driver;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The loopback server as a child process: started with {@code java -cp}, its port read from its first line, and
 * always killed (process tree) on {@link #close()} and by a shutdown hook, also when the driver fails.
 */
final class ServerProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Thread hook;
    private final CompletableFuture<String> stats = new CompletableFuture<>();
    private final BufferedReader stdout;
    private final boolean tls;
    private List<Integer> ports = List.of();

    private ServerProcess(Process process, int port, BufferedReader stdout, boolean tls) {
        this.process = process;
        this.port = port;
        this.stdout = stdout;
        this.tls = tls;
        this.ports = List.of(port);
        this.hook = new Thread(this::kill, "kill-bench-server");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    static ServerProcess start(String... serverArgs) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xms256m", "-Xmx1g", "-XX:+UseParallelGC",
                "-cp", System.getProperty("java.class.path"), "dev.reactivemcp.benchmarks.server.BenchServer"));
        cmd.addAll(List.of(serverArgs));
        Process p = new ProcessBuilder(cmd).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String line;
        try {
            line = first.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            line = null;
        }
        if (line == null || !line.startsWith("PORT ")) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IOException("bench server did not report its port (got: " + line + ")");
        }
        boolean tls = cmd.stream().anyMatch(a -> a.startsWith("--tls="));
        ServerProcess server = new ServerProcess(p, Integer.parseInt(line.substring(5).trim()), out, tls);
        if (List.of(serverArgs).stream().anyMatch(a -> a.startsWith("--ports="))) {
            server.ports = morePorts(out.readLine(), p);
        }
        Thread err = new Thread(() -> server.drainStderr(), "bench-server-stderr");
        err.setDaemon(true);
        err.start();
        return server;
    }

    URI endpoint() {
        return URI.create((tls ? "https" : "http") + "://127.0.0.1:" + port + "/mcp");
    }

    /**
     * The server's wire counters since the previous call (connections, TLS handshakes, requests per protocol; see
     * {@code server.WireCounters}) with its connections open now and their peak, and a new counting period. Blocks
     * the calling (driver) thread for one line (at most 10 s).
     */
    synchronized WireStats counters() {
        return WireStats.parse(command("stats", "STATS ").substring("STATS ".length()));
    }

    /**
     * Sets the server's peaks (connections open, requests in flight) to their current values: the next
     * {@link #counters()} reports the peak since this call. Blocks the calling (driver) thread for one line.
     */
    synchronized void resetPeaks() {
        command("reset-peaks", "RESET");
    }

    /** Sends {@code command} on the server's standard input; its answer, the next line starting with {@code answer}. */
    private String command(String command, String answer) {
        try {
            process.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
            CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
                try {
                    String l;
                    while ((l = stdout.readLine()) != null && !l.startsWith(answer)) {
                        // skip anything else
                    }
                    return l;
                } catch (IOException e) {
                    return null;
                }
            });
            String l = line.get(10, TimeUnit.SECONDS);
            if (l == null) {
                throw new IllegalStateException("bench server " + process.pid() + " closed its output");
            }
            return l;
        } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("bench server " + process.pid() + " gave no answer to " + command
                    + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The endpoint on each port of a server started with {@code --ports=N} (the same scheme and path). */
    List<URI> endpoints() {
        String one = endpoint().toString();
        String at = ":" + port + "/";
        return ports.stream().map(p -> URI.create(one.replace(at, ":" + p + "/"))).toList();
    }

    private static List<Integer> morePorts(String line, Process p) throws IOException {
        if (line == null || !line.startsWith("PORTS ")) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IOException("bench server did not list its ports (got: " + line + ")");
        }
        return java.util.Arrays.stream(line.substring(6).trim().split(",")).map(Integer::valueOf).toList();
    }

    long pid() {
        return process.pid();
    }

    /** The stats line the server prints when it stops (after {@link #close()}), or empty. */
    String stats() {
        try {
            return stats.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return "";
        }
    }

    private void drainStderr() {
        try (BufferedReader err = new BufferedReader(
                new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null) {
                if (line.startsWith("bench-server: ")) {
                    System.err.println("[server pid " + process.pid() + "] " + line);
                    stats.complete(line.substring("bench-server: ".length()));
                } else if (!line.isBlank()) {
                    System.err.println("[server] " + line);
                }
            }
        } catch (IOException e) {
            // process gone
        }
        stats.complete("");
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close(); // EOF on stdin: the server prints its stats and exits
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (IOException | InterruptedException e) {
            kill();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs anyway
            }
            kill();
        }
    }

    private void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
