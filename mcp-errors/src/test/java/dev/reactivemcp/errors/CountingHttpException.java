package dev.reactivemcp.errors;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts how often the classifier reads the payload, to prove classification happens once. */
final class CountingHttpException extends TestHttpException {

    private static final long serialVersionUID = 1L;
    final transient AtomicInteger statusReads = new AtomicInteger();

    CountingHttpException(HttpAnswer answer) {
        super(answer);
    }

    @Override public int status() {
        statusReads.incrementAndGet();
        return super.status();
    }
}
