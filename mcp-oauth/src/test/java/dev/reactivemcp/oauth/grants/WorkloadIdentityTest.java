package dev.reactivemcp.oauth.grants;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.oauth.AuthorizationCodeSource;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.WorkloadIdentity;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.transport.ExchangeFilterFunction;
import dev.reactivemcp.transport.spi.ReactorNettyExchange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * Workload identity (the JWT-bearer grant, RFC 7523 section 2.1) end to end against a loopback authorization server:
 * the platform JWT is sent as {@code assertion}, fetched from its source for every token request; a rejected
 * assertion is never presented again and no other grant (here: a configured login) is tried after a failure.
 */
class WorkloadIdentityTest {

    private static final String GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    private final TestClock clock = TestClock.manual();
    private final ReactorNettyExchange http = new ReactorNettyExchange(HttpClient.create());

    @Test
    void exchangesThePlatformJwtReadFromAFileForAnAccessToken(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "platform.jwt.one\n");
        try (CredentialsServer server = new CredentialsServer(clock, Duration.ofMinutes(10),
                r -> "platform.jwt.one".equals(r.form().get("assertion")) || "platform.jwt.two".equals(
                        r.form().get("assertion")) ? null : "invalid_grant")) {
            McpOAuth oauth = McpOAuth.builder().clock(clock)
                    .workloadIdentity(WorkloadIdentity.fromFile("workload-1", file)).build();
            ExchangeFilterFunction filter = oauth.filterFor(server.mcp());

            assertThat(status(filter, server)).isEqualTo(200);
            Files.writeString(file, "platform.jwt.two\n"); // the platform rotated its token
            clock.advance(Duration.ofMinutes(10));
            assertThat(status(filter, server)).isEqualTo(200);

            assertThat(server.tokenRequests).hasSize(2).allSatisfy(r -> {
                assertThat(r.form()).containsEntry("grant_type", GRANT).containsEntry("client_id", "workload-1")
                        .containsEntry("resource", server.base() + "/mcp");
                assertThat(r.authorization()).isNull();
            });
            assertThat(server.tokenRequests.stream().map(r -> r.form().get("assertion")))
                    .containsExactly("platform.jwt.one", "platform.jwt.two");
            assertThat(server.tokensSeen).containsExactly("none", "cc-1", "cc-2");
        }
    }

    @Test
    void aRejectedAssertionIsNeverSentAgainAndNoOtherGrantIsTried() {
        AtomicInteger logins = new AtomicInteger();
        AuthorizationCodeSource login = urls -> {
            logins.incrementAndGet();
            return Mono.error(new AssertionError("no login after a failed jwt-bearer request"));
        };
        try (CredentialsServer server = new CredentialsServer(clock, Duration.ofMinutes(10), r -> "invalid_grant")) {
            McpOAuth oauth = McpOAuth.builder().clock(clock).codeSource(login)
                    .workloadIdentity(WorkloadIdentity.jwtBearer("workload-1", Mono.just("stale.platform.jwt")))
                    .build();
            ExchangeFilterFunction filter = oauth.filterFor(server.mcp());

            Throwable first = error(filter, server);
            Throwable second = error(filter, server);

            assertThat(McpFailures.classify(first)).isInstanceOf(McpFailure.RequestRejected.class);
            assertThat(first.toString()).contains("invalid_grant").doesNotContain("stale.platform.jwt");
            assertThat(McpFailures.isAuthenticationRequired(second)).as("second: %s", second).isTrue();
            assertThat(server.tokenRequests).as("one token request, the same assertion never again").hasSize(1);
            assertThat(logins).as("no fallback to the authorization code grant").hasValue(0);
        }
    }

    private int status(ExchangeFilterFunction filter, CredentialsServer server) {
        return filter.filter(server.post("{}"), http).flatMap(r -> r.releaseBody().thenReturn(r.status()))
                .block(Duration.ofSeconds(20));
    }

    private Throwable error(ExchangeFilterFunction filter, CredentialsServer server) {
        return filter.filter(server.post("{}"), http).map(r -> (Throwable) new AssertionError("status " + r.status()))
                .onErrorResume(Mono::just).block(Duration.ofSeconds(20));
    }
}
