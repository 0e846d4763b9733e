package dev.reactivemcp.benchmarks.driver;

import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.InMemoryTokenStore;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.internal.dpop.DpopAlgorithm;
import dev.reactivemcp.oauth.internal.dpop.DpopKey;
import dev.reactivemcp.transport.ExchangeFilterFunction;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The token filter in the path (issue 16, deliver 2): the same {@code McpClient} against BenchServer
 * ({@code --require-bearer}, its own JVM) with (a) a plain filter setting a static {@code Authorization: Bearer T}
 * (the yardstick), (b) {@code McpOAuth.filterFor(uri)} with a valid token in an {@code InMemoryTokenStore}, (c) the
 * same with a DPoP-bound token and its ES256 key stored with it (a fresh proof per call; the server checks the token
 * and counts the proofs, the proofs themselves are verified by the unit and interop tests). Per era (legacy JSON,
 * 2026-07-28 JSON), {@code --warmup} unreported and {@code --rounds} measured rounds of a b c, then c b a, ..., each
 * client for {@code --seconds} with {@code --concurrency} callers ({@link LoadRun}). CPU is the driver process's,
 * so (c) includes the background precomputation of ES256 nonces. Ratios are taken per round, then the median.
 *
 * <pre>
 * java -cp ... dev.reactivemcp.benchmarks.driver.FilterCost [--seconds=1.5] [--rounds=5] [--warmup=1]
 *     [--concurrency=16] [--modes=json-legacy,json-modern] [--out=PATH]
 * </pre>
 * Tokens are benchmark-made values and are never printed. Blocks: call from a main thread.
 */
public final class FilterCost {

    private static final String TOKEN = "bench-filter-token";
    private static final String[] LABELS = {"a: static Bearer header", "b: McpOAuth.filterFor, valid token",
            "c: McpOAuth.filterFor, DPoP-bound (ES256)"};

    private FilterCost() { }

    /** Settings; see the class comment. */
    record Options(double seconds, int rounds, int warmup, int concurrency, List<String> modes, Path out) {

        static Options parse(String[] args) {
            Flags f = Flags.parse(args);
            double seconds = f.decimal("seconds", 1.5);
            int rounds = f.integer("rounds", 5);
            int warmup = f.integer("warmup", 1);
            int concurrency = f.integer("concurrency", 16);
            List<String> modes = f.list("modes", List.of("json-legacy", "json-modern"));
            Path out = f.path("out", null);
            f.rejectUnknown();
            for (String m : modes) {
                if (!m.equals("json-legacy") && !m.equals("json-modern")) {
                    throw new IllegalArgumentException("modes: json-legacy, json-modern; not " + m);
                }
            }
            if (seconds <= 0 || rounds < 1 || rounds > 50 || warmup < 0 || concurrency < 1) {
                throw new IllegalArgumentException("seconds > 0, rounds 1..50, warmup >= 0, concurrency >= 1");
            }
            return new Options(seconds, rounds, warmup, concurrency, modes, out);
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        StandaloneReport.emit("Token filter in the path", section(o), o.out());
        System.exit(0);
    }

    /** Runs the comparison and returns its markdown section (level-2 heading). Blocks: call from a main thread. */
    static String section(Options o) throws IOException {
        StringBuilder sb = new StringBuilder("## Token filter in the path (this SDK + mcp-oauth)\n\n");
        sb.append(String.format(Locale.ROOT, "- One `McpClient` per variant against the loopback BenchServer (own JVM, "
                        + "JSON, `--require-bearer`: a call without the token is answered 401), %d caller(s), %.1f s "
                        + "per run, %d unreported warm-up round(s) and %d measured rounds of a b c / c b a (alternating). "
                        + "(a) a plain filter setting the same static `Authorization: Bearer` header, the yardstick; "
                        + "(b) `McpOAuth.filterFor(uri)` over an `InMemoryTokenStore` holding a valid token; (c) the same "
                        + "with a DPoP-bound token and its ES256 key: `Authorization: DPoP` and a fresh proof per call. "
                        + "CPU: the driver process (client, GC, JIT, and for (c) the background precomputation of ES256 "
                        + "nonces); allocation summed over threads. Ratios per round, median over rounds. "
                        + "Target: (b)/(a) <= 1.05x.\n",
                o.concurrency(), o.seconds(), o.warmup(), o.rounds()));
        try (ServerProcess server = ServerProcess.start("--mode=json", "--require-bearer=" + TOKEN)) {
            URI endpoint = server.endpoint();
            StringBuilder tables = new StringBuilder();
            for (String mode : o.modes()) {
                tables.append(era(o, endpoint, mode.equals("json-modern")));
            }
            server.close();
            String stats = server.stats();
            sb.append("- server: ").append(stats == null || stats.isEmpty() ? "n/a" : stats)
                    .append(" (`dpopProofs`: requests that carried a `DPoP` header)\n\n").append(tables);
        }
        return sb.toString();
    }

