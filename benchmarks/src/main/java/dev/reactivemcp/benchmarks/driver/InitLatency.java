package dev.reactivemcp.benchmarks.driver;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import reactor.netty.http.client.HttpClient;

/**
 * Handshake latency: the first one in a fresh JVM (a child process per client, so no client pays for another's
 * class loading) and the median over fresh sessions in the warm driver JVM.
 */
final class InitLatency {

    /** Milliseconds; NaN when not applicable. */
    record Result(double coldMillis, double warmMedianMillis) { }

    private InitLatency() { }

    /** The median handshake of {@code n} fresh clients (after 3 unmeasured ones). */
    static double warmMedianMillis(Supplier<BenchClient> fresh, int n) {
        double[] ms = new double[n];
        for (int i = -3; i < n; i++) {
            BenchClient c = fresh.get();
            long t0 = System.nanoTime();
            c.connect().block(Duration.ofSeconds(30));
            long took = System.nanoTime() - t0;
            c.close();
            if (i >= 0) {
                ms[i] = took / 1e6;
            }
        }
        Arrays.sort(ms);
        return ms[n / 2];
    }

    /** Runs {@code LoadDriver --cold-init=...} in a fresh JVM and reads its one number. */
    static double coldMillis(char client, URI endpoint, boolean modern, Path captured) {
        return coldMillis(client, endpoint, modern, captured, List.of());
    }

    /** As above; {@code extra}: {@code --tls-root=PEM --wire=TLS|H2} over HTTPS, {@code --official-http2}. */
    static double coldMillis(char client, URI endpoint, boolean modern, Path captured, List<String> extra) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                LoadDriver.class.getName(), "--cold-init=" + client, "--era=" + (modern ? "modern" : "legacy"),
                "--endpoint=" + endpoint));
        if (captured != null) {
            cmd.add("--captured=" + captured);
        }
        cmd.addAll(extra);
        Process p = null;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            for (String line : out.split("\n")) {
                if (line.startsWith("COLD_INIT_MS ")) {
                    return Double.parseDouble(line.substring(13).trim());
                }
            }
            System.err.println("cold init " + client + " failed: " + out);
            return Double.NaN;
        } catch (IOException | InterruptedException e) {
            return Double.NaN;
        } finally {
            if (p != null) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    /** The child side: one handshake of a brand-new client in this brand-new JVM. */
    static void coldChild(String[] args) throws IOException {
        char client = 'A';
        boolean modern = false;
        URI endpoint = null;
        Path captured = null;
        Path tlsRoot = null;
        Wire wire = Wire.PLAIN;
        boolean officialHttp2 = false;
        for (String a : args) {
            String v = a.substring(a.indexOf('=') + 1);
            if (a.startsWith("--cold-init=")) {
                client = v.charAt(0);
            } else if (a.startsWith("--era=")) {
                modern = v.equals("modern");
            } else if (a.startsWith("--endpoint=")) {
                endpoint = URI.create(v);
            } else if (a.startsWith("--captured=")) {
                captured = Path.of(v);
            } else if (a.startsWith("--tls-root=")) {
                tlsRoot = Path.of(v);
            } else if (a.startsWith("--wire=")) {
                wire = Wire.valueOf(v);
            } else if (a.equals("--official-http2")) {
                officialHttp2 = true;
            }
        }
        long t0 = System.nanoTime();
        TlsSetup tls = tlsRoot == null ? null : TlsSetup.trusting(tlsRoot);   // timed: a user builds it too
        HttpClient http = tls == null ? HttpClient.create() : tls.secure(HttpClient.create(), wire);
        BenchClient c = switch (client) {
            case 'A' -> new SdkClient(endpoint, modern, http);
            case 'B' -> new FloorClient(endpoint, http, readPosts(captured), modern);
            default -> tls == null && !officialHttp2 ? new OfficialSdkClient(endpoint)
                    : new OfficialSdkClient(endpoint, tls == null ? null : tls.jdk(), officialHttp2);
        };
        c.connect().block(Duration.ofSeconds(30));
        long took = System.nanoTime() - t0;
        System.out.println("COLD_INIT_MS " + took / 1e6);
        System.out.flush();
        c.close();
        System.exit(0);
    }

    /** Writes the handshake POSTs (and the call) for a child floor client. */
    static Path writePosts(CapturedExchange captured, boolean modern) throws IOException {
        StringBuilder sb = new StringBuilder();
        List<String> methods = modern ? List.of("server/discover", "tools/call")
                : List.of("initialize", "notifications/initialized", "tools/call");
        for (String m : methods) {
            Posts.Post p = captured.post(m);
            sb.append("M ").append(m).append('\n');
            p.headers().forEach((k, vs) -> vs.forEach(v -> sb.append("H ").append(k).append(": ").append(v)
                    .append('\n')));
            sb.append("B ").append(Base64.getEncoder().encodeToString(p.body())).append('\n');
        }
        Path f = Files.createTempFile("mcp-bench-captured", ".txt");
        f.toFile().deleteOnExit();
        Files.writeString(f, sb);
        return f;
    }

    private static Posts readPosts(Path file) throws IOException {
        Map<String, Posts.Post> posts = new LinkedHashMap<>();
        String method = null;
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("M ")) {
                method = line.substring(2);
                headers = new LinkedHashMap<>();
            } else if (line.startsWith("H ")) {
                int colon = line.indexOf(": ");
                headers.computeIfAbsent(line.substring(2, colon), k -> new ArrayList<>()).add(line.substring(colon + 2));
            } else if (line.startsWith("B ")) {
                posts.put(method, new Posts.Post(headers, Base64.getDecoder().decode(line.substring(2))));
            }
        }
        return posts::get;
    }
}
