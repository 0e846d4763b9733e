package dev.reactivemcp.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** The public payload value: a foreign reader in a few lines (issue 9, item 5). */
class HttpFailureResponseTest {

    @Test
    void aReaderBuiltOnTheValueTypeGetsTheSameVerdictAsOurTransport() {
        ForeignPayloadReader reader = new ForeignPayloadReader() {
            @Override public Optional<HttpFailurePayload> httpPayload(Throwable t) {
                if (!(t instanceof FakeWebClientResponseException e)) {
                    return Optional.empty();
                }
                HttpFailureResponse.Builder answer = HttpFailureResponse.builder(e.getRawStatusCode())
                    .body(e.getResponseBodyAsString());
                e.getResponseHeaders().forEach(answer::header);
                return Optional.of(answer.build());
            }
        };
        FakeWebClientResponseException foreign = new FakeWebClientResponseException(403,
            Map.of("WWW-Authenticate", List.of("Bearer error=\"insufficient_scope\", scope=\"files:write\"")), "");

        HttpFailurePayload payload = reader.httpPayload(foreign).orElseThrow();

        assertThat(HttpRules.classify(payload)).isEqualTo(new McpFailure.InsufficientScope(List.of("files:write"),
            WwwAuthenticate.parse("Bearer error=\"insufficient_scope\", scope=\"files:write\"").challenges()));
        assertThat(payload.headerValues("www-authenticate")).hasSize(1);
    }

    @Test
    void aReaderRegisteredInCodeAppliesAtOnceOnANonBlockingThread() {
        McpFailures.addReader(new ForeignPayloadReader() {
            @Override public Optional<HttpFailurePayload> httpPayload(Throwable t) {
                return t instanceof OtherClientException e ? Optional.of(HttpFailureResponse.builder(e.status)
                    .header("Retry-After", "7").build()) : Optional.empty();
            }
        });
        Mono<McpFailure> onParallel = Mono.fromCallable(() -> McpFailures.classify(
            new IllegalStateException("wrapped", new OtherClientException(429)))).subscribeOn(Schedulers.parallel());

        StepVerifier.create(onParallel)
            .expectNext(new McpFailure.RateLimited(java.time.Duration.ofSeconds(7)))
            .verifyComplete();
    }

    /** Another HTTP client's exception, known to no declared reader. */
    static final class OtherClientException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        OtherClientException(int status) {
            super("HTTP " + status);
            this.status = status;
        }
    }

    @Test
    void theValueIsACopyAndDropsNullsAndBoundsTheBody() {
        List<String> values = new ArrayList<>();
        values.add("a");
        values.add(null);
        Map<String, List<String>> headers = new java.util.HashMap<>();
        headers.put("X-One", values);
        headers.put(null, List.of("ignored"));
        HttpFailureResponse answer = HttpFailureResponse.of(500, headers, "x".repeat(HttpFailureResponse.MAX_BODY + 10));
        values.add("late");

        assertThat(answer.headers()).containsExactly(Map.entry("X-One", List.of("a")));
        assertThat(answer.bodyPreview()).hasSize(HttpFailureResponse.MAX_BODY);
        assertThat(answer.requestCarriedCredentials()).isFalse();
        assertThat(HttpFailureResponse.of(502, null, null).bodyPreview()).isEmpty();
    }

    @Test
    void toStringNamesHeadersButNeverTheirValuesOrTheBody() {
        HttpFailureResponse answer = HttpFailureResponse.builder(401).header("WWW-Authenticate", "Bearer realm=\"r\"")
            .body("{\"access_token\":\"at-SECRET-VALUE\"}").requestCarriedCredentials(true).build();

        assertThat(answer.toString()).contains("401", "WWW-Authenticate").doesNotContain("SECRET", "realm");
    }

    @Test
    void aStatusOutsideThreeDigitsIsRejected() {
        assertThatThrownBy(() -> HttpFailureResponse.of(42, Map.of(), "")).isInstanceOf(IllegalArgumentException.class);
    }
}
