package dev.reactivemcp.errors;

import java.util.Objects;
import java.util.function.Predicate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Classifies any error into an {@link McpFailure}, and composes with Reactor: static predicates for
 * {@code onErrorResume}, {@code retryWhen(...filter(...))}, and a boundary operator,
 * {@link #translateErrors(Mono)}, that turns every error into an {@link McpException} once, so later code reads
 * {@link McpException#failure()} instead of classifying again.
 *
 * <pre>{@code
 * client.connect()
 *     .transform(McpFailures::translateErrors)
 *     .retryWhen(Retry.backoff(3, Duration.ofMillis(250)).filter(McpFailures::isRetryable))
 *     .onErrorResume(McpFailures::isAuthenticationRequired, e -> askUserToLogIn(e));
 * }</pre>
 *
 * <p>The classifier walks causes, suppressed exceptions, Reactor composites ({@code Exceptions.unwrapMultiple}),
 * {@code Exceptions.unwrap}, retry-exhausted wrappers, {@code CompletionException}, {@code ExecutionException}
 * and {@code UndeclaredThrowableException}, with an identity cycle guard and bounds on depth (100) and nodes
 * (1000). It reads payloads outside the cause chain: {@link HttpFailurePayload} (status per RFC 9110 section 15,
 * {@code WWW-Authenticate} per RFC 9110 section 11.6.1 and RFC 6750 section 3, OAuth error bodies per RFC 6749
 * section 5.2), {@link JsonRpcErrorPayload}, and foreign types through {@link ForeignPayloadReader}. The most
 * specific finding wins: a 401 challenge deep inside beats a generic wrapper on top. Never throws, never
 * blocks: foreign readers load in the background when this class initializes (a thread that may block waits
 * for them; a non-blocking thread classifies without them until they are loaded).
 */
public final class McpFailures {

    static {
        // Foreign readers are found through ServiceLoader (blocking I/O); start early, off the caller's thread.
        ForeignReaders.INSTALLED.startLoading();
    }

    private McpFailures() { }

    /**
     * The failure {@code error} stands for; never {@code null}. An {@link McpException} answers with its own
     * {@link McpException#failure()}, computed at most once.
     */
    public static McpFailure classify(Throwable error) {
        return error instanceof McpException ? ((McpException) error).failure() : FailureClassifier.classify(error);
    }

    /**
     * Whether the user must log in or log in again: HTTP 401, an {@code invalid_token} challenge, or a terminal
     * refresh failure ({@code invalid_grant}). Never true for 403 {@code insufficient_scope}, 5xx, timeouts,
     * closed connections or transient refresh failures.
     */
    public static boolean isAuthenticationRequired(Throwable error) {
        return classify(error).isAuthenticationRequired();
    }

    /** Whether the token lacks scope (403 {@code insufficient_scope}, RFC 6750 section 3.1). */
    public static boolean isInsufficientScope(Throwable error) {
        return classify(error) instanceof McpFailure.InsufficientScope;
    }

    /** Whether retrying the same request may succeed: see {@link McpFailure#isRetryable()}. */
    public static boolean isRetryable(Throwable error) {
        return classify(error).isRetryable();
    }

    /** Whether the error is a timeout. */
    public static boolean isTimeout(Throwable error) {
        return classify(error) instanceof McpFailure.Timeout;
    }

    /** A predicate matching errors classified as {@code kind}, for {@code onErrorResume(McpFailures.is(...), ...)}. */
    public static Predicate<Throwable> is(Class<? extends McpFailure> kind) {
        Objects.requireNonNull(kind, "kind");
        return error -> kind.isInstance(classify(error));
    }

    /**
     * {@code error} as the SDK's exception root: itself when it already is an {@link McpException}, otherwise a
     * new one (without a stack trace of its own) carrying the classified failure, with {@code error} as cause.
     */
    public static McpException toException(Throwable error) {
        if (error instanceof McpException) {
            return (McpException) error;
        }
        McpFailure failure = classify(error);
        return new McpException(failure, failure.describe(), error, false);
    }

    /** The boundary operator: every error of {@code source} becomes an {@link McpException}, classified once. */
    public static <T> Mono<T> translateErrors(Mono<T> source) {
        return source.onErrorMap(McpFailures::needsTranslation, McpFailures::toException);
    }

    /** The boundary operator for a {@link Flux}: see {@link #translateErrors(Mono)}. */
    public static <T> Flux<T> translateErrors(Flux<T> source) {
        return source.onErrorMap(McpFailures::needsTranslation, McpFailures::toException);
    }

    static McpFailure classifySelf(McpException error) {
        return FailureClassifier.classify(error);
    }

    private static boolean needsTranslation(Throwable error) {
        return !(error instanceof McpException) && !(error instanceof VirtualMachineError)
            && !(error instanceof LinkageError);
    }
}
