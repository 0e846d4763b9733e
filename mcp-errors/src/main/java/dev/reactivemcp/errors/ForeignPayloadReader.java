package dev.reactivemcp.errors;

import java.util.Optional;

/**
 * Service provider interface: lets the classifier read the HTTP answer or JSON-RPC error carried by an exception
 * type this SDK does not know (another HTTP client's, for example a WebClient response exception), without a
 * dependency on it. Declared in {@code META-INF/services/dev.reactivemcp.errors.ForeignPayloadReader} (found with
 * {@link java.util.ServiceLoader} and the class loader of this interface, when a client is built or on
 * {@link McpFailures#loadReaders()}), or registered with {@link McpFailures#addReader(ForeignPayloadReader)}.
 *
 * <p>Contract: look only at the given throwable (not its causes; the classifier walks those), answer quickly
 * (an {@code instanceof} check first), never block. A reader that throws says nothing for that throwable; one whose
 * library is missing ({@link LinkageError}) is skipped from then on, with one WARN. The HTTP answer is then
 * classified by the same rules as this SDK's own transport errors (RFC 9110 section 15, RFC 6750 section 3). New
 * kinds of payload are added as default methods, so implementations keep compiling.
 *
 * <pre>{@code
 * public final class WebClientPayloadReader implements ForeignPayloadReader {
 *     public Optional<HttpFailurePayload> httpPayload(Throwable t) {
 *         if (!(t instanceof WebClientResponseException e)) return Optional.empty();
 *         HttpFailureResponse.Builder answer = HttpFailureResponse.builder(e.getStatusCode().value())
 *             .body(e.getResponseBodyAsString());
 *         e.getHeaders().forEach(answer::header);
 *         return Optional.of(answer.build());
 *     }
 * }
 * }</pre>
 */
public interface ForeignPayloadReader {

    /**
     * The HTTP answer {@code throwable} carries, or empty when this reader does not know its type.
     *
     * @param throwable one node of the error graph (never its causes); not {@code null}
     * @return the status, headers and body it carries, or empty; empty by default
     */
    default Optional<HttpFailurePayload> httpPayload(Throwable throwable) {
        return Optional.empty();
    }

    /**
     * The JSON-RPC error {@code throwable} carries, or empty when this reader does not know its type.
     *
     * @param throwable one node of the error graph (never its causes); not {@code null}
     * @return the code, message and data it carries, or empty; empty by default
     */
    default Optional<JsonRpcErrorPayload> jsonRpcPayload(Throwable throwable) {
        return Optional.empty();
    }
}
