package dev.reactivemcp.oauth.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Assertion helpers for typed failures. */
final class Failures {

    static final Duration WAIT = Duration.ofSeconds(60);

    private Failures() { }

    /** Subscribes, expects an {@link McpException} carrying a failure of {@code type}, returns the failure. */
    static <T extends McpFailure> T failureOf(Mono<?> mono, Class<T> type) {
        Throwable[] error = new Throwable[1];
        StepVerifier.create(mono).expectErrorSatisfies(e -> error[0] = e).verify(WAIT);
        assertThat(error[0]).isInstanceOf(McpException.class);
        McpFailure failure = ((McpException) error[0]).failure();
        assertThat(failure).as("failure of %s", error[0]).isInstanceOf(type);
        return type.cast(failure);
    }

    /** Subscribes and returns the exception. */
    static Throwable errorOf(Mono<?> mono) {
        Throwable[] error = new Throwable[1];
        StepVerifier.create(mono).expectErrorSatisfies(e -> error[0] = e).verify(WAIT);
        return error[0];
    }

    /** Subscribes and returns the single value. */
    static <T> T valueOf(Mono<T> mono) {
        Object[] value = new Object[1];
        StepVerifier.create(mono).assertNext(v -> value[0] = v).expectComplete().verify(WAIT);
        @SuppressWarnings("unchecked")
        T t = (T) value[0];
        return t;
    }
}
