package dev.reactivemcp.spring.webflux.internal;

import dev.reactivemcp.errors.ForeignPayloadReader;
import dev.reactivemcp.errors.HttpFailurePayload;
import java.util.Optional;

/**
 * Lets the classifier read Spring's {@code WebClientResponseException} (status, headers with
 * {@code WWW-Authenticate}, body, whether the request carried credentials). Found with {@code ServiceLoader}; it
 * names no Spring type itself: {@link WebClientPayloads} does, and is loaded only when Spring WebFlux is present
 * (checked once, when the classifier loads its readers, on a thread that may block).
 */
public final class WebClientPayloadReader implements ForeignPayloadReader {

    private final boolean springPresent;

    /** Checks once whether Spring WebFlux is on this class loader. */
    public WebClientPayloadReader() {
        this.springPresent = present(WebClientPayloadReader.class.getClassLoader());
    }

    static boolean present(ClassLoader loader) {
        try {
            Class.forName(WebClientPayloads.EXCEPTION, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
    }

    @Override
    public Optional<HttpFailurePayload> httpPayload(Throwable throwable) {
        return springPresent ? WebClientPayloads.read(throwable) : Optional.empty();
    }

    @Override
    public String toString() {
        return "WebClientPayloadReader[" + (springPresent ? "Spring WebFlux present" : "no Spring WebFlux") + "]";
    }
}
