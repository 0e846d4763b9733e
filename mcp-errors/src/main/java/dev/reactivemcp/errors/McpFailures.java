package dev.reactivemcp.errors;

import java.util.Objects;
import java.util.Optional;
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
 *     .retryWhen(Retry.backoff(3, Duration.ofMillis(250)).filter(McpFailures::isSafeToRetry))
 *     .onErrorResume(McpFailures::isAuthenticationRequired, e -> askUserToLogIn(e));
 * }</pre>
 *
 * <p>The classifier walks causes, suppressed exceptions, Reactor composites ({@code Exceptions.unwrapMultiple}),
 * {@code Exceptions.unwrap}, retry-exhausted wrappers, {@code CompletionException}, {@code ExecutionException}
 * and {@code UndeclaredThrowableException}, with an identity cycle guard and bounds on depth (100) and nodes
 * (1000). It reads payloads outside the cause chain: {@link HttpFailurePayload} (status per RFC 9110 section 15,
 * {@code WWW-Authenticate} per RFC 9110 section 11.6.1 and RFC 6750 section 3, OAuth error bodies per RFC 6749
 * section 5.2), {@link JsonRpcErrorPayload}, and foreign types through {@link ForeignPayloadReader}. The most
 * specific finding wins: a 401 challenge deep inside beats a generic wrapper on top. When the graph is larger than
 * those bounds the verdict is never a retryable one (an unseen part may hold a 401): see {@link McpFailure.Unknown}.
 *
 * <p>Never throws (whatever user exceptions' accessors or readers throw, {@link LinkageError}s included; only a
 * failing JVM's {@link OutOfMemoryError} passes), never blocks. Readers declared in {@code META-INF/services} are
 * loaded by {@link #loadReaders()}, which {@code McpClient.build()} and {@code McpOAuth.Builder.build()} call, so
 * they apply to the very first classification on any thread; {@link #addReader(ForeignPayloadReader)} registers
 * one in code. A non-blocking thread never loads them itself (it starts a background load and classifies without
 * them meanwhile, and an {@link McpException} then does not keep that verdict).
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
     *
     * @param error any error, including wrappers and composites; {@code null} is {@link McpFailure.Unknown}
     * @return the most specific failure found in the error graph; never {@code null}, never throws
     */
    public static McpFailure classify(Throwable error) {
        try {
            return error instanceof McpException ? ((McpException) error).failure() : FailureClassifier.classify(error);
        } catch (VirtualMachineError fatal) {
            if (!(fatal instanceof StackOverflowError)) {
                throw fatal;
            }
            return new McpFailure.Unknown(error.getClass().getName());
        } catch (Throwable broken) {
            // A user subclass of McpException whose failure() throws.
            return new McpFailure.Unknown(error.getClass().getName());
        }
    }

    /**
     * Loads the {@link ForeignPayloadReader}s declared in {@code META-INF/services} now, on this thread when it may
     * block (reading service files is I/O), else in the background. Idempotent and cheap once done. Clients call it
     * when they are built; call it at startup when classifying errors of other libraries without building a client.
     *
     * <pre>{@code
     * McpFailures.loadReaders();   // in main(), before any event loop classifies a WebClient error
     * }</pre>
     */
    public static void loadReaders() {
        ForeignReaders.INSTALLED.prepare();
    }

    /**
     * Registers a reader in code (no service file needed); it applies at once, on every thread, after the declared
     * ones. Registering the same instance again does nothing.
     *
     * <pre>{@code
     * McpFailures.addReader(new WebClientPayloadReader());
     * }</pre>
     *
     * @param reader the reader to add; not {@code null}
     * @throws NullPointerException when {@code reader} is {@code null}
     */
    public static void addReader(ForeignPayloadReader reader) {
        ForeignReaders.INSTALLED.register(Objects.requireNonNull(reader, "reader"));
    }

    /**
     * Whether the user must log in or log in again: HTTP 401, an {@code invalid_token} challenge, or a terminal
     * refresh failure ({@code invalid_grant}). Never true for 403 {@code insufficient_scope}, 5xx, timeouts,
     * closed connections or transient refresh failures.
     *
     * @param error any error; fits {@code onErrorResume(McpFailures::isAuthenticationRequired, ...)}
     * @return whether the failure {@linkplain McpFailure#isAuthenticationRequired() requires a login}
     */
    public static boolean isAuthenticationRequired(Throwable error) {
        return classify(error).isAuthenticationRequired();
    }

    /**
     * The authorization failure an HTTP answer stands for, decided by the one rule set the classifier uses too: an
     * OAuth ({@code Bearer} or {@code DPoP}) challenge's {@code error} first, {@code insufficient_scope} as
     * {@link McpFailure.InsufficientScope} and {@code invalid_token} as {@link McpFailure.AuthenticationRequired}
     * (RFC 6750 section 3.1, RFC 9449 section 7.1); then a 401 as {@link McpFailure.AuthenticationRequired}; the
     * token counts as rejected when one was sent. An auth filter decides with this and fails with an {@link McpException} carrying the result, which
     * {@link #classify} then returns as is.
     *
     * <pre>{@code
     * WwwAuthenticate challenge = WwwAuthenticate.parse(response.headers().all("WWW-Authenticate"));
     * Optional<McpFailure> auth = McpFailures.authFailure(response.status(), challenge, tokenSent);
     * }</pre>
     *
     * @param status    the HTTP status of the answer
     * @param challenge the answer's parsed {@code WWW-Authenticate} challenges; not {@code null}
     * @param tokenSent whether the request carried a token
     * @return {@link McpFailure.AuthenticationRequired} or {@link McpFailure.InsufficientScope}, or empty when the
     *         answer is not about authorization (a 403 without such a challenge, for example)
     */
    public static Optional<McpFailure> authFailure(int status, WwwAuthenticate challenge, boolean tokenSent) {
        return AuthRules.decide(status, Objects.requireNonNull(challenge, "challenge"), tokenSent);
    }

    /**
     * Whether the token lacks scope (403 {@code insufficient_scope}, RFC 6750 section 3.1).
     *
     * @param error any error
     * @return whether it classifies as {@link McpFailure.InsufficientScope}
     */
    public static boolean isInsufficientScope(Throwable error) {
        return classify(error) instanceof McpFailure.InsufficientScope;
    }

    /**
     * Whether the failure is <em>transient</em>: the same request may succeed later (see
     * {@link McpFailure#isRetryable()}). True for a reset after the request was written, so a retry filtered by it may
     * run a tool twice; filter retries with {@link #isSafeToRetry(Throwable)} instead.
     *
     * @param error any error
     * @return whether the failure is transient
     */
    public static boolean isRetryable(Throwable error) {
        return classify(error).isRetryable();
    }

    /**
     * Whether a retry cannot run the operation twice: transient, and either the request never reached the server
     * (or the server said it did not take it: 429, 503, 408), or it is idempotent by protocol or by the tool's own
     * {@code readOnlyHint}/{@code idempotentHint}. See {@link McpFailure#isSafeToRetry()} and {@link Delivery}.
     * An error the transport did not describe (your own {@code .timeout(...)}, another library's exception) is safe
     * only when its kind says nothing was sent.
     *
     * <pre>{@code
     * client.callTool("send-mail", args)
     *     .retryWhen(Retry.backoff(3, Duration.ofMillis(100)).filter(McpFailures::isSafeToRetry));
     * // or, honouring Retry-After:  .retryWhen(McpFailures.retrySafely(3, Duration.ofMillis(100)))
     * }</pre>
     *
     * @param error any error; fits {@code Retry.filter(McpFailures::isSafeToRetry)}
     * @return whether a retry is both useful and unable to execute the operation twice
     */
    public static boolean isSafeToRetry(Throwable error) {
        return classify(error).isSafeToRetry();
    }

    /**
     * How long the server asked to wait before a retry: {@code Retry-After} on 429 and 503 (RFC 9110 section 10.2.3,
     * delay-seconds or HTTP-date, clamped to [0, {@link McpFailure#MAX_RETRY_AFTER}]); empty when it sent none.
     *
     * @param error any error; an HTTP-date is read against the system UTC clock
     * @return the wait from now, or empty when the failure is not a 429/5xx with {@code Retry-After}
     */
    public static java.util.Optional<java.time.Duration> retryAfter(Throwable error) {
        return retryAfter(error, java.time.Clock.systemUTC());
    }

    /**
     * As {@link #retryAfter(Throwable)}, an HTTP-date read against {@code clock}.
     *
     * @param error any error
     * @param clock the clock that says what "now" is (inject one in tests)
     * @return the wait from now, or empty when the failure is not a 429/5xx with {@code Retry-After}
     */
    public static java.util.Optional<java.time.Duration> retryAfter(Throwable error, java.time.Clock clock) {
        McpFailure failure = classify(error);
        if (failure instanceof McpFailure.RateLimited) {
            return ((McpFailure.RateLimited) failure).delay(clock);
        }
        if (failure instanceof McpFailure.ServerError) {
            return ((McpFailure.ServerError) failure).delay(clock);
        }
        return java.util.Optional.empty();
    }

    /**
     * A {@code Retry} for {@code retryWhen} that retries only {@linkplain #isSafeToRetry(Throwable) safe} failures,
     * with exponential backoff from {@code firstBackoff}, waiting at least the server's {@code Retry-After}: see
     * {@link SafeRetry}.
     *
     * @param maxRetries   how many retries at most (not counting the first attempt); 0 or more
     * @param firstBackoff the delay before the first retry, doubled for each further one; positive
     * @return the retry spec, to tune further with its {@code with...} methods
     * @throws IllegalArgumentException when {@code maxRetries} is negative or {@code firstBackoff} not positive
     */
    public static SafeRetry retrySafely(long maxRetries, java.time.Duration firstBackoff) {
        return SafeRetry.of(maxRetries, firstBackoff);
    }

    /**
     * Whether the error is a timeout.
     *
     * @param error any error
     * @return whether it classifies as {@link McpFailure.Timeout}
     */
    public static boolean isTimeout(Throwable error) {
        return classify(error) instanceof McpFailure.Timeout;
    }

    /**
     * A predicate matching errors classified as {@code kind}, for {@code onErrorResume(McpFailures.is(...), ...)}.
     *
     * @param kind the failure kind, for example {@code McpFailure.RateLimited.class}; not {@code null}
     * @return a predicate that classifies each error it is given
     * @throws NullPointerException when {@code kind} is {@code null}
     */
    public static Predicate<Throwable> is(Class<? extends McpFailure> kind) {
        Objects.requireNonNull(kind, "kind");
        return error -> kind.isInstance(classify(error));
    }

    /**
     * {@code error} as the SDK's exception root: itself when it already is an {@link McpException}, otherwise a
     * new one (without a stack trace of its own) carrying the classified failure, with {@code error} as cause.
     *
     * @param error any error
     * @return an {@link McpException} whose {@link McpException#failure()} is already computed
     */
    public static McpException toException(Throwable error) {
        if (error instanceof McpException) {
            return (McpException) error;
        }
        McpFailure failure = classify(error);
        return new McpException(failure, failure.describe(), error, false);
    }

    /**
     * The boundary operator: every error of {@code source} becomes an {@link McpException}, classified once.
     * {@link VirtualMachineError}s and {@link LinkageError}s pass unchanged.
     *
     * @param <T>    the value type
     * @param source the publisher whose errors to translate; fits {@code .transform(McpFailures::translateErrors)}
     * @return {@code source} with its errors mapped
     */
    public static <T> Mono<T> translateErrors(Mono<T> source) {
        return source.onErrorMap(McpFailures::needsTranslation, McpFailures::toException);
    }

    /**
     * The boundary operator for a {@link Flux}: see {@link #translateErrors(Mono)}.
     *
     * @param <T>    the element type
     * @param source the publisher whose errors to translate
     * @return {@code source} with its errors mapped
     */
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
