package dev.reactivemcp.errors;

import java.io.IOException;

/**
 * A checked transport error, as a Netty-based client raises it: the HTTP answer sits in a private field and is
 * not a cause, so only the payload contract exposes it. Being checked, {@code Exceptions.propagate} wraps it.
 */
final class CheckedTransportException extends IOException implements AnswerPayload {

    private static final long serialVersionUID = 1L;
    private final transient HttpAnswer answer;

    CheckedTransportException(HttpAnswer answer) {
        super("exchange failed");
        this.answer = answer;
    }

    @Override public HttpAnswer answer() {
        return answer;
    }
}
