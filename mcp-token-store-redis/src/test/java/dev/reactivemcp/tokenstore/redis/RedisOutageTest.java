package dev.reactivemcp.tokenstore.redis;

import static dev.reactivemcp.tokenstore.redis.Entries.ENDPOINT;
import static dev.reactivemcp.tokenstore.redis.Entries.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.TokenStoreException;
import dev.reactivemcp.transport.ExchangeFilterFunction;
import dev.reactivemcp.transport.ExchangeFunction;
import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.McpHttpResponse;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Redis down and restarted mid-run (a persistent server: it keeps what it acknowledged): the store fails promptly
 * with a typed error, the token filter keeps sending the valid token it holds, and both recover once Redis is back.
 */
class RedisOutageTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    /** Answers 200 to everything and records the Authorization header it saw. */
    private static final class Server implements ExchangeFunction {
        final Queue<String> tokens = new ConcurrentLinkedQueue<>();

        @Override
        public Mono<McpHttpResponse> exchange(McpHttpRequest request) {
            return Mono.fromSupplier(() -> {
                tokens.add(request.headers().first("Authorization").orElse("none"));
                return McpHttpResponse.of(200, Headers.empty(), new byte[0]);
            });
        }
    }

    private static Mono<Integer> call(ExchangeFilterFunction filter, Server server) {
        return filter.filter(McpHttpRequest.of("POST", URI.create(ENDPOINT)).withBody("{}".getBytes()), server)
                .map(McpHttpResponse::status);
    }

    @Test
    void redisRestartedMidRunGivesTypedFailuresWhileTheHeldTokenKeepsWorkingThenRecovers(@TempDir Path dir) {
        try (RedisProcess redis = RedisProcess.startPersistent(dir);
             RotatingTokenEndpoint tokenEndpoint = new RotatingTokenEndpoint("rt-0", Duration.ZERO)) {
            RedisTokenStore store = RedisTokenStore.builder(redis.uri()).commandTimeout(Duration.ofSeconds(1)).build();
            McpOAuth running = McpOAuth.builder().tokenStore(store).build();
            try {
                store.save(Entries.valid(tokenEndpoint.url(), "at-0", "rt-0")).block(WAIT);
                Server server = new Server();
                ExchangeFilterFunction filter = running.filterFor(URI.create(ENDPOINT));
                assertThat(call(filter, server).block(WAIT)).isEqualTo(200);

                redis.stop();

                long start = System.nanoTime();
                assertThatThrownBy(() -> store.load(key(CredentialKey.DEFAULT_OWNER)).block(WAIT))
                        .isInstanceOfSatisfying(TokenStoreException.class,
                                e -> assertThat(e.kind()).isEqualTo(TokenStoreException.Kind.IO))
                        .hasMessageContaining("127.0.0.1:" + redis.port());
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a prompt failure, not a hang")
                        .isLessThan(Duration.ofSeconds(5));
                assertThatThrownBy(() -> store.update(key(CredentialKey.DEFAULT_OWNER), c -> Mono.empty()).block(WAIT))
                        .isInstanceOf(TokenStoreException.class);
                List<Integer> during = Flux.range(0, 20).flatMap(i -> call(filter, server)).collectList().block(WAIT);
                assertThat(during).as("calls while Redis is down").hasSize(20).containsOnly(200);

                McpOAuth fresh = McpOAuth.builder().tokenStore(store).build();
                try {
                    assertThatThrownBy(() -> call(fresh.filterFor(URI.create(ENDPOINT)), server).block(WAIT))
                            .as("a replica that holds no token yet").satisfies(e -> assertThat(causes(e))
                                    .anySatisfy(c -> assertThat(c).isInstanceOf(TokenStoreException.class)));

                    redis.startAgain();

                    assertThat(store.load(key(CredentialKey.DEFAULT_OWNER))
                            .retryWhen(Retry.fixedDelay(100, Duration.ofMillis(100))).block(WAIT)
                            .tokens().refreshToken()).as("what Redis had acknowledged, after its restart")
                            .isEqualTo("rt-0");
                    assertThat(call(fresh.filterFor(URI.create(ENDPOINT)), server).block(WAIT)).isEqualTo(200);
                    assertThat(server.tokens).containsOnly("Bearer at-0");
                    assertThat(tokenEndpoint.requests).as("token requests").hasValue(0);
                } finally {
                    fresh.shutdown().block(WAIT);
                }
            } finally {
                running.shutdown().block(WAIT);
                store.shutdown().block(WAIT);
            }
        }
    }

    private static List<Throwable> causes(Throwable e) {
        List<Throwable> out = new java.util.ArrayList<>();
        for (Throwable t = e; t != null && !out.contains(t); t = t.getCause()) {
            out.add(t);
        }
        return out;
    }
}
