package dev.reactivemcp.errors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpFailure.ConnectionFailure;
import dev.reactivemcp.errors.McpFailure.ConnectionFailure.Kind;
import dev.reactivemcp.errors.McpFailure.ServerError;
import dev.reactivemcp.errors.McpFailure.Timeout;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Transient is not the same as safe: what a retry may run twice, and how long the server asked to wait. */
class SafeToRetryTest {

    private static final Clock NOON = Clock.fixed(Instant.parse("2026-12-06T12:00:00Z"), ZoneOffset.UTC);

    private static McpException raised(McpFailure failure) {
        return new McpException(failure, failure.describe(), null);
    }

    /** An HTTP answer to a request the transport knows to be idempotent. */
    private static final class IdempotentAnswer extends McpException implements HttpFailurePayload {
        private static final long serialVersionUID = 1L;
        private final transient HttpAnswer answer;

        IdempotentAnswer(HttpAnswer answer) {
            super("HTTP " + answer.status(), null);
            this.answer = answer;
        }

        @Override public int status() {
            return answer.status();
        }

        @Override public Map<String, List<String>> headers() {
            return answer.headers();
        }

        @Override public String bodyPreview() {
            return answer.bodyPreview();
        }

        @Override public boolean requestCarriedCredentials() {
            return false;
        }

        @Override public boolean requestIdempotent() {
            return true;
        }
    }

    @Test
    void aResetAfterTheRequestWasWrittenIsTransientButNotSafe() {
        McpException reset = raised(new ConnectionFailure(Kind.RESET, "reset", Delivery.SENT_NO_ANSWER, false));

        assertThat(McpFailures.isRetryable(reset)).isTrue();
        assertThat(McpFailures.isSafeToRetry(reset)).isFalse();
        assertThat(McpFailures.classify(reset).delivery().mayHaveReachedServer()).isTrue();
    }

    @Test
    void aResetOfAnIdempotentRequestIsSafe() {
        assertThat(McpFailures.isSafeToRetry(
            raised(new ConnectionFailure(Kind.RESET, "reset", Delivery.SENT_NO_ANSWER, true)))).isTrue();
    }

    @Test
    void aFailureBeforeAnythingWasWrittenIsSafeWhateverTheRequest() {
        assertThat(McpFailures.isSafeToRetry(
            raised(new ConnectionFailure(Kind.RESET, "reset", Delivery.NOT_SENT, false)))).isTrue();
        assertThat(McpFailures.isSafeToRetry(raised(new Timeout(Duration.ofSeconds(1), Delivery.NOT_SENT, false))))
            .isTrue();
    }

    @Test
    void aTlsFailureIsNeverRetriedEvenWhenNothingWasSent() {
        McpException tls = raised(new ConnectionFailure(Kind.TLS, "handshake", Delivery.NOT_SENT, true));

        assertThat(McpFailures.isSafeToRetry(tls)).isFalse();
    }

    @Test
    void aForeignConnectExceptionIsNotSentAndAForeignResetIsUnknownSoNotSafe() {
        McpFailure refused = McpFailures.classify(new ConnectException("Connection refused"));
        McpFailure reset = McpFailures.classify(new java.net.SocketException("Connection reset"));

        assertThat(refused.delivery()).isEqualTo(Delivery.NOT_SENT);
        assertThat(refused.isSafeToRetry()).isTrue();
        assertThat(reset.delivery()).isEqualTo(Delivery.UNKNOWN);
        assertThat(reset.isRetryable()).isTrue();
        assertThat(reset.isSafeToRetry()).isFalse();
    }

    @Test
    void theCallersOwnTimeoutMayHaveRunTheRequestSoItIsNotSafe() {
        McpFailure own = McpFailures.classify(new TimeoutException("Did not observe any item"));

        assertThat(own.delivery()).isEqualTo(Delivery.UNKNOWN);
        assertThat(own.isRetryable()).isTrue();
        assertThat(own.isSafeToRetry()).isFalse();
    }

    @Test
    void answersThatSayTheRequestWasNotTakenAreSafe() {
        assertThat(McpFailures.isSafeToRetry(HttpAnswer.status(503).raise())).isTrue();
        assertThat(McpFailures.isSafeToRetry(HttpAnswer.status(429).raise())).isTrue();
        assertThat(McpFailures.isSafeToRetry(HttpAnswer.status(408).raise())).isTrue();
        assertThat(McpFailures.classify(HttpAnswer.status(503).raise()).delivery()).isEqualTo(Delivery.ANSWERED);
    }

