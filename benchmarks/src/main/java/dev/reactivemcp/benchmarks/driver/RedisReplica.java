package dev.reactivemcp.benchmarks.driver;

import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.tokenstore.redis.RedisTokenStore;
import dev.reactivemcp.transport.ExchangeFilterFunction;
import dev.reactivemcp.transport.ExchangeFunction;
import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.McpHttpResponse;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One replica of the two-JVM Redis refresh test ({@link RefreshRedis}), in its own JVM:
 * {@code RedisReplica <redisUri> <endpoint> <calls>}. Prints {@code ready}; then for every {@code go <token>} line on
 * stdin (the token the driver expects after the refresh), builds a fresh {@code McpOAuth} over one
 * {@code RedisTokenStore} (so that no token is cached in memory from the round before), fires {@code calls} concurrent
 * requests through its token filter and prints
 * {@code done <ok> <errors> <wrongToken> <p50 ms> <p99 ms> <max ms> <wall ms>}; exits on {@code quit}. The requests
 * end at an in-process exchange that answers 200 and checks the Authorization header (this measures the token path:
 * the store, the lock in Redis, the refresh; not an MCP server). Tokens are never printed.
 */
public final class RedisReplica {

    private RedisReplica() { }

    public static void main(String[] args) throws Exception {
        String redisUri = args[0];
        URI endpoint = URI.create(args[1]);
        int calls = Integer.parseInt(args[2]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        RedisTokenStore store = RedisTokenStore.builder(redisUri).build();
        System.out.println("ready");
        System.out.flush();
        String line;
        while ((line = in.readLine()) != null && line.startsWith("go ")) {
            String expected = "Bearer " + line.substring(3);
            McpOAuth oauth = McpOAuth.builder().tokenStore(store).build();
            ExchangeFilterFunction filter = oauth.filterFor(endpoint);
            AtomicLong wrongToken = new AtomicLong();
            ExchangeFunction server = request -> Mono.fromSupplier(() -> {
                if (!expected.equals(request.headers().first("Authorization").orElse(null))) {
                    wrongToken.incrementAndGet();
                    return McpHttpResponse.of(401, Headers.empty(), new byte[0]);
                }
                return McpHttpResponse.of(200, Headers.empty(), new byte[0]);
            });
            long[] latencies = new long[calls];
            AtomicLong errors = new AtomicLong();
            AtomicReference<String> firstError = new AtomicReference<>();
            long t0 = System.nanoTime();
            Flux.range(0, calls).flatMap(i -> Mono.defer(() -> {
                long start = System.nanoTime();
                return filter.filter(McpHttpRequest.of("POST", endpoint).withBody("{}".getBytes(StandardCharsets.UTF_8)),
                                server)
                        .doOnNext(r -> {
                            latencies[i] = System.nanoTime() - start;
                            if (r.status() != 200) {
                                errors.incrementAndGet();
                            }
                        })
                        .onErrorResume(e -> {
                            latencies[i] = System.nanoTime() - start;
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, e.getClass().getSimpleName());
                            return Mono.empty();
                        });
            }), calls).blockLast(Duration.ofSeconds(120));
            double wall = (System.nanoTime() - t0) / 1e6;
            Arrays.sort(latencies);
            System.out.println(String.format(Locale.ROOT, "done %d %d %d %.2f %.2f %.2f %.1f %s", calls - errors.get(),
                    errors.get(), wrongToken.get(), LoadRun.percentile(latencies, 0.5) / 1e6,
                    LoadRun.percentile(latencies, 0.99) / 1e6, latencies[calls - 1] / 1e6, wall,
                    firstError.get() == null ? "-" : firstError.get()));
            System.out.flush();
            oauth.shutdown().block(Duration.ofSeconds(20));
        }
        store.shutdown().block(Duration.ofSeconds(20));
        System.exit(0);
    }
}
