package dev.reactivemcp.benchmarks.driver;

import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.tokenstore.redis.RedisTokenStore;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Refresh under load, two JVMs on Redis ({@code RefreshUnderLoad --redis}): the driver starts a {@code redis-server}
 * on a free loopback port (binary from {@code REACTIVEMCP_REDIS_SERVER}, else {@code /usr/bin/redis-server}), the
 * rotating refresh-token endpoint of {@link RefreshUnderLoad} (in this JVM, so it counts the requests of both
 * replicas) and two {@link RedisReplica} JVMs, each with an {@code McpOAuth} over a {@code RedisTokenStore} on that
 * Redis. Per round the driver stores an expired token, then both replicas fire {@code --calls} concurrent calls at
 * once. Reports token requests per burst (target: exactly 1 for both JVMs together), invalid_grant answers, and
 * p50/p99/max per JVM. Blocks: a command-line driver, not a reactive path.
 *
 * <pre>
 * java -cp ... dev.reactivemcp.benchmarks.driver.RefreshUnderLoad --redis [--calls=1000] [--rounds=5] [--warmup=1]
 *     [--token-delay-ms=50] [--out=benchmarks/results/refresh-redis-latest.md]
 * </pre>
 */
final class RefreshRedis {

    private static final String CLIENT_ID = "bench-client";
    private static final String ENDPOINT = "https://mcp.bench.invalid/mcp";

    private RefreshRedis() { }

    /** One replica's answer for one burst. */
    record Burst(long ok, long errors, long wrongToken, double p50, double p99, double max, double wall, String error) {
        static Burst parse(String line) {
            String[] f = line.split(" ");
            return new Burst(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Double.parseDouble(f[4]),
                    Double.parseDouble(f[5]), Double.parseDouble(f[6]), Double.parseDouble(f[7]), f[8]);
        }
    }

    record Round(int tokenRequests, int invalidGrants, Burst one, Burst two) { }

