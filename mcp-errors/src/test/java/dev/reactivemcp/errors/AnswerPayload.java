package dev.reactivemcp.errors;

import java.util.List;
import java.util.Map;

/** A test exception's payload, delegated to the {@link HttpAnswer} it carries (not as a cause). */
interface AnswerPayload extends HttpFailurePayload {

    HttpAnswer answer();

    @Override default int status() {
        return answer().status();
    }

    @Override default Map<String, List<String>> headers() {
        return answer().headers();
    }

    @Override default String bodyPreview() {
        return answer().bodyPreview();
    }

    @Override default boolean requestCarriedCredentials() {
        return answer().requestCarriedCredentials();
    }
}
