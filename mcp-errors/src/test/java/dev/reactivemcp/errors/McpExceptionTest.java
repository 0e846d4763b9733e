package dev.reactivemcp.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class McpExceptionTest {

    @Test
    void aLazilyClassifiedExceptionReadsItsOwnPayloadOnceOnFirstAccess() {
        CountingHttpException error = new CountingHttpException(HttpAnswer.status(429).header("Retry-After", "3"));

        assertThat(error.statusReads).hasValue(0);
        McpFailure first = error.failure();

        assertThat(first).isEqualTo(new McpFailure.RateLimited(java.time.Duration.ofSeconds(3)));
        assertThat(error.failure()).isSameAs(first);
        assertThat(McpFailures.classify(error)).isSameAs(first);
        assertThat(error.statusReads).hasValue(1);
    }

    @Test
    void aLazilyClassifiedExceptionAlsoReadsItsCauses() {
        McpException error = new McpException("transport failed", new ConnectException("Connection refused")) { };

        assertThat(error.failure()).isInstanceOf(McpFailure.ConnectionFailure.class);
    }

    @Test
    void anExplicitFailureIsReturnedAsGivenAndIsRequired() {
        McpFailure.Cancelled cancelled = new McpFailure.Cancelled();

        assertThat(new McpException(cancelled, "stopped", null).failure()).isSameAs(cancelled);
        assertThatThrownBy(() -> new McpException(null, "no failure", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void toExceptionReturnsAnMcpExceptionItselfAndWrapsAnythingElseWithoutAStackTrace() {
        McpException own = new McpException(new McpFailure.Cancelled(), "stopped", null);
        IllegalStateException foreign = new IllegalStateException("boom");

        McpException wrapped = McpFailures.toException(foreign);

        assertThat(McpFailures.toException(own)).isSameAs(own);
        assertThat(wrapped).hasCause(foreign).hasMessage("unknown failure: IllegalStateException: boom");
        assertThat(wrapped.getStackTrace()).isEmpty();
        assertThat(own.getStackTrace()).isNotEmpty();
    }
}
