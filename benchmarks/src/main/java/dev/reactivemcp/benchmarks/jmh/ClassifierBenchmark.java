package dev.reactivemcp.benchmarks.jmh;

import dev.reactivemcp.errors.HttpFailurePayload;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** {@link McpFailures#classify} on a 50-deep wrapper chain with a 401 challenge payload at the bottom. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ClassifierBenchmark {

    private final Throwable deepChain = chain(50);

    static Throwable chain(int depth) {
        Throwable t = new Http401();
        for (int i = 0; i < depth; i++) {
            switch (i % 3) {
                case 0 -> t = new RuntimeException("wrapper " + i, t);
                case 1 -> t = new CompletionException(t);
                default -> t = new IllegalStateException(new ExecutionException(t));
            }
        }
        return t;
    }

    @Benchmark
    public McpFailure classifyDeepChain() {
        return McpFailures.classify(deepChain);
    }

    /** A foreign HTTP client's 401 that carries its answer as a payload, not as a cause. */
    static final class Http401 extends RuntimeException implements HttpFailurePayload {
        private static final long serialVersionUID = 1L;

        Http401() {
            super("HTTP 401");
        }

        @Override
        public int status() {
            return 401;
        }

        @Override
        public Map<String, List<String>> headers() {
            return Map.of("WWW-Authenticate", List.of("Bearer realm=\"mcp\", error=\"invalid_token\", "
                    + "resource_metadata=\"https://example.com/.well-known/oauth-protected-resource\""));
        }

        @Override
        public String bodyPreview() {
            return "";
        }

        @Override
        public boolean requestCarriedCredentials() {
            return true;
        }
    }
}
