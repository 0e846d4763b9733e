package dev.reactivemcp.oauth.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.FileTokenStore;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.transport.ExchangeFunction;
import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.McpHttpResponse;
import dev.reactivemcp.transport.ProtocolNegotiation;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * Issue 9 item 3: no rotated refresh token is lost on our side. Real HTTP on loopback against {@link GrantServer},
 * which rotates refresh tokens and revokes the whole grant when an old one comes back; real {@link McpClient},
 * {@link McpOAuth} and {@link FileTokenStore}. Each "process" has its own event loop and connection pool, and its
 * exit disposes them: whatever it still has in flight is cut off, as at JVM exit. The next process is a fresh
 * {@code McpOAuth} over a fresh {@code FileTokenStore} on the same file.
 */
class ShutdownKeepsRotatedTokensTest {

    private static final Duration LIFETIME = Duration.ofSeconds(30);
    /** 27.2 s after issue: past the latest prefetch instant of a 30 s token (27 s), before its stale one. */
    private static final Duration INTO_WINDOW = Duration.ofMillis(27_200);

    private final TestClock clock = TestClock.manual();
    @TempDir
    Path dir;

    /** One process's worth of client: own loop and connections, so exit() cuts off what is in flight. */
    private final class Process {
        final LoopResources loops = LoopResources.create("process", 1, true);
        final HttpClient http = HttpClient.create(ConnectionProvider.newConnection()).runOn(loops);
        final McpOAuth oauth;
        final McpClient client;

        Process(GrantServer server, Path file) {
            URI endpoint = URI.create(server.mcpUrl());
            oauth = McpOAuth.builder().tokenStore(FileTokenStore.at(file)).clock(clock).httpClient(http).build();
            client = McpClient.builder(endpoint).negotiation(ProtocolNegotiation.legacyOnly()).listeningStream(false)
                    .httpClient(http).filter(oauth.filterFor(endpoint)).build();
        }

        void exit() {
            loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
        }
    }

    private static CredentialKey key(GrantServer server) {
        return new CredentialKey(server.mcpUrl(), server.issuer(), "client-1");
    }

    private void login(GrantServer server, Path file) {
        String accessToken = server.login();
        ClientRegistration registration = new ClientRegistration(server.issuer(), "client-1", null, "none", List.of());
        FileTokenStore.at(file).save(new StoredCredentials(server.mcpUrl(), key(server), registration,
                new OAuthTokens(accessToken, "Bearer", server.newest(), clock.instant().plus(LIFETIME), Set.of("mcp")),
                server.tokenUrl(), false, clock.instant())).block();
    }

    private StoredCredentials onDisk(GrantServer server, Path file) {
        return FileTokenStore.at(file).load(key(server)).block();
    }

    /** Moves the clock to {@code sinceIssue} after the stored token was issued (never backwards). */
    private void advanceTo(GrantServer server, Path file, Duration sinceIssue) {
        Instant target = onDisk(server, file).updatedAt().plus(sinceIssue);
        if (clock.instant().isBefore(target)) {
            clock.advance(Duration.between(clock.instant(), target));
        }
    }

