package dev.reactivemcp.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * A graph larger than the walk's bounds: a retryable finding is not a verdict, since the unseen part may hold a 401
 * and a retry loop would then retry a dead credential forever. It becomes {@code Unknown} (issue 9, item 5).
 */
class WalkBudgetTest {

    private static final HttpAnswer EXPIRED = HttpAnswer.status(401).withToken()
        .challenge("Bearer error=\"invalid_token\"");

    @Test
    void aConnectionFailureOnTopOfAChainDeeperThanTheBoundIsNotRetryable() {
        Throwable top = new RuntimeException("outer", chain(EXPIRED.raise(), FailureClassifier.MAX_DEPTH + 50));
        top.addSuppressed(new ConnectException("Connection refused"));

        McpFailure failure = McpFailures.classify(top);

        assertThat(failure).isInstanceOf(McpFailure.Unknown.class);
        assertThat(failure.isRetryable()).isFalse();
        assertThat(failure.isAuthenticationRequired()).isFalse();
        assertThat(failure.describe()).contains("exceeds the classifier's bounds").contains("connection refused");
    }

    @Test
    void aServerErrorAmongMoreNodesThanTheBudgetIsNotRetryable() {
        RuntimeException root = new RuntimeException("root", HttpAnswer.status(503).raise());
        for (int i = 0; i < FailureClassifier.MAX_FANOUT; i++) {
            RuntimeException branch = new RuntimeException("branch " + i);
            for (int j = 0; j < FailureClassifier.MAX_FANOUT; j++) {
                branch.addSuppressed(new IllegalStateException("leaf " + i + "/" + j));
            }
            root.addSuppressed(branch);
        }
        root.getSuppressed()[FailureClassifier.MAX_FANOUT - 1].addSuppressed(EXPIRED.raise());

        McpFailure failure = McpFailures.classify(root);

        assertThat(failure).isInstanceOf(McpFailure.Unknown.class);
        assertThat(failure.describe()).contains("server error 503");
        assertThat(McpFailures.isRetryable(root)).isFalse();
    }

    @Test
    void moreSuppressedExceptionsThanTheFanOutMakeATimeoutNotRetryable() {
        RuntimeException crowded = new RuntimeException("crowded", new TimeoutException());
        for (int i = 0; i <= FailureClassifier.MAX_FANOUT; i++) {
            crowded.addSuppressed(new IllegalStateException("noise " + i));
        }

        assertThat(McpFailures.isRetryable(crowded)).isFalse();
        assertThat(McpFailures.classify(crowded)).isInstanceOf(McpFailure.Unknown.class);
    }

    @Test
    void aFindingThatIsNotRetryableStandsEvenWhenTheWalkIsCut() {
        Throwable top = new RuntimeException("outer", chain(HttpAnswer.status(503).raise(), 500));
        top.addSuppressed(EXPIRED.raise());

        assertThat(McpFailures.isAuthenticationRequired(top)).isTrue();
    }

    @Test
    void aRetryableFindingInAGraphWithinTheBoundsStaysRetryable() {
        Throwable cycle = new RuntimeException("a");
        Throwable other = new RuntimeException("b", cycle);
        cycle.initCause(new ConnectException("Connection refused"));
        cycle.addSuppressed(other);
        Throwable top = chain(cycle, FailureClassifier.MAX_DEPTH - 5);

        assertThat(McpFailures.classify(top)).isInstanceOf(McpFailure.ConnectionFailure.class);
        assertThat(McpFailures.isRetryable(top)).isTrue();
    }

    private static Throwable chain(Throwable bottom, int wrappers) {
        Throwable current = bottom;
        for (int i = 0; i < wrappers; i++) {
            current = new RuntimeException("level", current);
        }
        return current;
    }
}
