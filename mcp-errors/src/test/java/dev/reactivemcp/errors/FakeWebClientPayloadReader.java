package dev.reactivemcp.errors;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Registered in META-INF/services: adapts {@link FakeWebClientResponseException} to the payload contract. */
public final class FakeWebClientPayloadReader implements ForeignPayloadReader {

    @Override
    public Optional<HttpFailurePayload> httpPayload(Throwable throwable) {
        if (!(throwable instanceof FakeWebClientResponseException)) {
            return Optional.empty();
        }
        FakeWebClientResponseException e = (FakeWebClientResponseException) throwable;
        return Optional.of(new HttpFailurePayload() {
            @Override public int status() {
                return e.getRawStatusCode();
            }

            @Override public Map<String, List<String>> headers() {
                return e.getResponseHeaders();
            }

            @Override public String bodyPreview() {
                return e.getResponseBodyAsString();
            }

            @Override public boolean requestCarriedCredentials() {
                return false;
            }
        });
    }
}