    /** connect, one tool call, close; then {@code shutdown} or not; then exit. Returns whether it all worked. */
    private boolean run(GrantServer server, Path file, boolean shutdown) {
        int before = server.tokenRequests.get();
        Process p = new Process(server, file);
        try {
            p.client.connect().block(Duration.ofSeconds(10));
            p.client.callTool("echo", Map.of()).block(Duration.ofSeconds(10));
            p.client.close().block(Duration.ofSeconds(10));
            if (shutdown) {
                p.oauth.shutdown().block(Duration.ofSeconds(15));
            } else {
                // the process exits while its prefetch is in flight: once the server has the token request (it
                // answers after its delay), not before it was sent, which a fast connect-call-close would race
                server.tokenRequestsReceived.drainPermits();
                if (server.tokenRequests.get() == before) {
                    try {
                        server.tokenRequestsReceived.tryAcquire(10, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            return true;
        } catch (RuntimeException failed) {
            return false;
        } finally {
            p.exit();
        }
    }

    @Test
    void aHundredRunsOfConnectCallCloseExitInsideTheRefreshWindowLoseNoSession() {
        Path file = dir.resolve("tokens.json");
        try (GrantServer server = new GrantServer(clock, LIFETIME, Duration.ofMillis(50))) {
            login(server, file);
            int failedRuns = 0;
            int behindOnDisk = 0;
            for (int i = 0; i < 100; i++) {
                advanceTo(server, file, INTO_WINDOW);
                if (!run(server, file, true)) {
                    failedRuns++;
                }
                StoredCredentials stored = onDisk(server, file);
                if (!stored.tokens().refreshToken().equals(server.newest()) || stored.rejected()) {
                    behindOnDisk++;
                    login(server, file); // count it and carry on from a fresh login
                }
            }

            System.out.printf("shutdown runs: runs=100 failedRuns=%d behindOnDisk=%d revocations=%d tokenRequests=%d"
                    + " deletes=%d%n", failedRuns, behindOnDisk, server.revocations.get(), server.tokenRequests.get(),
                    server.deletes.get());
            assertThat(server.revocations).as("grants revoked for refresh token reuse (lost sessions)").hasValue(0);
            assertThat(behindOnDisk).as("runs after which the file lacked the newest refresh token").isZero();
            assertThat(failedRuns).isZero();
            assertThat(server.toolCalls).hasValue(100);
            assertThat(server.deletes).as("every close deleted its session with a valid token").hasValue(100);
            assertThat(server.tokenRequests).as("one prefetch per run, none started by close()").hasValue(100);
        }
    }

    @Test
    void anExitThatDoesNotWaitForTheRefreshInFlightLosesTheSessionWhichIsWhyShutdownWaits() {
        try (GrantServer server = new GrantServer(clock, LIFETIME, Duration.ofMillis(500))) {
            int lost = 0;
            for (int i = 0; i < 5; i++) {
                // a file per run: each "process" starts from its own fresh login, whatever the one before left
                // behind in this JVM (a real exit ends a process's refresh and its file lock; disposing its event
                // loops here does not)
                Path file = dir.resolve("tokens-" + i + ".json");
                login(server, file);
                advanceTo(server, file, INTO_WINDOW);
                run(server, file, false); // exits once the server has the prefetch's token request
                if (!onDisk(server, file).tokens().refreshToken().equals(server.newest())) {
                    lost++;
                }
            }
            System.out.printf("exits without shutdown: runs=5 lostSessions=%d tokenRequests=%d%n", lost,
                    server.tokenRequests.get());
            // Without shutdown() the token request is answered after the process is gone: the server rotated (it
            // commits the rotation when it receives the request), the file kept the old refresh token, and the next
            // process presenting it would have the grant revoked (reuse detection).
            assertThat(server.tokenRequests).as("one prefetch per run").hasValue(5);
            assertThat(lost).as("lost sessions without shutdown()").isPositive();
        }
    }

    @Test
    void refreshesCancelledAtSeededRandomPointsAlwaysLeaveTheNewestRefreshTokenOnDisk() {
        Path file = dir.resolve("tokens.json");
        Random random = new Random(20261206L);
        McpHttpRequest post = McpHttpRequest.of("POST", URI.create("http://mcp.invalid/mcp")).withBody("{}".getBytes());
        ExchangeFunction resourceServer = request -> Mono.just(McpHttpResponse.of(200, Headers.empty(), new byte[0]));
        AtomicInteger cutOff = new AtomicInteger();
        int[] ways = new int[3];   // timeout, first signal wins, dispose() on a blocking thread
        try (GrantServer server = new GrantServer(clock, LIFETIME, Duration.ofMillis(20))) {
            login(server, file);
            int behindOnDisk = 0;
            for (int i = 0; i < 100; i++) {
                advanceTo(server, file, LIFETIME.plusSeconds(1)); // expired: the caller waits for the refresh
                Process p = new Process(server, file);
                long at = random.nextInt(60);
                Mono<McpHttpResponse> call = p.oauth.filterFor(URI.create(server.mcpUrl())).filter(post, resourceServer);
                int way = random.nextInt(3);
                ways[way]++;
                try {
                    switch (way) {
                        case 0 -> call.timeout(Duration.ofMillis(at)).onErrorResume(e -> {
                            cutOff.incrementAndGet();
                            return Mono.empty();
                        }).block(Duration.ofSeconds(10));
                        case 1 -> Mono.firstWithSignal(call, Mono.delay(Duration.ofMillis(at))
                                .doOnNext(x -> cutOff.incrementAndGet()).then(Mono.empty()))
                                .block(Duration.ofSeconds(10));
                        // dispose() blocks only off the event loops: run it where a service's shutdown runs
                        default -> Mono.when(call.onErrorResume(e -> Mono.empty()),
                                Mono.delay(Duration.ofMillis(at)).publishOn(Schedulers.boundedElastic())
                                        .then(Mono.fromRunnable(p.oauth::dispose)))
                                .block(Duration.ofSeconds(10));
                    }
                    p.oauth.shutdown().block(Duration.ofSeconds(15));
                } finally {
                    p.exit();
                }
                StoredCredentials stored = onDisk(server, file);
                if (!stored.tokens().refreshToken().equals(server.newest()) || stored.rejected()) {
                    behindOnDisk++;
                    login(server, file);
                }
            }

            System.out.printf("cancelled refreshes: runs=100 (timeout %d, first-signal %d, dispose %d)"
                    + " callersCutOff=%d behindOnDisk=%d revocations=%d tokenRequests=%d%n", ways[0], ways[1],
                    ways[2], cutOff.get(), behindOnDisk, server.revocations.get(), server.tokenRequests.get());
            assertThat(server.revocations).as("grants revoked (lost sessions)").hasValue(0);
            assertThat(behindOnDisk).as("runs after which the file lacked the newest refresh token").isZero();
            assertThat(server.tokenRequests.get()).as("at most one refresh per run (none when dispose() came first)")
                    .isBetween(50, 100);
            assertThat(cutOff.get()).as("callers that left before their refresh ended").isPositive();
        }
    }
}