    @Test
    void answersAfterWhichTheServerMayHaveRunTheRequestAreSafeOnlyForIdempotentRequests() {
        for (int status : new int[] {500, 502, 504}) {
            assertThat(McpFailures.isRetryable(HttpAnswer.status(status).raise())).as("%d transient", status).isTrue();
            assertThat(McpFailures.isSafeToRetry(HttpAnswer.status(status).raise())).as("%d", status).isFalse();
            assertThat(McpFailures.isSafeToRetry(new IdempotentAnswer(HttpAnswer.status(status))))
                .as("%d idempotent", status).isTrue();
        }
    }

    @Test
    void answersThatAreNotTransientAreNeverSafeEvenForIdempotentRequests() {
        for (int status : new int[] {400, 401, 403, 404, 501}) {
            assertThat(McpFailures.isSafeToRetry(new IdempotentAnswer(HttpAnswer.status(status))))
                .as("%d", status).isFalse();
        }
        assertThat(McpFailures.isSafeToRetry(raised(new McpFailure.JsonRpcError(-32603, "internal")))).isFalse();
        assertThat(McpFailures.isSafeToRetry(new IOException("who knows"))).isFalse();
    }

    @Test
    void safeImpliesTransientForEveryKindAndDelivery() {
        for (Delivery d : Delivery.values()) {
            for (boolean idempotent : new boolean[] {false, true}) {
                for (Kind kind : Kind.values()) {
                    McpFailure f = new ConnectionFailure(kind, "x", d, idempotent);
                    assertThat(!f.isSafeToRetry() || f.isRetryable()).as(f.toString()).isTrue();
                }
                McpFailure t = new Timeout(null, d, idempotent);
                assertThat(!t.isSafeToRetry() || t.isRetryable()).as(t.toString()).isTrue();
            }
        }
        for (int status = 500; status < 600; status++) {
            for (boolean idempotent : new boolean[] {false, true}) {
                ServerError s = new ServerError(status, null, idempotent, null, null);
                assertThat(!s.isSafeToRetry() || s.isRetryable()).as(s.toString()).isTrue();
            }
        }
    }

    @Test
    void retryAfterIsReadOn503AsOn429InBothForms() {
        assertThat(McpFailures.retryAfter(HttpAnswer.status(503).header("Retry-After", "7").raise(), NOON))
            .contains(Duration.ofSeconds(7));
        assertThat(McpFailures.retryAfter(HttpAnswer.status(429).header("Retry-After", "7").raise(), NOON))
            .contains(Duration.ofSeconds(7));
        assertThat(McpFailures.retryAfter(
            HttpAnswer.status(503).header("Retry-After", "Sun, 06 Dec 2026 12:00:30 GMT").raise(), NOON))
            .contains(Duration.ofSeconds(30));
        assertThat(McpFailures.retryAfter(HttpAnswer.status(503).raise(), NOON)).isEmpty();
        assertThat(McpFailures.retryAfter(HttpAnswer.status(503).header("Retry-After", "soon").raise(), NOON)).isEmpty();
        assertThat(McpFailures.retryAfter(HttpAnswer.status(500).header("Retry-After", "7").raise(), NOON)).isEmpty();
    }

    @Test
    void retryAfterIsClampedToZeroForPastDatesAndToADayForHugeValues() {
        assertThat(McpFailures.retryAfter(
            HttpAnswer.status(503).header("Retry-After", "Sun, 06 Dec 2026 11:00:00 GMT").raise(), NOON))
            .contains(Duration.ZERO);
        assertThat(McpFailures.retryAfter(HttpAnswer.status(503).header("Retry-After", "9999999999").raise(), NOON))
            .contains(McpFailure.MAX_RETRY_AFTER);
        assertThat(McpFailures.retryAfter(
            HttpAnswer.status(429).header("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT").raise(), NOON))
            .contains(McpFailure.MAX_RETRY_AFTER);
    }

    @Test
    void theNewFieldsCarryNoSecretAndTheDetailStaysMasked() {
        KnownSecrets.remember("sk-live-0123456789abcdef");
        McpFailure f = McpFailures.classify(raised(new ConnectionFailure(Kind.RESET,
            "reset during POST https://mcp.example.com/?key=sk-live-0123456789abcdef", Delivery.SENT_NO_ANSWER, true)));
        McpFailure answered = McpFailures.classify(
            new IdempotentAnswer(HttpAnswer.status(503).body("busy, sk-live-0123456789abcdef")));

        assertThat(f.toString()).contains("SENT_NO_ANSWER").doesNotContain("sk-live-0123456789abcdef");
        assertThat(f.describe()).contains("sent, no answer").doesNotContain("sk-live-0123456789abcdef");
        assertThat(answered.toString()).doesNotContain("sk-live-0123456789abcdef");
    }
}
