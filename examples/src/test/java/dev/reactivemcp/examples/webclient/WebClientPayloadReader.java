package dev.reactivemcp.examples.webclient;

import dev.reactivemcp.errors.ForeignPayloadReader;
import dev.reactivemcp.errors.HttpFailurePayload;
import dev.reactivemcp.errors.HttpFailureResponse;
import java.util.Optional;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * The README's example, compiled and run against the real Spring WebClient: lets {@code McpFailures} read a
 * {@link WebClientResponseException} (status, {@code WWW-Authenticate}, OAuth error body). Declared in
 * {@code META-INF/services/dev.reactivemcp.errors.ForeignPayloadReader}.
 */
public final class WebClientPayloadReader implements ForeignPayloadReader {

    @Override
    public Optional<HttpFailurePayload> httpPayload(Throwable throwable) {
        if (!(throwable instanceof WebClientResponseException e)) {
            return Optional.empty();
        }
        HttpFailureResponse.Builder answer = HttpFailureResponse.builder(e.getStatusCode().value())
                .body(e.getResponseBodyAsString());
        e.getHeaders().forEach(answer::header);
        return Optional.of(answer.build());
    }
}
