package dev.reactivemcp.errors;

/** What mcp-transport's HTTP exception looks like: lazily classified, the answer exposed as a payload. */
class TestHttpException extends McpException implements AnswerPayload {

    private static final long serialVersionUID = 1L;
    private final transient HttpAnswer answer;

    TestHttpException(HttpAnswer answer) {
        super("HTTP " + answer.status(), null);
        this.answer = answer;
    }

    @Override public HttpAnswer answer() {
        return answer;
    }
}
