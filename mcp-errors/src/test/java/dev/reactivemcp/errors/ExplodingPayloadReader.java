package dev.reactivemcp.errors;

import java.util.Optional;

/** Registered in META-INF/services: a badly written reader that throws for one marked exception type. */
public final class ExplodingPayloadReader implements ForeignPayloadReader {

    /** An exception this reader explodes on. */
    public static final class Bomb extends java.net.ConnectException {
        private static final long serialVersionUID = 1L;

        public Bomb() {
            super("Connection refused");
        }
    }

    @Override
    public Optional<HttpFailurePayload> httpPayload(Throwable throwable) {
        if (throwable instanceof Bomb) {
            throw new IllegalStateException("reader bug");
        }
        return Optional.empty();
    }
}
