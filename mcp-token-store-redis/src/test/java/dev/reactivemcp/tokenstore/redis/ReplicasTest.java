package dev.reactivemcp.tokenstore.redis;

import static dev.reactivemcp.tokenstore.redis.Entries.ENDPOINT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.McpHttpResponse;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Replicas in separate JVMs sharing one Redis, against a token endpoint (in this JVM, so it counts every request of
 * every replica) that rotates refresh tokens and revokes the grant when one is presented twice.
 */
class ReplicasTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static RedisProcess redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisProcess.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    /** A child JVM running {@link ReplicaProcess}. */
    private static final class Replica implements AutoCloseable {
        final Process process;
        final BufferedReader out;
        final Writer in;
        final List<String> lines = new ArrayList<>();

        Replica(String... args) throws IOException {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+AllowRedefinitionToAddDeleteMethods", "-Xshare:off", "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"), ReplicaProcess.class.getName()));
            command.addAll(List.of(args));
            process = new ProcessBuilder(command).redirectError(new File("target/replica-" + ProcessHandle.current().pid()
                    + "-" + System.nanoTime() + ".err")).start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        /** The next line starting with {@code prefix} (earlier lines are kept for the failure message). */
        String await(String prefix) throws IOException {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            throw new AssertionError("replica ended before '" + prefix + "': " + lines);
        }

        void send(String line) throws IOException {
            in.write(line + "\n");
            in.flush();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void twoJvmsOfAHundredCallersWithAnExpiredTokenMakeExactlyOneTokenRequestAndNoInvalidGrant() throws Exception {
        try (RotatingTokenEndpoint tokenEndpoint = new RotatingTokenEndpoint("rt-0", Duration.ofMillis(100))) {
            RedisTokenStore store = RedisTokenStore.builder(redis.uri()).build();
            try {
                store.save(Entries.expired(tokenEndpoint.url(), "at-0", "rt-0")).block(WAIT);
                try (Replica one = new Replica("callers", redis.uri(), "100");
                     Replica two = new Replica("callers", redis.uri(), "100")) {
                    one.await("ready");
                    two.await("ready");
                    one.send("go");
                    two.send("go");
                    String doneOne = one.await("done");
                    String doneTwo = two.await("done");

                    assertThat(List.of(doneOne, doneTwo)).as("both replicas: %s %s", one.lines, two.lines)
                            .allSatisfy(done -> assertThat(done)
                                    .isEqualTo("done 100/100 statuses=[200] tokens=[Bearer at-1]"));
                    assertThat(one.process.waitFor(30, TimeUnit.SECONDS) && two.process.waitFor(30, TimeUnit.SECONDS))
                            .as("replicas shut down").isTrue();
                    assertThat(one.process.exitValue() + two.process.exitValue()).isZero();
                }
                assertThat(tokenEndpoint.requests).as("token requests, counted at the endpoint").hasValue(1);
                assertThat(tokenEndpoint.invalidGrants).as("invalid_grant answers").hasValue(0);
                StoredCredentials stored = store.load(new CredentialKey(ENDPOINT, Entries.ISSUER, "client-1"))
                        .block(WAIT);
                assertThat(stored.tokens().refreshToken()).isEqualTo("rt-1").isEqualTo(tokenEndpoint.validRefreshToken());
                assertThat(stored.rejected()).isFalse();
            } finally {
                store.shutdown().block(WAIT);
            }
        }
    }

    @Test
    void whenTheLockHolderIsKilledMidRefreshTheOtherReplicaProceedsAfterTheLeaseAndNothingPersistedIsLost()
            throws Exception {
        Duration lease = Duration.ofSeconds(2);
        try (RotatingTokenEndpoint tokenEndpoint = new RotatingTokenEndpoint("rt-0", Duration.ZERO)) {
            RedisTokenStore shared = RedisTokenStore.builder(redis.uri()).build();
            McpOAuth survivor = McpOAuth.builder().tokenStore(shared).build();
            try {
                shared.save(Entries.expired(tokenEndpoint.url(), "at-0", "rt-0")).block(WAIT);
                long killedAt;
                try (Replica holder = new Replica("holder", redis.uri(), Long.toString(lease.toMillis()))) {
                    assertThat(holder.await("holding")).isEqualTo("holding rt-0");
                    holder.process.destroyForcibly();   // SIGKILL: no release, no renewal, no shutdown hook
                    assertThat(holder.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
                    killedAt = System.nanoTime();
                }
                io.lettuce.core.RedisClient raw = io.lettuce.core.RedisClient.create(redis.uri());
                try (var connection = raw.connect()) {
                    assertThat(connection.sync().keys("mcp:tokens:lock:*")).as("the dead holder's lock").hasSize(1);
                } finally {
                    raw.shutdown();
                }

                List<String> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
                Integer status = survivor.filterFor(URI.create(ENDPOINT))
                        .filter(McpHttpRequest.of("POST", URI.create(ENDPOINT)).withBody("{}".getBytes()),
                                request -> Mono.fromSupplier(() -> {
                                    sent.add(request.headers().first("Authorization").orElse("none"));
                                    return McpHttpResponse.of(200, Headers.empty(), new byte[0]);
                                }))
                        .map(McpHttpResponse::status).block(WAIT);
                Duration waited = Duration.ofNanos(System.nanoTime() - killedAt);

                assertThat(status).isEqualTo(200);
                assertThat(sent).containsExactly("Bearer at-1");
                assertThat(waited).as("the survivor waited for the dead holder's lease, no longer")
                        .isLessThan(lease.plusSeconds(5));
                assertThat(tokenEndpoint.requests).as("token requests").hasValue(1);
                assertThat(tokenEndpoint.invalidGrants).as("invalid_grant answers").hasValue(0);
                assertThat(shared.load(new CredentialKey(ENDPOINT, Entries.ISSUER, "client-1")).block(WAIT)
                        .tokens().refreshToken()).isEqualTo("rt-1");
            } finally {
                survivor.shutdown().block(WAIT);
                shared.shutdown().block(WAIT);
            }
        }
    }
}