    private static String era(Options o, URI endpoint, boolean modern) {
        String name = modern ? "2026-07-28, JSON" : "legacy (2025-11-25), JSON";
        LoadDriver.log("filter cost: " + name);
        McpOAuth bearer = McpOAuth.builder().tokenStore(store(endpoint, false)).build();
        McpOAuth dpop = McpOAuth.builder().tokenStore(store(endpoint, true)).build();
        ExchangeFilterFunction staticHeader = (request, next) ->
                next.exchange(request.withHeader("Authorization", "Bearer " + TOKEN));
        SdkClient[] clients = {
                new SdkClient(endpoint, modern, Http.pooled("filter-a", 500), staticHeader),
                new SdkClient(endpoint, modern, Http.pooled("filter-b", 500), bearer.filterFor(endpoint)),
                new SdkClient(endpoint, modern, Http.pooled("filter-c", 500), dpop.filterFor(endpoint))};
        List<RunResult[]> rounds = new ArrayList<>();
        try {
            for (SdkClient c : clients) {
                c.connect().block(Duration.ofSeconds(30));
            }
            Duration run = Duration.ofNanos((long) (o.seconds() * 1e9));
            for (int r = 1 - o.warmup(); r <= o.rounds(); r++) {
                RunResult[] results = new RunResult[3];
                for (int i = 0; i < 3; i++) {
                    int v = r % 2 != 0 ? i : 2 - i;
                    results[v] = LoadRun.run(clients[v], o.concurrency(), run, 5_000_000);
                }
                LoadDriver.log(String.format(Locale.ROOT, "  %s %d: cpu a %.1f b %.1f c %.1f us/call; alloc a %.0f "
                                + "b %.0f c %.0f B/call; errors %d/%d/%d", r >= 1 ? "round" : "warm-up",
                        r >= 1 ? r : r + o.warmup(), results[0].cpuMicrosPerCall(), results[1].cpuMicrosPerCall(),
                        results[2].cpuMicrosPerCall(), results[0].allocBytesPerCall(), results[1].allocBytesPerCall(),
                        results[2].allocBytesPerCall(), results[0].errors(), results[1].errors(), results[2].errors()));
                if (r >= 1) {
                    rounds.add(results);
                }
            }
        } finally {
            for (SdkClient c : clients) {
                c.close();
            }
            bearer.dispose();
            dpop.dispose();
        }
        return render(name, rounds);
    }

    private static String render(String era, List<RunResult[]> rounds) {
        StringBuilder sb = new StringBuilder("### " + era + "\n\n");
        double bCpu = median(rounds, r -> r[1].cpuMicrosPerCall() / r[0].cpuMicrosPerCall());
        double bAlloc = median(rounds, r -> r[1].allocBytesPerCall() / r[0].allocBytesPerCall());
        double proofCpu = median(rounds, r -> r[2].cpuMicrosPerCall() - r[0].cpuMicrosPerCall());
        double proofAlloc = median(rounds, r -> r[2].allocBytesPerCall() - r[0].allocBytesPerCall());
        sb.append(String.format(Locale.ROOT, "- **(b)/(a): CPU %.2fx, allocation %.2fx** (target <= 1.05x: %s)\n",
                bCpu, bAlloc, bCpu <= 1.05 && bAlloc <= 1.05 ? "met" : "**missed** (noisy unless the machine is quiet)"));
        sb.append(String.format(Locale.ROOT, "- **(c) - (a): %+.1f us CPU and %+,.0f B allocated per call**: the DPoP "
                        + "proof (claims, ES256 signature, headers), background nonce precomputation included\n\n",
                proofCpu, proofAlloc));
        sb.append("| variant | calls/s | CPU us/call | alloc B/call | p50 us | p99 us | CPU vs (a) | alloc vs (a) "
                + "| CPU spread | errors |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int v = 0; v < 3; v++) {
            int i = v;
            double[] cpus = rounds.stream().mapToDouble(r -> r[i].cpuMicrosPerCall()).sorted().toArray();
            double spread = cpus.length == 0 ? Double.NaN : (cpus[cpus.length - 1] - cpus[0]) / cpus[cpus.length / 2];
            sb.append(String.format(Locale.ROOT, "| %s | %,.0f | %.1f | %,.0f | %.0f | %.0f | %.2fx | %.2fx | %.0f%% | "
                            + "%d |\n", LABELS[v], median(rounds, r -> r[i].callsPerSecond()),
                    median(rounds, r -> r[i].cpuMicrosPerCall()), median(rounds, r -> r[i].allocBytesPerCall()),
                    median(rounds, r -> r[i].p50Micros()), median(rounds, r -> r[i].p99Micros()),
                    median(rounds, r -> r[i].cpuMicrosPerCall() / r[0].cpuMicrosPerCall()),
                    median(rounds, r -> r[i].allocBytesPerCall() / r[0].allocBytesPerCall()), 100 * spread,
                    rounds.stream().mapToLong(r -> r[i].errors()).sum()));
        }
        return sb.append('\n').toString();
    }

    private static double median(List<RunResult[]> rounds, ToDoubleFunction<RunResult[]> metric) {
        double[] v = rounds.stream().mapToDouble(metric).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** A store holding one valid token (10 h) for {@code endpoint}; DPoP-bound to a new ES256 key when asked. */
    private static InMemoryTokenStore store(URI endpoint, boolean dpop) {
        Instant now = Instant.now();
        String issuer = "https://as.bench.invalid";
        CredentialKey key = new CredentialKey(endpoint.toString(), issuer, "bench-client");
        ClientRegistration registration = new ClientRegistration(issuer, "bench-client", null, "none", List.of());
        String dpopKey = dpop ? DpopKey.generate(DpopAlgorithm.ES256, new SecureRandom()).toPrivateJwk() : null;
        OAuthTokens tokens = new OAuthTokens(TOKEN, dpop ? "DPoP" : "Bearer", null, now.plus(Duration.ofHours(10)),
                Set.of("mcp"), dpopKey);
        InMemoryTokenStore store = new InMemoryTokenStore();
        store.save(new StoredCredentials(endpoint.toString(), key, registration, tokens,
                issuer + "/token", false, now)).block(Duration.ofSeconds(10));
        return store;
    }
}
