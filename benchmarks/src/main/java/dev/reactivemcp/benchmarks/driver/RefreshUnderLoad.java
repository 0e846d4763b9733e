package dev.reactivemcp.benchmarks.driver;

import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.InMemoryTokenStore;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.transport.ExchangeFilterFunction;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * Refresh under load (issue 5): {@code --calls} (10,000) concurrent {@code tools/call}s through one {@code McpClient}
 * with the {@code McpOAuth.filterFor} token filter, against the loopback {@code BenchServer} (its own JVM, with
 * {@code --require-bearer}: a wrong or missing token gets 401) and a token endpoint on loopback (in this JVM,
 * answering after {@code --token-delay-ms}, 50, on its own event loop, as a remote server would). Per round: one
 * burst with a valid token, then the OAuth clock is moved 2 h ahead so that the stored token is expired, then the
 * same burst, which must make exactly one token request. {@code --warmup} unreported rounds first (JIT, class
 * loading of the refresh path, the pool's connections). Reports token requests, requests that still carried the expired token, the time of the token request and
 * the latency added to the burst (p50/p99/max against the valid-token burst of the same round).
 *
 * <pre>
 * java -cp ... dev.reactivemcp.benchmarks.driver.RefreshUnderLoad [--calls=10000] [--rounds=5] [--warmup=1]
 *     [--token-delay-ms=50] [--server-delay-ms=0] [--connections=2000] [--dpop]
 *     [--out=benchmarks/results/refresh-latest.md]
 * </pre>
 * With {@code --redis}: the two-JVM variant on one Redis ({@link RefreshRedis}).
 * With {@code --dpop} the stored tokens are DPoP-bound (RFC 9449) to an ES256 key stored with them: every call
 * carries {@code Authorization: DPoP} and a fresh proof, and so does the refresh (the token endpoint counts the
 * proofs it received; it and BenchServer check the token, not the proof: the proof itself is measured by
 * {@code DpopProofBenchmark} and verified by the unit and interop tests).
 * Blocks only at the top of {@link #main} and of {@link #section} (called from the load driver's main).
 * Tokens are benchmark-made values and are never printed.
 */
public final class RefreshUnderLoad {

    private static final String CLIENT_ID = "bench-client";

    private RefreshUnderLoad() { }

    /** Settings; see the class comment. */
    record Options(int calls, int rounds, int warmup, long tokenDelayMs, long serverDelayMs, int connections,
                   Path out, boolean dpop) {

        static Options parse(String[] args) {
            Flags f = Flags.parse(args);
            int calls = f.integer("calls", 10_000);
            int rounds = f.integer("rounds", 5);
            int warmup = f.integer("warmup", 1);
            long tokenDelay = f.longInteger("token-delay-ms", 50);
            long serverDelay = f.longInteger("server-delay-ms", 0);
            int connections = f.integer("connections", 2000);
            Path out = f.path("out", null);
            boolean dpop = f.isSet("dpop");
            f.rejectUnknown();
            if (calls < 1 || calls > 100_000 || rounds < 1 || rounds > 20 || warmup < 0 || warmup > 10
                    || tokenDelay < 0 || serverDelay < 0 || connections < 1) {
                throw new IllegalArgumentException("calls 1..100000, rounds 1..20, warmup 0..10, delays >= 0");
            }
            return new Options(calls, rounds, warmup, tokenDelay, serverDelay, connections, out, dpop);
        }
    }

    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--redis")) {
            RefreshRedis.main(args);   // two JVMs sharing one RedisTokenStore: see RefreshRedis
            return;
        }
        Options o = Options.parse(args);
        StandaloneReport.emit("Token refresh under load", section(o), o.out());
        System.exit(0);
    }

    /** One burst: per-call latencies (nanoseconds, sorted) and the token request seen during it. */
    record Burst(int ok, long errors, String firstError, double wallMillis, double firstDoneMillis, long[] sorted,
                 int tokenRequests,
                 int invalidGrants, double tokenClientMillis, double tokenServerMillis, double tokenDoneMillis,
                 long staleSent) {

        double p(double q) {
            return LoadRun.percentile(sorted, q) / 1e6;
        }

        double max() {
            return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6;
        }
    }

    /** One round: the valid-token burst, then the expired-token burst. */
    record Round(Burst valid, Burst expired) { }

    /** Runs the test and returns its markdown section (level-2 heading). Blocks: call from a main thread. */
    static String section(Options o) throws IOException {
        int tokensNeeded = o.warmup() + o.rounds() + 1;
        StringJoiner accepted = new StringJoiner(",");
        for (int i = 0; i < tokensNeeded; i++) {
            accepted.add(accessToken(i));
        }
        List<Round> rounds = new ArrayList<>();
        String serverStats;
        String dpop;
        LoadDriver.log("refresh under load: " + o.calls() + " calls, token endpoint delay " + o.tokenDelayMs()
                + " ms, " + o.rounds() + " rounds");
        try (TokenEndpoint auth = new TokenEndpoint(Duration.ofMillis(o.tokenDelayMs()));
             ServerProcess mcp = ServerProcess.start("--mode=json", "--delay-ms=" + o.serverDelayMs(),
                     "--require-bearer=" + accepted)) {
            URI endpoint = mcp.endpoint();
            ShiftedClock clock = new ShiftedClock();
            InMemoryTokenStore store = new InMemoryTokenStore();
            store.save(credentials(endpoint, auth, clock.instant(), o.dpop())).block(Duration.ofSeconds(10));
            HttpClient authHttp = HttpClient.create()
                    .doOnRequest((request, connection) -> auth.clientSent.set(System.nanoTime()))
                    .doOnResponse((response, connection) -> auth.clientReceived.set(System.nanoTime()));
            McpOAuth oauth = McpOAuth.builder().tokenStore(store).clock(clock).httpClient(authHttp).build();
            // Innermost: sees the request as sent, counts those still carrying the expired token (never printed).
            AtomicReference<String> staleAuthorization = new AtomicReference<>();
            LongAdder staleSent = new LongAdder();
            ExchangeFilterFunction recorder = (request, next) -> {
                String stale = staleAuthorization.get();
                if (stale != null && stale.equals(request.headers().first("Authorization").orElse(null))) {
                    staleSent.increment();
                }
                return next.exchange(request);
            };
            SdkClient client = new SdkClient(endpoint, false, Http.pooled("refresh", o.connections()),
                    oauth.filterFor(endpoint).andThen(recorder));
            client.connect().block(Duration.ofSeconds(30));
            for (int r = 1 - o.warmup(); r <= o.rounds(); r++) {
                boolean validFirst = r % 2 != 0; // alternate the order: neither burst always runs on a warmer JVM
                Burst valid = validFirst ? burst(client, o.calls(), auth, staleSent) : null;
                staleAuthorization.set((o.dpop() ? "DPoP " : "Bearer ") + accessToken(auth.generation.get()));
                clock.advance(Duration.ofHours(2)); // the stored token (1 h) is now past expiry: callers must wait
                Burst expired = burst(client, o.calls(), auth, staleSent);
                staleAuthorization.set(null);
                if (!validFirst) {
                    valid = burst(client, o.calls(), auth, staleSent); // the refreshed token, valid for an hour
                }
                if (r >= 1) {
                    rounds.add(new Round(valid, expired));
                }
                LoadDriver.log(String.format(Locale.ROOT, "  %s %d: valid p50 %.1f p99 %.1f max %.1f wall %.0f ms; "
                                + "expired p50 %.1f p99 %.1f max %.1f wall %.0f ms; token requests %d (%.1f ms); "
                                + "stale sent %d; errors %d/%d", r >= 1 ? "round" : "warm-up", r >= 1 ? r : r + o.warmup(),
                        valid.p(0.5), valid.p(0.99), valid.max(), valid.wallMillis(), expired.p(0.5),
                        expired.p(0.99), expired.max(), expired.wallMillis(), expired.tokenRequests(),
                        expired.tokenClientMillis(), expired.staleSent(), valid.errors(), expired.errors()));
            }
            client.close();
            oauth.dispose();
            mcp.close();
            serverStats = mcp.stats();
            dpop = o.dpop() ? String.format(Locale.ROOT, "- DPoP on (ES256 key stored with the tokens): %d of %d token "
                    + "requests carried a proof\n", auth.proofs.get(), auth.requests.get()) : "";
        }
        return render(o, rounds, serverStats, dpop);
    }

    private static Burst burst(SdkClient client, int calls, TokenEndpoint auth, LongAdder staleSent) {
        int requestsBefore = auth.requests.get();
        int invalidBefore = auth.invalidGrants.get();
        auth.resetTiming();
        staleSent.reset();
        Bursts.Result r = Bursts.fire(client, calls);
        long t0 = r.startedAt();
        double wall = (r.endedAt() - t0) / 1e6;
        return new Burst(r.done(), r.errors(), r.firstError(), wall, millisBetween(t0, r.firstDoneAt()),
                r.sortedLatencies(), auth.requests.get() - requestsBefore, auth.invalidGrants.get() - invalidBefore,
                millisBetween(auth.clientSent.get(), auth.clientReceived.get()),
                millisBetween(auth.serverArrived.get(), auth.serverAnswered.get()),
                millisBetween(t0, auth.clientReceived.get()), staleSent.sum());
    }

    private static double millisBetween(long from, long to) {
        return from == 0 || to == 0 ? Double.NaN : (to - from) / 1e6;
    }

    private static String render(Options o, List<Round> rounds, String serverStats, String dpop) {
        StringBuilder sb = new StringBuilder("## Token refresh under load (this SDK + mcp-oauth" + (o.dpop() ? ", DPoP"
                : "") + ")\n\n").append(dpop);
        int[] tokenRequests = rounds.stream().mapToInt(r -> r.expired().tokenRequests()).toArray();
        boolean exactlyOne = Arrays.stream(tokenRequests).allMatch(n -> n == 1)
                && rounds.stream().allMatch(r -> r.valid().tokenRequests() == 0);
        long errors = rounds.stream().mapToLong(r -> r.valid().errors() + r.expired().errors()).sum();
        long stale = rounds.stream().mapToLong(r -> r.expired().staleSent()).sum();
        int invalid = rounds.stream().mapToInt(r -> r.valid().invalidGrants() + r.expired().invalidGrants()).sum();
        sb.append(String.format(Locale.ROOT, "- %,d concurrent `tools/call`s from one `McpClient` (legacy JSON, "
                        + "filter `McpOAuth.filterFor(uri)`, `InMemoryTokenStore`, pool of %,d connections) against "
                        + "the loopback BenchServer (own JVM, `--require-bearer`, answers after %d ms); token endpoint "
                        + "on loopback in the driver JVM (own event loop), answering after %d ms. %d unreported warm-up "
                        + "round(s), then per round: a burst with a valid token and the same burst with the OAuth clock "
                        + "moved 2 h ahead (stored token expired), in alternating order (first in the table). Latency: each call from its own "
                        + "subscription; first: the first call done, from the start of the burst.\n",
                o.calls(), o.connections(), o.serverDelayMs(), o.tokenDelayMs(), o.warmup()));
        sb.append(String.format(Locale.ROOT, "- **token requests per expired-token burst: %s** (target: exactly 1; "
                        + "%s); in valid-token bursts: %d; invalid_grant answers: %d; requests sent with the expired "
                        + "token: %d; errors: %d; server: %s\n",
                Arrays.toString(tokenRequests), exactlyOne ? "met" : "**missed**",
                rounds.stream().mapToInt(r -> r.valid().tokenRequests()).sum(), invalid, stale, errors,
                serverStats == null || serverStats.isEmpty() ? "n/a" : serverStats));
        sb.append(String.format(Locale.ROOT, "- token request (median over rounds): %.1f ms from sending it to its "
                        + "response headers (client side), of which the endpoint held it %.1f ms (configured delay "
                        + "%d ms); it answered %.1f ms after the burst started\n",
                median(rounds, r -> r.expired().tokenClientMillis()), median(rounds, r -> r.expired().tokenServerMillis()),
                o.tokenDelayMs(), median(rounds, r -> r.expired().tokenDoneMillis())));
        sb.append(String.format(Locale.ROOT, "- latency added by the expired token (median over rounds of expired "
                        + "minus valid): p50 %+.1f ms, p99 %+.1f ms, max %+.1f ms; burst wall time %+.1f ms\n",
                median(rounds, r -> r.expired().p(0.5) - r.valid().p(0.5)),
                median(rounds, r -> r.expired().p(0.99) - r.valid().p(0.99)),
                median(rounds, r -> r.expired().max() - r.valid().max()),
                median(rounds, r -> r.expired().wallMillis() - r.valid().wallMillis())));
        sb.append(String.format(Locale.ROOT, "- first call done (median over rounds): %.1f ms after the start of the "
                        + "valid-token burst, %.1f ms after the start of the expired-token burst (it waits for the token "
                        + "request)\n\n",
                median(rounds, r -> r.valid().firstDoneMillis()), median(rounds, r -> r.expired().firstDoneMillis())));
        sb.append("| round (first) | token requests | valid first / p50 / p99 / max (ms) | expired first / p50 / p99 / "
                + "max (ms) | added p50 / p99 / max (ms) | wall valid / expired (ms) | token request (ms) | errors |\n");
        sb.append("|---|---:|---|---|---|---|---:|---:|\n");
        for (int i = 0; i < rounds.size(); i++) {
            Burst v = rounds.get(i).valid();
            Burst e = rounds.get(i).expired();
            sb.append(String.format(Locale.ROOT, "| %d (%s) | %d | %.1f / %.1f / %.1f / %.1f | %.1f / %.1f / %.1f / %.1f | "
                            + "%+.1f / %+.1f / %+.1f | %.0f / %.0f | %.1f | %d%s |\n", i + 1,
                    (i + 1) % 2 != 0 ? "valid" : "expired", e.tokenRequests(),
                    v.firstDoneMillis(), v.p(0.5), v.p(0.99), v.max(), e.firstDoneMillis(), e.p(0.5), e.p(0.99),
                    e.max(),
                    e.p(0.5) - v.p(0.5), e.p(0.99) - v.p(0.99), e.max() - v.max(), v.wallMillis(), e.wallMillis(),
                    e.tokenClientMillis(), v.errors() + e.errors(),
                    firstError(v, e)));
        }
        return sb.toString();
    }

    private static String firstError(Burst v, Burst e) {
        String err = v.firstError() != null ? v.firstError() : e.firstError();
        return err == null ? "" : " (`" + err.replace('`', '\'').replace('|', '/') + "`)";
    }

    private static double median(List<Round> rounds, ToDoubleFunction<Round> metric) {
        double[] v = rounds.stream().mapToDouble(metric).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String accessToken(int generation) {
        return "bench-at-" + generation;
    }

    private static String refreshToken(int generation) {
        return "bench-rt-" + generation;
    }

    /** Generation 0: valid for an hour from {@code now}, refreshable at the loopback token endpoint. */
    private static StoredCredentials credentials(URI endpoint, TokenEndpoint auth, Instant now, boolean dpop) {
        String issuer = auth.issuer();
        CredentialKey key = new CredentialKey(endpoint.toString(), issuer, CLIENT_ID);
        ClientRegistration registration = new ClientRegistration(issuer, CLIENT_ID, null, "none", List.of());
        String dpopKey = dpop ? dev.reactivemcp.oauth.internal.dpop.DpopKey.generate(
                dev.reactivemcp.oauth.internal.dpop.DpopAlgorithm.ES256, new java.security.SecureRandom()).toPrivateJwk()
                : null;
        OAuthTokens tokens = new OAuthTokens(accessToken(0), dpop ? "DPoP" : "Bearer", refreshToken(0),
                now.plus(Duration.ofHours(1)), Set.of("mcp"), dpopKey);
        return new StoredCredentials(endpoint.toString(), key, registration, tokens, auth.url(), false, now);
    }

    /** The system clock shifted by an offset the test moves forward: how the stored token expires. */
    static final class ShiftedClock extends Clock {
        private final AtomicLong offsetMillis = new AtomicLong();

        void advance(Duration d) {
            offsetMillis.addAndGet(d.toMillis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plusMillis(offsetMillis.get());
        }
    }

    /**
     * A refresh-token grant endpoint on loopback, port 0: accepts the current refresh token once (rotation), answers
     * {@code bench-at-N} / {@code bench-rt-N} (expires_in 3600) after the configured delay, {@code invalid_grant}
     * otherwise. Counts requests; records when the last one arrived and was answered.
     */
    static final class TokenEndpoint implements AutoCloseable {
        final AtomicInteger requests = new AtomicInteger();
        /** Token requests that carried a {@code DPoP} proof header. */
        final AtomicInteger proofs = new AtomicInteger();
        final AtomicInteger invalidGrants = new AtomicInteger();
        final AtomicInteger generation = new AtomicInteger();
        final AtomicLong serverArrived = new AtomicLong();
        final AtomicLong serverAnswered = new AtomicLong();
        final AtomicLong clientSent = new AtomicLong();
        final AtomicLong clientReceived = new AtomicLong();
        private final LoopResources loops = LoopResources.create("bench-token-endpoint", 1, true);
        private final DisposableServer server;

        TokenEndpoint(Duration delay) {
            this.server = HttpServer.create().host("127.0.0.1").port(0).runOn(loops)
                    .route(routes -> routes.post("/token", (request, response) -> request.receive().aggregate()
                            .asString()
                            .defaultIfEmpty("")
                            .flatMap(body -> {
                                requests.incrementAndGet();
                                boolean proved = request.requestHeaders().contains("DPoP");
                                if (proved) {
                                    proofs.incrementAndGet();
                                }
                                serverArrived.set(System.nanoTime());
                                Map<String, String> form = parse(body);
                                int current = generation.get();
                                boolean ok = "refresh_token".equals(form.get("grant_type"))
                                        && refreshToken(current).equals(form.get("refresh_token"))
                                        && generation.compareAndSet(current, current + 1);
                                Mono<String> answer = ok
                                        ? Mono.just("{\"access_token\":\"" + accessToken(current + 1)
                                        + "\",\"token_type\":\"" + (proved ? "DPoP" : "Bearer")
                                        + "\",\"expires_in\":3600,\"refresh_token\":\""
                                        + refreshToken(current + 1) + "\"}")
                                        : Mono.just("{\"error\":\"invalid_grant\"}");
                                if (!ok) {
                                    invalidGrants.incrementAndGet();
                                }
                                return answer.delayElement(delay)
                                        .flatMap(json -> {
                                            serverAnswered.set(System.nanoTime());
                                            return response.status(ok ? 200 : 400)
                                                    .header("Content-Type", "application/json")
                                                    .header("Cache-Control", "no-store")
                                                    .sendString(Mono.just(json)).then();
                                        });
                            })))
                    .bindNow(Duration.ofSeconds(10));
        }

        void resetTiming() {
            serverArrived.set(0);
            serverAnswered.set(0);
            clientSent.set(0);
            clientReceived.set(0);
        }

        String issuer() {
            return "http://127.0.0.1:" + server.port();
        }

        String url() {
            return issuer() + "/token";
        }

        private static Map<String, String> parse(String body) {
            Map<String, String> out = new LinkedHashMap<>();
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            return out;
        }

        @Override
        public void close() {
            server.disposeNow(Duration.ofSeconds(5));
            loops.dispose();
        }
    }
}
