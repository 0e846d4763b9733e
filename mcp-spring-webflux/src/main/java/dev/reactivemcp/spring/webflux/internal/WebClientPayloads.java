package dev.reactivemcp.spring.webflux.internal;

import dev.reactivemcp.errors.HttpFailurePayload;
import dev.reactivemcp.errors.HttpFailureResponse;
import java.util.Optional;
import org.springframework.http.HttpRequest;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/** Reads a {@link WebClientResponseException}; loaded only when Spring WebFlux is present. */
final class WebClientPayloads {

    static final String EXCEPTION = "org.springframework.web.reactive.function.client.WebClientResponseException";

    private WebClientPayloads() {
    }

    static Optional<HttpFailurePayload> read(Throwable throwable) {
        if (!(throwable instanceof WebClientResponseException e)) {
            return Optional.empty();
        }
        HttpFailureResponse.Builder answer = HttpFailureResponse.builder(e.getStatusCode().value())
                .body(e.getResponseBodyAsString());
        e.getHeaders().forEach(answer::header);
        HttpRequest request = e.getRequest();
        if (request != null) {
            answer.requestCarriedCredentials(request.getHeaders().getFirst("Authorization") != null);
        }
        return Optional.of(answer.build());
    }
}
