package dev.reactivemcp.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.PrematureCloseException;
import reactor.test.StepVerifier;
import reactor.util.retry.Retry;

/**
 * The reference client's {@code identifies_expired_unrefreshable_token_startup_error} (Codex rmcp-client, PR
 * #30257), with the 401 wrapped the way Reactor and Reactor Netty really wrap it: a transport error whose answer
 * is not a cause, inside {@code Exceptions.propagate}, inside a retry-exhausted error, inside the client's
 * "failed to initialize" wrapper (issue 3, item 8).
 */
class ReferenceClientRegressionTest {

    private static final HttpAnswer EXPIRED_TOKEN_REJECTED = HttpAnswer.status(401).withToken().challenge(
        "Bearer error=\"invalid_token\", error_description=\"The access token expired\", "
            + "resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource\"");

    /** Runs a startup that fails with {@code transportError} on every attempt and returns what the caller sees. */
    private static Throwable startupError(Supplier<Throwable> transportError) {
        AtomicReference<Throwable> seen = new AtomicReference<>();
        StepVerifier.withVirtualTime(() -> Mono.error(() -> Exceptions.propagate(transportError.get()))
                .retryWhen(Retry.backoff(2, Duration.ofMillis(250)))
                .onErrorMap(e -> new RuntimeException("Client failed to initialize by explicit API call", e)))
            .expectSubscription()
            .thenAwait(Duration.ofMinutes(1))
            .expectErrorSatisfies(seen::set)
            .verify();
        return seen.get();
    }

    @Test
    void theStartupErrorReallyIsWrappedThreeDeep() {
        Throwable error = startupError(() -> new CheckedTransportException(EXPIRED_TOKEN_REJECTED));

        assertThat(Exceptions.isRetryExhausted(error.getCause())).isTrue();
        assertThat(error.getCause().getCause()).isNotInstanceOf(CheckedTransportException.class)
            .hasCauseInstanceOf(CheckedTransportException.class);
    }

    @Test
    void anExpiredTokenRejectedAtStartupIsAuthenticationRequiredAndWithUnusableCredentialsReauthentication() {
        Throwable error = startupError(() -> new CheckedTransportException(EXPIRED_TOKEN_REJECTED));

        McpFailure failure = McpFailures.classify(error);

        assertThat(failure).isInstanceOf(McpFailure.AuthenticationRequired.class);
        assertThat(((McpFailure.AuthenticationRequired) failure).tokenRejected()).isTrue();
        assertThat(StartupFailureReason.of(error, StoredCredentialState.UNUSABLE))
            .isEqualTo(StartupFailureReason.REAUTHENTICATION_REQUIRED);
        assertThat(StartupFailureReason.of(error, StoredCredentialState.USABLE))
            .isEqualTo(StartupFailureReason.REAUTHENTICATION_REQUIRED);
    }

    @Test
    void anExpiredTokenWithoutRefreshTokenStoppedBeforeSendingIsReauthenticationRequired() {
        Throwable error = startupError(() -> new McpException(
            new McpFailure.AuthenticationRequired(List.of(), false), "stored token expired, no refresh token", null));

        assertThat(McpFailures.isAuthenticationRequired(error)).isTrue();
        assertThat(StartupFailureReason.of(error, StoredCredentialState.UNUSABLE))
            .isEqualTo(StartupFailureReason.REAUTHENTICATION_REQUIRED);
    }

    @Test
    void firstTimeLoginAgainstAServerThatChallengesIsLoginRequired() {
        Throwable error = startupError(() -> new CheckedTransportException(HttpAnswer.status(401)
            .challenge("Bearer resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource\"")));

        assertThat(StartupFailureReason.of(error, StoredCredentialState.NONE))
            .isEqualTo(StartupFailureReason.LOGIN_REQUIRED);
    }

    @Test
    void a503AtStartupIsAServerErrorNeverLoginNorReauthentication() {
        Throwable error = startupError(() -> new CheckedTransportException(HttpAnswer.status(503).withToken()));

        assertThat(McpFailures.isAuthenticationRequired(error)).isFalse();
        for (StoredCredentialState state : StoredCredentialState.values()) {
            assertThat(StartupFailureReason.of(error, state)).isEqualTo(StartupFailureReason.SERVER_ERROR);
        }
    }

    @Test
    void aRefusedConnectionAtStartupIsUnreachableNeverLoginNorReauthentication() {
        Throwable error = startupError(() -> new ConnectException("Connection refused: mcp.example.com/10.0.0.1:443"));

        assertThat(McpFailures.isAuthenticationRequired(error)).isFalse();
        for (StoredCredentialState state : StoredCredentialState.values()) {
            assertThat(StartupFailureReason.of(error, state)).isEqualTo(StartupFailureReason.UNREACHABLE);
        }
    }

    @Test
    void aPrematureCloseAtStartupIsUnreachable() {
        Throwable error = startupError(() -> new PrematureCloseException("Connection prematurely closed BEFORE response"));

        assertThat(StartupFailureReason.of(error, StoredCredentialState.UNUSABLE))
            .isEqualTo(StartupFailureReason.UNREACHABLE);
    }
}
