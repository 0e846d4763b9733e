package dev.reactivemcp.benchmarks.jmh;

import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.InMemoryTokenStore;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.transport.ExchangeFilterFunction;
import dev.reactivemcp.transport.ExchangeFunction;
import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.McpHttpResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/**
 * One pass of a {@code tools/call} request through the OAuth token filter of {@code McpOAuth.filterFor(uri)} with a
 * valid token (expires in an hour: no refresh, no prefetch) already in an {@link InMemoryTokenStore}, the next
 * {@link ExchangeFunction} answering a ready 200 ({@code Mono.just}). Everything is synchronous: one operation is
 * {@code filter(request, next).subscribe(sink)} up to the response reaching the sink. Target: < 1 µs.
 *
 * <p>Yardsticks in the same run: {@code noFilter} (the downstream and the sink alone: the harness),
 * {@code handWrittenBearer} ({@code next.exchange(request.withHeader("Authorization", constant))}: the least any
 * header-adding filter costs on this request type) and {@code staticBearerFilter} ({@code McpOAuth} with
 * {@code bearerToken(...)}). {@code tokenLength}: an opaque token (43 chars) and a JWT-sized one (1,024 chars).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TokenFilterBenchmark {

    @Param({"43", "1024"})
    public int tokenLength;

    private static final URI ENDPOINT = URI.create("http://127.0.0.1:9/mcp");

    private McpOAuth oauth;
    private McpOAuth staticOAuth;
    private ExchangeFilterFunction tokenFilter;
    private ExchangeFilterFunction staticFilter;
    private ExchangeFilterFunction handWritten;
    private McpHttpRequest request;
    private ExchangeFunction next;
    private final Sink sink = new Sink();

    @Setup
    public void setUp() {
        String token = token(tokenLength);
        String issuer = "http://127.0.0.1:9";
        CredentialKey key = new CredentialKey(ENDPOINT.toString(), issuer, "bench-client");
        ClientRegistration registration = new ClientRegistration(issuer, "bench-client", null, "none", List.of());
        Instant now = Instant.now();
        StoredCredentials credentials = new StoredCredentials(ENDPOINT.toString(), key, registration,
                new OAuthTokens(token, "Bearer", "bench-refresh-token", now.plus(Duration.ofHours(1)), Set.of("mcp")),
                issuer + "/token", false, now);
        InMemoryTokenStore store = new InMemoryTokenStore();
        store.save(credentials).block(Duration.ofSeconds(5)); // setup, outside the measured path
        oauth = McpOAuth.builder().tokenStore(store).build();
        tokenFilter = oauth.filterFor(ENDPOINT);
        staticOAuth = McpOAuth.builder().bearerToken(token).build();
        staticFilter = staticOAuth.filterFor(ENDPOINT);
        String header = "Bearer " + token;
        handWritten = (r, n) -> n.exchange(r.withHeader("Authorization", header));

        byte[] body = ("{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                + "\"arguments\":{\"message\":\"hello\"}}}").getBytes(StandardCharsets.UTF_8);
        Headers headers = Headers.builder()
                .set("Content-Type", "application/json")
                .set("Accept", "application/json, text/event-stream")
                .set("MCP-Protocol-Version", "2025-11-25")
                .set("Mcp-Session-Id", "bench-1")
                .build();
        request = McpHttpRequest.of("POST", ENDPOINT, headers, body, "tools/call");
        Mono<McpHttpResponse> ready = Mono.just(McpHttpResponse.of(200,
                Headers.builder().set("Content-Type", "application/json").build(), new byte[0]));
        next = r -> ready;

        // The measured path must be the real one: the token from the store on the request, status 200.
        for (ExchangeFilterFunction f : List.of(tokenFilter, staticFilter, handWritten)) {
            String[] seen = new String[1];
            McpHttpResponse response = f.filter(request, r -> {
                seen[0] = r.headers().first("Authorization").orElse(null);
                return ready;
            }).block(Duration.ofSeconds(5));
            if (response == null || response.status() != 200 || !header.equals(seen[0])) {
                throw new IllegalStateException("filter did not attach the stored token: " + f);
            }
        }
    }

    @TearDown
    public void tearDown() {
        oauth.dispose();
        staticOAuth.dispose();
    }

    private static String token(int length) {
        StringBuilder sb = new StringBuilder(length);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt((i * 31 + 7) % alphabet.length()));
        }
        return sb.toString();
    }

    @Benchmark
    public McpHttpResponse tokenFilterValidToken() {
        return sink.run(tokenFilter.filter(request, next));
    }

    @Benchmark
    public McpHttpResponse staticBearerFilter() {
        return sink.run(staticFilter.filter(request, next));
    }

    @Benchmark
    public McpHttpResponse handWrittenBearer() {
        return sink.run(handWritten.filter(request, next));
    }

    @Benchmark
    public McpHttpResponse noFilter() {
        return sink.run(next.exchange(request));
    }

    /** A reusable subscriber (one thread, one subscription at a time): no per-operation harness allocation. */
    static final class Sink implements CoreSubscriber<McpHttpResponse> {
        private McpHttpResponse value;
        private Throwable error;

        McpHttpResponse run(Mono<McpHttpResponse> mono) {
            value = null;
            mono.subscribe(this);
            if (value == null) {
                throw new IllegalStateException("no synchronous response", error);
            }
            return value;
        }

        @Override
        public void onSubscribe(Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(McpHttpResponse response) {
            value = response;
        }

        @Override
        public void onError(Throwable t) {
            error = t;
        }

        @Override
        public void onComplete() {
        }
    }
}