    static void main(String[] args) throws Exception {
        int calls = 1000;
        int rounds = 5;
        int warmup = 1;
        long tokenDelay = 50;
        Path out = Path.of("benchmarks/results/refresh-redis-latest.md");
        for (String a : args) {
            String v = a.contains("=") ? a.substring(a.indexOf('=') + 1) : "";
            if (a.equals("--redis")) {
                continue;
            } else if (a.startsWith("--calls=")) {
                calls = Integer.parseInt(v);
            } else if (a.startsWith("--rounds=")) {
                rounds = Integer.parseInt(v);
            } else if (a.startsWith("--warmup=")) {
                warmup = Integer.parseInt(v);
            } else if (a.startsWith("--token-delay-ms=")) {
                tokenDelay = Long.parseLong(v);
            } else if (a.startsWith("--out=")) {
                out = v.isEmpty() ? null : Path.of(v);
            } else {
                throw new IllegalArgumentException("unknown argument with --redis: " + a);
            }
        }
        if (calls < 1 || calls > 100_000 || rounds < 1 || rounds > 20 || warmup < 0 || warmup > 10 || tokenDelay < 0) {
            throw new IllegalArgumentException("calls 1..100000, rounds 1..20, warmup 0..10, delay >= 0");
        }
        String date = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        List<Round> results = new ArrayList<>();
        int port = freePort();
        String redisUri = "redis://127.0.0.1:" + port;
        Process redis = new ProcessBuilder(redisBinary(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--logfile", "", "--protected-mode", "no")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (RefreshUnderLoad.TokenEndpoint auth = new RefreshUnderLoad.TokenEndpoint(Duration.ofMillis(tokenDelay))) {
            awaitPort(port);
            RedisTokenStore store = RedisTokenStore.builder(redisUri).build();
            LoadDriver.log("refresh on Redis, two JVMs: " + calls + " calls each, token endpoint delay " + tokenDelay
                    + " ms, " + rounds + " rounds, redis " + redisUri);
            try (Replica one = new Replica(redisUri, calls); Replica two = new Replica(redisUri, calls)) {
                one.await("ready");
                two.await("ready");
                for (int r = 1 - warmup; r <= rounds; r++) {
                    int generation = auth.generation.get();
                    store.save(expired(auth, generation)).block(Duration.ofSeconds(10));
                    int requestsBefore = auth.requests.get();
                    int invalidBefore = auth.invalidGrants.get();
                    String next = "bench-at-" + (generation + 1);
                    one.send("go " + next);
                    two.send("go " + next);
                    Burst b1 = Burst.parse(one.await("done"));
                    Burst b2 = Burst.parse(two.await("done"));
                    Round round = new Round(auth.requests.get() - requestsBefore,
                            auth.invalidGrants.get() - invalidBefore, b1, b2);
                    if (r >= 1) {
                        results.add(round);
                    }
                    LoadDriver.log(String.format(Locale.ROOT, "  %s %d: token requests %d, invalid_grant %d; JVM 1 "
                                    + "p50 %.1f p99 %.1f max %.1f ms errors %d; JVM 2 p50 %.1f p99 %.1f max %.1f ms "
                                    + "errors %d", r >= 1 ? "round" : "warm-up", r >= 1 ? r : r + warmup,
                            round.tokenRequests(), round.invalidGrants(), b1.p50(), b1.p99(), b1.max(), b1.errors(),
                            b2.p50(), b2.p99(), b2.max(), b2.errors()));
                }
                one.send("quit");
                two.send("quit");
                one.process.waitFor(30, TimeUnit.SECONDS);
                two.process.waitFor(30, TimeUnit.SECONDS);
            } finally {
                store.shutdown().block(Duration.ofSeconds(20));
            }
        } finally {
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
        StandaloneReport.print(render(date, calls, warmup, tokenDelay, results), out);
        System.exit(0);
    }

    private static String render(String date, int calls, int warmup, long tokenDelay, List<Round> rounds) {
        StringBuilder sb = new StringBuilder("# Token refresh under load: two JVMs sharing one RedisTokenStore\n\n");
        sb.append("- date: ").append(date).append("\n- machine: ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores, ").append(System.getProperty("os.name")).append(' ')
                .append(System.getProperty("os.version")).append("; JVM ").append(System.getProperty("java.vm.name"))
                .append(' ').append(System.getProperty("java.version")).append("\n\n");
        int[] requests = rounds.stream().mapToInt(Round::tokenRequests).toArray();
        boolean met = rounds.stream().allMatch(r -> r.tokenRequests() == 1);
        int invalid = rounds.stream().mapToInt(Round::invalidGrants).sum();
        long errors = rounds.stream().mapToLong(r -> r.one().errors() + r.two().errors()).sum();
        long wrong = rounds.stream().mapToLong(r -> r.one().wrongToken() + r.two().wrongToken()).sum();
        sb.append(String.format(Locale.ROOT, "- two replica JVMs (`driver.RedisReplica`), each a fresh `McpOAuth` per "
                + "round over a `RedisTokenStore` on one `redis-server` (driver-started, loopback), each firing %,d "
                + "concurrent requests through `McpOAuth.filterFor(uri)` at once, with the stored access token "
                + "expired (written by the driver before the round); the requests end at an in-process exchange that "
                + "checks the token (this measures the token path: Redis, its lease lock, the refresh; not an MCP "
                + "server). Rotating refresh-token endpoint on loopback in the driver JVM, answering after %d ms "
                + "(a second use of a refresh token gets invalid_grant). %d unreported warm-up round(s).\n",
                calls, tokenDelay, warmup));
        sb.append(String.format(Locale.ROOT, "- **token requests per burst (both JVMs): %s** (target: exactly 1; %s); "
                + "invalid_grant answers: %d; requests with a token other than the refreshed one: %d; errors: %d\n\n",
                java.util.Arrays.toString(requests), met ? "met" : "**missed**", invalid, wrong, errors));
        sb.append("| round | token requests | invalid_grant | JVM 1 p50 / p99 / max (ms) | JVM 2 p50 / p99 / max (ms) "
                + "| wall JVM 1 / JVM 2 (ms) | errors |\n|---:|---:|---:|---|---|---|---:|\n");
        for (int i = 0; i < rounds.size(); i++) {
            Round r = rounds.get(i);
            sb.append(String.format(Locale.ROOT, "| %d | %d | %d | %.1f / %.1f / %.1f | %.1f / %.1f / %.1f | %.0f / %.0f "
                            + "| %d%s |\n", i + 1, r.tokenRequests(), r.invalidGrants(), r.one().p50(), r.one().p99(),
                    r.one().max(), r.two().p50(), r.two().p99(), r.two().max(), r.one().wall(), r.two().wall(),
                    r.one().errors() + r.two().errors(),
                    "-".equals(r.one().error()) && "-".equals(r.two().error()) ? ""
                            : " (" + r.one().error() + " " + r.two().error() + ")"));
        }
        return sb.toString();
    }

    /** Generation {@code g} of the tokens, its access token expired a second ago (real time: both JVMs' clocks). */
    private static StoredCredentials expired(RefreshUnderLoad.TokenEndpoint auth, int g) {
        String issuer = auth.issuer();
        CredentialKey key = new CredentialKey(ENDPOINT, issuer, CLIENT_ID);
        ClientRegistration registration = new ClientRegistration(issuer, CLIENT_ID, null, "none", List.of());
        Instant now = Instant.now();
        OAuthTokens tokens = new OAuthTokens("bench-at-" + g, "Bearer", "bench-rt-" + g, now.minusSeconds(1),
                Set.of("mcp"));
        return new StoredCredentials(ENDPOINT, key, registration, tokens, auth.url(), false, now.minusSeconds(3601));
    }

    private static String redisBinary() {
        String env = System.getenv("REACTIVEMCP_REDIS_SERVER");
        return env != null && !env.isBlank() ? env : "/usr/bin/redis-server";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void awaitPort(int port) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);   // the driver's main thread, waiting for redis-server to listen
            }
        }
        throw new IllegalStateException("redis-server did not listen on port " + port);
    }

    /** A {@link RedisReplica} child JVM. */
    private static final class Replica implements AutoCloseable {
        final Process process;
        final BufferedReader out;
        final Writer in;
        final List<String> lines = new ArrayList<>();

        Replica(String redisUri, int calls) throws IOException {
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xms512m", "-Xmx1g", "-XX:+UseParallelGC", "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2",
                    "-cp", System.getProperty("java.class.path"), RedisReplica.class.getName(), redisUri, ENDPOINT,
                    Integer.toString(calls));
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        String await(String prefix) throws IOException {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            throw new IllegalStateException("replica ended before '" + prefix + "': " + lines);
        }

        void send(String line) throws IOException {
            in.write(line + "\n");
            in.flush();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
