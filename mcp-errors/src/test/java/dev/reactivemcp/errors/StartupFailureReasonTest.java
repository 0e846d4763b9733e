package dev.reactivemcp.errors;

import static dev.reactivemcp.errors.StartupFailureReason.AUTHENTICATION_REQUIRED;
import static dev.reactivemcp.errors.StartupFailureReason.CONFIGURED_CREDENTIALS_REJECTED;
import static dev.reactivemcp.errors.StartupFailureReason.LOGIN_REQUIRED;
import static dev.reactivemcp.errors.StartupFailureReason.REAUTHENTICATION_REQUIRED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpFailure.ConnectionFailure.Kind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Classification combined with the stored credential state (issue 3, item 6). */
class StartupFailureReasonTest {

    private static final McpFailure AUTH = new McpFailure.AuthenticationRequired(List.of(), true);

    @Test
    void authenticationRequiredWithStoredButUnusableOrRejectedCredentialsIsReauthenticationRequired() {
        assertThat(StartupFailureReason.of(AUTH, StoredCredentialState.UNUSABLE)).isEqualTo(REAUTHENTICATION_REQUIRED);
        assertThat(StartupFailureReason.of(AUTH, StoredCredentialState.REJECTED)).isEqualTo(REAUTHENTICATION_REQUIRED);
        assertThat(StartupFailureReason.of(AUTH, StoredCredentialState.USABLE)).isEqualTo(REAUTHENTICATION_REQUIRED);
    }

    @Test
    void authenticationRequiredWithNothingStoredIsLoginRequired() {
        assertThat(StartupFailureReason.of(AUTH, StoredCredentialState.NONE)).isEqualTo(LOGIN_REQUIRED);
        assertThat(StartupFailureReason.of(AUTH, StoredCredentialState.NOT_REQUIRED)).isEqualTo(LOGIN_REQUIRED);
        assertThat(LOGIN_REQUIRED.requiresLogin()).isTrue();
    }

    @Test
    void authenticationRequiredWithAStaticTokenIsAConfigurationProblemNotALogin() {
        StartupFailureReason reason = StartupFailureReason.of(AUTH, StoredCredentialState.STATIC_TOKEN);

        assertThat(reason).isEqualTo(CONFIGURED_CREDENTIALS_REJECTED);
        assertThat(reason.requiresLogin()).isFalse();
    }

    @Test
    void authenticationRequiredWithAnUnknownStateSaysOnlyThat() {
        assertThat(StartupFailureReason.of(AUTH, StoredCredentialState.UNKNOWN)).isEqualTo(AUTHENTICATION_REQUIRED);
        assertThat(StartupFailureReason.of(AUTH, (StoredCredentialState) null)).isEqualTo(AUTHENTICATION_REQUIRED);
    }

    @Test
    void aRejectedRefreshTokenIsReauthenticationRequiredEvenIfTheStoreWasAlreadyCleared() {
        McpFailure rejected = new McpFailure.TokenRefreshFailed(true, "invalid_grant", null);

        assertThat(StartupFailureReason.of(rejected, StoredCredentialState.NONE)).isEqualTo(REAUTHENTICATION_REQUIRED);
    }

    @Test
    void unrelatedFailuresKeepTheirOwnReasonWhateverTheStoredState() {
        Map<McpFailure, StartupFailureReason> expected = Map.ofEntries(
            Map.entry(new McpFailure.InsufficientScope(List.of("a")), StartupFailureReason.INSUFFICIENT_SCOPE),
            Map.entry(McpFailure.TokenRefreshFailed.transientFailure("down"), StartupFailureReason.TOKEN_REFRESH_FAILED),
            Map.entry(new McpFailure.Timeout(Duration.ofSeconds(30)), StartupFailureReason.TIMEOUT),
            Map.entry(new McpFailure.ConnectionFailure(Kind.REFUSED, "refused"), StartupFailureReason.UNREACHABLE),
            Map.entry(new McpFailure.RateLimited(Duration.ofSeconds(1)), StartupFailureReason.RATE_LIMITED),
            Map.entry(new McpFailure.ServerError(503, "down"), StartupFailureReason.SERVER_ERROR),
            Map.entry(new McpFailure.ProtocolVersionUnsupported("x", List.of()),
                StartupFailureReason.PROTOCOL_VERSION_UNSUPPORTED),
            Map.entry(new McpFailure.ProtocolError("bad SSE"), StartupFailureReason.PROTOCOL_ERROR),
            Map.entry(new McpFailure.RequestRejected(405, "no"), StartupFailureReason.REQUEST_REJECTED),
            Map.entry(new McpFailure.JsonRpcError(-32601, "no"), StartupFailureReason.REQUEST_REJECTED),
            Map.entry(new McpFailure.SessionExpired(), StartupFailureReason.SESSION_EXPIRED),
            Map.entry(new McpFailure.ResourceMismatch("a", "b"), StartupFailureReason.SECURITY_REFUSAL),
            Map.entry(new McpFailure.IssuerMismatch("a", "b"), StartupFailureReason.SECURITY_REFUSAL),
            Map.entry(new McpFailure.SkillVerificationFailed("skill://a/SKILL.md", "skill://a/SKILL.md",
                McpFailure.SkillVerificationFailed.Check.DIGEST, "digest differs"), StartupFailureReason.SECURITY_REFUSAL),
            Map.entry(new McpFailure.Cancelled(), StartupFailureReason.CANCELLED),
            Map.entry(new McpFailure.Unknown("?"), StartupFailureReason.UNKNOWN));

        for (StoredCredentialState state : StoredCredentialState.values()) {
            expected.forEach((failure, reason) -> {
                assertThat(StartupFailureReason.of(failure, state)).as("%s with %s", failure, state).isEqualTo(reason);
                assertThat(reason.requiresLogin()).isFalse();
            });
        }
    }

    @Test
    void resolveReadsTheStoredStateOnlyForAuthenticationFailures() {
        AtomicInteger reads = new AtomicInteger();
        Mono<StoredCredentialState> state = Mono.fromSupplier(() -> {
            reads.incrementAndGet();
            return StoredCredentialState.UNUSABLE;
        });

        StepVerifier.create(StartupFailureReason.resolve(HttpAnswer.status(503).raise(), state))
            .expectNext(StartupFailureReason.SERVER_ERROR).verifyComplete();
        assertThat(reads).hasValue(0);
        StepVerifier.create(StartupFailureReason.resolve(HttpAnswer.status(401).withToken().raise(), state))
            .expectNext(REAUTHENTICATION_REQUIRED).verifyComplete();
        assertThat(reads).hasValue(1);
        StepVerifier.create(StartupFailureReason.resolve(HttpAnswer.status(401).raise(), Mono.empty()))
            .expectNext(AUTHENTICATION_REQUIRED).verifyComplete();
    }
}
