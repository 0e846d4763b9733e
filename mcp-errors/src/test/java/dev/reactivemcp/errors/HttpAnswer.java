package dev.reactivemcp.errors;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A test HTTP answer: an immutable {@link HttpFailurePayload} with withers. */
record HttpAnswer(int status, Map<String, List<String>> headers, String bodyPreview, boolean requestCarriedCredentials)
        implements HttpFailurePayload {

    static HttpAnswer status(int status) {
        return new HttpAnswer(status, Map.of(), "", false);
    }

    HttpAnswer header(String name, String value) {
        Map<String, List<String>> copy = new LinkedHashMap<>(headers);
        List<String> values = new ArrayList<>(copy.getOrDefault(name, List.of()));
        values.add(value);
        copy.put(name, List.copyOf(values));
        return new HttpAnswer(status, Map.copyOf(copy), bodyPreview, requestCarriedCredentials);
    }

    HttpAnswer challenge(String value) {
        return header("WWW-Authenticate", value);
    }

    HttpAnswer body(String body) {
        return new HttpAnswer(status, headers, body, requestCarriedCredentials);
    }

    HttpAnswer withToken() {
        return new HttpAnswer(status, headers, bodyPreview, true);
    }

    /** As our transport raises it: an {@link McpException} that implements the payload. */
    TestHttpException raise() {
        return new TestHttpException(this);
    }
}
