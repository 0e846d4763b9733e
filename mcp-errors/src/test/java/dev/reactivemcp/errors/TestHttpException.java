package dev.reactivemcp.errors;

import java.util.List;
import java.util.Map;

/** What mcp-transport's HTTP exception looks like: lazily classified, the answer exposed as a payload. */
class TestHttpException extends McpException implements HttpFailurePayload {

    private static final long serialVersionUID = 1L;
    private final transient HttpAnswer answer;

    TestHttpException(HttpAnswer answer) {
        super("HTTP " + answer.status(), null);
        this.answer = answer;
    }

    @Override public int status() {
        return answer.status();
    }

    @Override public Map<String, List<String>> headers() {
        return answer.headers();
    }

    @Override public String bodyPreview() {
        return answer.bodyPreview();
    }

    @Override public boolean requestCarriedCredentials() {
        return answer.requestCarriedCredentials();
    }
}
