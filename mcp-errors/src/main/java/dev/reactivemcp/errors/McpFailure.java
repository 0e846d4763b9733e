package dev.reactivemcp.errors;

import dev.reactivemcp.errors.WwwAuthenticate.Challenge;
import dev.reactivemcp.errors.internal.Redaction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Why an MCP operation failed: a closed set of kinds owned by this SDK, each an immutable record. Obtained
 * from {@link McpException#failure()} or {@link McpFailures#classify(Throwable)}; transports build them
 * directly. Text components are redacted (no access or refresh token survives) and bounded.
 *
 * <pre>{@code
 * McpFailure failure = McpFailures.classify(error);
 * if (failure instanceof McpFailure.InsufficientScope scope) {
 *     stepUp(scope.requiredScopes());
 * } else if (failure.isSafeToRetry()) { ... }   // transient, and a retry cannot run it twice
 * }</pre>
 *
 * <p><b>New kinds may be added in a minor release</b> (as {@link SkillVerificationFailed} was, for an extension):
 * the set is sealed so that a kind always comes from this SDK, not so that a {@code switch} over it stays exhaustive.
 * Give a {@code switch} over kinds a {@code default} branch (Java 21 pattern switches without one stop compiling,
 * and throw {@code MatchException} at run time, when a kind is added), or decide with the predicates
 * ({@link #isSafeToRetry()}, {@link #isAuthenticationRequired()}), which every new kind answers.
 *
 * <p>Sources: HTTP semantics (RFC 9110 section 15), Bearer and DPoP challenges (RFC 6750 section 3,
 * RFC 9449 section 7.1), OAuth errors (RFC 6749 section 5.2), MCP authorization (2025-06-18+) and
 * {@code UnsupportedProtocolVersion} ({@code -32022}, MCP 2026-07-28).
 */
public sealed interface McpFailure permits McpFailure.AuthenticationRequired, McpFailure.InsufficientScope,
        McpFailure.TokenRefreshFailed, McpFailure.SessionExpired, McpFailure.ProtocolVersionUnsupported,
        McpFailure.Timeout, McpFailure.ConnectionFailure, McpFailure.ServerError, McpFailure.RateLimited,
        McpFailure.RequestRejected, McpFailure.JsonRpcError, McpFailure.ProtocolError,
        McpFailure.ResourceMismatch, McpFailure.IssuerMismatch, McpFailure.SkillVerificationFailed,
        McpFailure.Cancelled, McpFailure.Unknown {

    /** Longest kept text component, in characters. */
    int MAX_DETAIL = 300;

    /** Longest delay a {@code Retry-After} is taken at (RFC 9110 section 10.2.3); longer ones are clamped to it. */
    Duration MAX_RETRY_AFTER = Duration.ofDays(1);

    /**
     * Whether the same request may succeed later without any change: the trouble is <em>transient</em> (network or
     * server). Says nothing about whether a retry is <em>safe</em>: a reset after the request was written is
     * transient, and retrying it may run a tool twice. For a retry filter use {@link #isSafeToRetry()}.
     *
     * @return {@code true} when the trouble is transient; {@code false} by default
     */
    default boolean isRetryable() {
        return false;
    }

    /**
     * Whether retrying cannot run the operation twice: the failure is {@linkplain #isRetryable() transient}, and
     * either the server did not process the request ({@link Delivery#NOT_SENT}; an answer that says so: 429, 503,
     * 408) or the request is idempotent (by protocol: list methods, {@code resources/read}, {@code prompts/get},
     * {@code ping}, {@code server/discover}, {@code completion/complete}, {@code initialize}; or a tool whose
     * {@code tools/list} entry declares {@code readOnlyHint} or {@code idempotentHint}, MCP 2025-06-18
     * server/tools, "Tool annotations"). Implies {@link #isRetryable()}.
     *
     * <pre>{@code
     * client.callTool("transfer", args)
     *     .retryWhen(Retry.backoff(3, Duration.ofMillis(100)).filter(McpFailures::isSafeToRetry));
     * }</pre>
     *
     * @return {@code true} when the failure is transient and a retry cannot execute the operation twice;
     *         {@code false} by default
     */
    default boolean isSafeToRetry() {
        return false;
    }

    /**
     * How far the request got: {@link Delivery#ANSWERED} for kinds that are an answer (an HTTP status, a JSON-RPC
     * error), what the transport saw for connection failures and timeouts, {@link Delivery#UNKNOWN} otherwise.
     *
     * @return how far the request got; never {@code null}
     */
    default Delivery delivery() {
        return Delivery.UNKNOWN;
    }

    /**
     * Whether the user must log in, or log in again, before this server can be used.
     *
     * @return {@code true} for {@link AuthenticationRequired} and a terminal {@link TokenRefreshFailed}
     */
    default boolean isAuthenticationRequired() {
        return false;
    }

    /**
     * A short human-readable description, free of secrets.
     *
     * @return one line such as {@code "server error 503: ..."}, redacted; never {@code null}
     */
    String describe();

    private static String safe(String text) {
        return text == null ? null : Redaction.snippet(text, MAX_DETAIL);
    }

    private static String note(Delivery delivery) {
        return delivery == Delivery.NOT_SENT ? " (not sent)"
            : delivery == Delivery.SENT_NO_ANSWER ? " (sent, no answer)" : "";
    }

    private static Duration clamp(Duration d) {
        return d == null ? null : d.isNegative() ? Duration.ZERO : d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
    }

    private static Optional<Duration> retryDelay(Duration retryAfter, Instant retryAt, Clock clock) {
        if (retryAfter != null) {
            return Optional.of(retryAfter);
        }
        return Optional.ofNullable(retryAt).map(at -> clamp(Duration.between(clock.instant(), at)));
    }

    /**
     * The server requires authentication (HTTP 401, a {@code Bearer}/{@code DPoP} {@code invalid_token}
     * challenge, RFC 6750 section 3.1), or no usable credentials exist.
     *
     * @param challenges    the challenges the server sent (may be empty)
     * @param tokenRejected whether a token was sent and refused
     */
    record AuthenticationRequired(List<Challenge> challenges, boolean tokenRejected) implements McpFailure {
        /**
         * Copies the challenges.
         *
         * @param challenges    the challenges the server sent; {@code null} is an empty list
         * @param tokenRejected whether a token was sent and refused
         */
        public AuthenticationRequired {
            challenges = challenges == null ? List.of() : List.copyOf(challenges);
        }

        /**
         * The OAuth ({@code Bearer} or {@code DPoP}) challenge, if any: scheme, error, scope, resource_metadata.
         *
         * @return the first {@code DPoP} or {@code Bearer} challenge (see {@link WwwAuthenticate#oauthChallenge}),
         *         or empty when the server sent none
         */
        public Optional<Challenge> challenge() {
            return WwwAuthenticate.oauthChallenge(challenges);
        }

        @Override public boolean isAuthenticationRequired() {
            return true;
        }

        @Override public Delivery delivery() {
            return Delivery.ANSWERED;
        }

        @Override public String describe() {
            return "authentication required" + (tokenRejected ? " (token rejected)" : "")
                + challenge().map(c -> ": " + c.scheme() + c.error().map(e -> " " + safe(e)).orElse("")).orElse("");
        }
    }

    /**
     * The token lacks scope for this request: {@code 403} with {@code error="insufficient_scope"}
     * (RFC 6750 section 3.1). Not an authentication failure; a step-up authorization may fix it.
     *
     * @param requiredScopes the scopes the challenge asks for (may be empty)
     * @param challenges     the challenges the server sent
     */
    record InsufficientScope(List<String> requiredScopes, List<Challenge> challenges) implements McpFailure {
        /**
         * Copies both lists.
         *
         * @param requiredScopes the scopes the challenge asks for; {@code null} is an empty list
         * @param challenges     the challenges the server sent; {@code null} is an empty list
         */
        public InsufficientScope {
            requiredScopes = requiredScopes == null ? List.of() : List.copyOf(requiredScopes);
            challenges = challenges == null ? List.of() : List.copyOf(challenges);
        }

        /**
         * Without challenges.
         *
         * @param requiredScopes the scopes the request needs; {@code null} is an empty list
         */
        public InsufficientScope(List<String> requiredScopes) {
            this(requiredScopes, List.of());
        }

        @Override public Delivery delivery() {
            return Delivery.ANSWERED;
        }

        @Override public String describe() {
            return "insufficient scope"
                + (requiredScopes.isEmpty() ? "" : ": " + safe(String.join(" ", requiredScopes)));
        }

        /** The scopes and challenges, with every known secret masked. */
        @Override public String toString() {
            return "InsufficientScope[requiredScopes=" + safe(requiredScopes.toString()) + ", challenges=" + challenges
                + "]";
        }
    }

    /**
     * A refresh at the token endpoint failed (RFC 6749 section 5.2, section 6). Terminal when the grant or client
     * is unusable ({@code invalid_grant}, {@code invalid_client}, {@code unauthorized_client}): that means
     * authentication required. Otherwise transient, and never authentication required.
     *
     * @param terminal    whether the stored credentials can no longer be refreshed
     * @param oauthError  the OAuth error code, or {@code null} (network failure, 5xx)
     * @param description a redacted description, or {@code null}
     */
    record TokenRefreshFailed(boolean terminal, String oauthError, String description) implements McpFailure {
        private static final Set<String> RETRYABLE_CODES = Set.of("temporarily_unavailable", "server_error");

        /**
         * Redacts the description (and an error code that happens to be a secret).
         *
         * @param terminal    whether the stored credentials can no longer be refreshed (the user must log in again)
         * @param oauthError  the OAuth {@code error} code, or {@code null} (network failure, 5xx)
         * @param description the {@code error_description} or a failure summary, or {@code null}; redacted and
         *                    shortened to {@link #MAX_DETAIL} characters
         */
        public TokenRefreshFailed {
            oauthError = oauthError == null ? null : Redaction.redact(oauthError);
            description = safe(description);
        }

        /**
         * From an OAuth error body: terminal exactly when {@link OAuthErrorBody#isTerminalForRefresh()}.
         *
         * @param body the token endpoint's error body; not {@code null}
         * @return the failure, carrying the body's {@code error} and {@code error_description}
         */
        public static TokenRefreshFailed of(OAuthErrorBody body) {
            return new TokenRefreshFailed(body.isTerminalForRefresh(), body.error(), body.errorDescription());
        }

        /**
         * A transient failure without an OAuth error code.
         *
         * @param description what went wrong (for example the network error), or {@code null}; redacted
         * @return a non-terminal, retryable failure
         */
        public static TokenRefreshFailed transientFailure(String description) {
            return new TokenRefreshFailed(false, null, description);
        }

        @Override public boolean isAuthenticationRequired() {
            return terminal;
        }

        @Override public boolean isRetryable() {
            return !terminal && (oauthError == null || RETRYABLE_CODES.contains(oauthError));
        }

        /** The token endpoint failed before the MCP request went out (or after a 401 that did not run it). */
        @Override public Delivery delivery() {
            return Delivery.NOT_SENT;
        }

        @Override public boolean isSafeToRetry() {
            return isRetryable();
        }

        @Override public String describe() {
            return (terminal ? "token refresh rejected" : "token refresh failed")
                + (oauthError == null ? "" : ": " + oauthError);
        }
    }

    /** The MCP session is gone (HTTP 404 on a request with {@code Mcp-Session-Id}, MCP 2025-06-18 transports). */
    record SessionExpired() implements McpFailure {
        @Override public Delivery delivery() {
            return Delivery.ANSWERED;
        }

        @Override public String describe() {
            return "session expired";
        }
    }

    /**
     * The server does not support the requested protocol version ({@code -32022}, data
     * {@code {supported: [...], requested: "..."}}, MCP 2026-07-28).
     *
     * @param requested the version the client asked for, or {@code null}
     * @param supported the versions the server supports (may be empty)
     */
    record ProtocolVersionUnsupported(String requested, List<String> supported) implements McpFailure {
        /**
         * Copies the list.
         *
         * @param requested the version the client asked for, or {@code null}; redacted
         * @param supported the versions the server supports; {@code null} is an empty list; each redacted
         */
        public ProtocolVersionUnsupported {
            requested = safe(requested);
            supported = supported == null ? List.of() : supported.stream().map(McpFailure::safe).toList();
        }

        @Override public Delivery delivery() {
            return Delivery.ANSWERED;
        }

        @Override public String describe() {
            return "protocol version " + requested + " unsupported; server supports " + supported;
        }
    }

    /**
     * No answer within a deadline (a {@code TimeoutException}, HTTP 408 per RFC 9110 section 15.5.9).
     *
     * @param limit      the deadline that elapsed, or {@code null} when unknown
     * @param delivery   how far the request got: {@link Delivery#NOT_SENT} (still waiting for a connection),
     *                   {@link Delivery#SENT_NO_ANSWER}, {@link Delivery#ANSWERED} (HTTP 408: the server did not
     *                   take the request), {@link Delivery#UNKNOWN} (a timeout the transport did not set)
     * @param idempotent whether the request is idempotent (decided by the transport; {@code false} when unknown)
     */
    record Timeout(Duration limit, Delivery delivery, boolean idempotent) implements McpFailure {
        /**
         * A {@code null} delivery is {@link Delivery#UNKNOWN}.
         *
         * @param limit      the deadline that elapsed, or {@code null} when unknown
         * @param delivery   how far the request got, or {@code null} for {@link Delivery#UNKNOWN}
         * @param idempotent whether the request is idempotent ({@code false} when unknown)
         */
        public Timeout {
            delivery = delivery == null ? Delivery.UNKNOWN : delivery;
        }

        /**
         * A timeout of unknown delivery, for a request not known to be idempotent.
         *
         * @param limit the deadline that elapsed, or {@code null} when unknown
         */
        public Timeout(Duration limit) {
            this(limit, Delivery.UNKNOWN, false);
        }

        @Override public boolean isRetryable() {
            return true;
        }

        /** Safe when nothing was sent, when the server refused to wait for the request (408), or when idempotent. */
        @Override public boolean isSafeToRetry() {
            return idempotent || delivery == Delivery.NOT_SENT || delivery == Delivery.ANSWERED;
        }

        @Override public String describe() {
            return (limit == null ? "timed out" : "timed out after " + limit.toMillis() + " ms") + note(delivery);
        }
    }

    /**
     * The connection could not be made or broke: refused, reset, closed early, unknown host, TLS.
     *
     * @param kind       what happened
     * @param detail     a redacted description
     * @param delivery   how far the request got ({@link Delivery#NOT_SENT} when no connection was made or nothing was
     *                   written, {@link Delivery#SENT_NO_ANSWER} when it broke after writing began)
     * @param idempotent whether the request is idempotent (decided by the transport; {@code false} when unknown)
     */
    record ConnectionFailure(Kind kind, String detail, Delivery delivery, boolean idempotent) implements McpFailure {
        /** What went wrong with the connection. */
        public enum Kind {
            /** Connection refused. */ REFUSED("connection refused (nothing is listening)"),
            /** Reset or broken by the peer. */ RESET("connection reset by the peer"),
            /** Closed before the response completed. */
            PREMATURE_CLOSE("connection closed before the response was complete"),
            /** Closed (channel closed, aborted). */ CLOSED("connection closed"),
            /** The host name did not resolve. */ UNKNOWN_HOST("unknown host (the name does not resolve)"),
            /** No route to the host or port. */ UNREACHABLE("host unreachable (no route)"),
            /** The connect attempt timed out. */ CONNECT_TIMEOUT("connect attempt timed out"),
            /** The TLS handshake or session failed. */ TLS("TLS handshake failed"),
            /** Anything else. */ OTHER("connection failure");

            private final String words;

            Kind(String words) {
                this.words = words;
            }

            /**
             * What happened in plain words, as {@link ConnectionFailure#describe()} starts: for example
             * {@code "connection refused (nothing is listening)"} for {@link #REFUSED}; never an exception class name.
             *
             * @return a short lower-case phrase
             */
            public String words() {
                return words;
            }

            /**
             * Whether this kind can only happen before a connection exists (so nothing was sent).
             *
             * @return {@code true} for {@link #REFUSED}, {@link #UNKNOWN_HOST}, {@link #UNREACHABLE} and
             *         {@link #CONNECT_TIMEOUT}
             */
            public boolean beforeConnecting() {
                return this == REFUSED || this == UNKNOWN_HOST || this == UNREACHABLE || this == CONNECT_TIMEOUT;
            }
        }

        /**
         * Redacts the detail; a {@code null} kind is {@link Kind#OTHER}; a {@code null} delivery is
         * {@link Delivery#NOT_SENT} for kinds that {@linkplain Kind#beforeConnecting() precede a connection}, else
         * {@link Delivery#UNKNOWN}.
         *
         * @param kind       what happened, or {@code null} for {@link Kind#OTHER}
         * @param detail     a description, or {@code null}; redacted and shortened to {@link #MAX_DETAIL} characters
         * @param delivery   how far the request got, or {@code null} to infer it from the kind
         * @param idempotent whether the request is idempotent ({@code false} when unknown)
         */
        public ConnectionFailure {
            kind = kind == null ? Kind.OTHER : kind;
            detail = safe(detail);
            delivery = delivery != null ? delivery : kind.beforeConnecting() ? Delivery.NOT_SENT : Delivery.UNKNOWN;
        }

        /**
         * Delivery inferred from the kind (see the canonical constructor), not known to be idempotent.
         *
         * @param kind   what happened, or {@code null} for {@link Kind#OTHER}
         * @param detail a description, or {@code null}; redacted
         */
        public ConnectionFailure(Kind kind, String detail) {
            this(kind, detail, null, false);
        }

        /**
         * Of kind {@link Kind#OTHER}.
         *
         * @param detail a description, or {@code null}; redacted
         */
        public ConnectionFailure(String detail) {
            this(Kind.OTHER, detail);
        }

        @Override public boolean isRetryable() {
            return kind != Kind.TLS;
        }

        /** Safe when nothing was sent, or when the request is idempotent. */
        @Override public boolean isSafeToRetry() {
            return isRetryable() && (delivery == Delivery.NOT_SENT || idempotent);
        }

        @Override public String describe() {
            return kind.words() + (detail == null ? "" : ": " + detail) + note(delivery);
        }
    }

    /**
     * The server failed: HTTP 5xx (RFC 9110 section 15.6). Retryable for 500, 502, 503 and 504; safe to retry for
     * 503 (the server could not take the request, RFC 9110 section 15.6.4) and for idempotent requests. A 503 may
     * carry {@code Retry-After} (RFC 9110 section 10.2.3), read as for {@link RateLimited}.
     *
     * <p>A gateway that answers 503 after its upstream broke mid-request (some do) hides a possible execution: the
     * 503 is still taken at its word, as the status defines it.
     *
     * @param status     the HTTP status
     * @param detail     a redacted description
     * @param idempotent whether the request is idempotent (decided by the transport; {@code false} when unknown)
     * @param retryAfter the {@code Retry-After} delay-seconds form, or {@code null}
     * @param retryAt    the {@code Retry-After} HTTP-date form, or {@code null}
     */
    record ServerError(int status, String detail, boolean idempotent, Duration retryAfter, Instant retryAt)
            implements McpFailure {
        /**
         * Redacts the detail, clamps {@code retryAfter} to [0, {@link #MAX_RETRY_AFTER}].
         *
         * @param status     the HTTP status (5xx)
         * @param detail     a description (for example the response body), or {@code null}; redacted
         * @param idempotent whether the request is idempotent ({@code false} when unknown)
         * @param retryAfter the {@code Retry-After} delay-seconds form, or {@code null}; clamped
         * @param retryAt    the {@code Retry-After} HTTP-date form, or {@code null}
         */
        public ServerError {
            detail = safe(detail);
            retryAfter = clamp(retryAfter);
        }

        /**
         * Without {@code Retry-After}, not known to be idempotent.
         *
         * @param status the HTTP status (5xx)
         * @param detail a description, or {@code null}; redacted
         */
        public ServerError(int status, String detail) {
            this(status, detail, false, null, null);
        }

        /**
         * How long the server asked to wait, from now: see {@link RateLimited#delay(Clock)}.
         *
         * @param clock the clock that says what "now" is (for the HTTP-date form)
         * @return the wait within [0, {@link #MAX_RETRY_AFTER}], or empty when the answer had no {@code Retry-After}
         */
        public Optional<Duration> delay(Clock clock) {
            return retryDelay(retryAfter, retryAt, clock);
        }

        @Override public boolean isRetryable() {
            return status == 500 || status == 502 || status == 503 || status == 504;
        }

        @Override public boolean isSafeToRetry() {
            return status == 503 || isRetryable() && idempotent;
        }

        @Override public Delivery delivery() {
            return Delivery.ANSWERED;
        }

        @Override public String describe() {
            return "server error " + status + (detail == null ? "" : ": " + detail);
        }
    }

    /**
     * Too many requests: HTTP 429 (RFC 6585 section 4) with {@code Retry-After} (RFC 9110 section 10.2.3).
     *
     * @param retryAfter the delay-seconds form, or {@code null}
     * @param retryAt    the HTTP-date form, or {@code null}
     */
    record RateLimited(Duration retryAfter, Instant retryAt) implements McpFailure {
        /**
         * Clamps {@code retryAfter} to [0, {@link #MAX_RETRY_AFTER}].
         *
         * @param retryAfter the {@code Retry-After} delay-seconds form, or {@code null}; clamped
         * @param retryAt    the {@code Retry-After} HTTP-date form, or {@code null}
         */
        public RateLimited {
            retryAfter = clamp(retryAfter);
        }

        /**
         * With a delay only.
         *
         * @param retryAfter how long the server asked to wait, or {@code null}; clamped
         */
        public RateLimited(Duration retryAfter) {
            this(retryAfter, null);
        }

        /**
         * How long to wait from now, by whichever form the server sent, within [0, {@link #MAX_RETRY_AFTER}] (a date
         * in the past is 0).
         *
         * @param clock the clock that says what "now" is (for the HTTP-date form)
         * @return the wait, or empty when the server sent no (valid) {@code Retry-After}
         */
        public Optional<Duration> delay(Clock clock) {
            return retryDelay(retryAfter, retryAt, clock);
        }

        @Override public boolean isRetryable() {
            return true;
        }

        /** The server did not take the request (RFC 6585 section 4). */
        @Override public boolean isSafeToRetry() {
            return true;
        }

        @Override public Delivery delivery() {
            return Delivery.ANSWERED;
        }

        @Override public String describe() {
            return "rate limited" + (retryAfter != null ? ", retry after " + retryAfter.toSeconds() + " s"
                : retryAt != null ? ", retry at " + retryAt : "");
        }
    }

    /**
     * The server refused the request with another 4xx status (RFC 9110 section 15.5), for example 400, 403
     * without an OAuth challenge, 404, 405, 415.
     *
     * @param status the HTTP status
     * @param detail a redacted description
     */
    record RequestRejected(int status, String detail) implements McpFailure {
        /**
         * Redacts the detail.
         *
         * @param status the HTTP status (4xx)
         * @param detail a description (for example the response body), or {@code null}; redacted
         */
        public RequestRejected {
            detail = safe(detail);
        }

        @Override public Delivery delivery() {
            return Delivery.ANSWERED;
        }

        @Override public String describe() {
            return "request rejected with HTTP " + status + (detail == null ? "" : ": " + detail);
        }
    }

    /**
     * The server answered with a JSON-RPC error (JSON-RPC 2.0 section 5.1) that no other kind covers.
     *
     * @param code    the error code
     * @param message the redacted error message
     */
    record JsonRpcError(int code, String message) implements McpFailure {
        /**
         * Redacts the message.
         *
         * @param code    the JSON-RPC error code
         * @param message the error message, or {@code null}; redacted and shortened to {@link #MAX_DETAIL} characters
         */
        public JsonRpcError {
            message = safe(message);
        }

        @Override public Delivery delivery() {
            return Delivery.ANSWERED;
        }

        @Override public String describe() {
            return "JSON-RPC error " + code + (message == null ? "" : ": " + message);
        }
    }

    /**
     * The peer broke the protocol: malformed JSON, JSON-RPC or SSE, or an unexpected status or content type.
     *
     * @param detail a redacted description
     */
    record ProtocolError(String detail) implements McpFailure {
        /**
         * Redacts the detail.
         *
         * @param detail what was malformed or unexpected, or {@code null}; redacted
         */
        public ProtocolError {
            detail = safe(detail);
        }

        @Override public String describe() {
            return "protocol error" + (detail == null ? "" : ": " + detail);
        }
    }

    /**
     * Security refusal: the protected resource metadata names another resource than the server contacted
     * (RFC 9728 section 3.3, RFC 8707).
     *
     * @param expected the resource the client contacted
     * @param actual   the resource the metadata named
     */
    record ResourceMismatch(String expected, String actual) implements McpFailure {
        /**
         * Redacts both.
         *
         * @param expected the resource the client contacted
         * @param actual   the resource the metadata named
         */
        public ResourceMismatch {
            expected = safe(expected);
            actual = safe(actual);
        }

        @Override public String describe() {
            return "resource mismatch: expected " + expected + ", got " + actual;
        }
    }

    /**
     * Security refusal: the authorization server's issuer differs from the expected one (RFC 8414 section 3.3,
     * RFC 9207 section 2.4).
     *
     * @param expected the issuer the client expected
     * @param actual   the issuer the metadata or response named
     */
    record IssuerMismatch(String expected, String actual) implements McpFailure {
        /**
         * Redacts both.
         *
         * @param expected the issuer the client expected
         * @param actual   the issuer the metadata or response named
         */
        public IssuerMismatch {
            expected = safe(expected);
            actual = safe(actual);
        }

        @Override public String describe() {
            return "issuer mismatch: expected " + expected + ", got " + actual;
        }
    }

    /**
     * Security refusal: a skill file's content is not what the server's skill entry promised (the skills
     * extension, SEP-2640 "Integrity and verification"): its SHA-256 digest or byte size differs from the listed
     * one, the {@code SKILL.md} frontmatter differs from the entry's {@code frontmatter}, the file is not listed
     * in the entry's {@code resources}, or the entry gives nothing to verify against. The content is not used.
     *
     * @param skillUri the URI of the skill's {@code SKILL.md}
     * @param fileUri  the URI of the file that failed verification
     * @param check    which check failed
     * @param detail   a redacted description (never the content itself)
     */
    record SkillVerificationFailed(String skillUri, String fileUri, Check check, String detail) implements McpFailure {
        /** Which verification a skill file failed. */
        public enum Check {
            /** The SHA-256 digest of the bytes differs from the entry's {@code digest}. */
            DIGEST,
            /** The byte length differs from the entry's {@code size}. */
            SIZE,
            /** The {@code SKILL.md} frontmatter is missing, unparseable, or differs field by field from the entry's. */
            FRONTMATTER,
            /** The file is not listed in the entry's {@code resources}. */
            UNLISTED_FILE,
            /** The entry carries no usable digest for the file, or the server returned no content for it. */
            UNVERIFIABLE
        }

        /**
         * Redacts the texts.
         *
         * @param skillUri the URI of the skill's {@code SKILL.md}
         * @param fileUri  the URI of the file that failed verification
         * @param check    which check failed; not {@code null}
         * @param detail   a description (never the content itself), or {@code null}
         * @throws NullPointerException when {@code check} is {@code null}
         */
        public SkillVerificationFailed {
            skillUri = safe(skillUri);
            fileUri = safe(fileUri);
            Objects.requireNonNull(check, "check");
            detail = safe(detail);
        }

        @Override public String describe() {
            return "skill verification failed (" + check.name().toLowerCase(Locale.ROOT) + ") for "
                + fileUri + (detail == null ? "" : ": " + detail);
        }
    }

    /** The operation was cancelled (a {@code CancellationException}, an interrupt, or the caller cancelled). */
    record Cancelled() implements McpFailure {
        @Override public String describe() {
            return "cancelled";
        }
    }

    /**
     * Nothing more specific is known.
     *
     * @param summary a redacted summary of the underlying error
     */
    record Unknown(String summary) implements McpFailure {
        /**
         * Redacts the summary.
         *
         * @param summary a summary of the underlying error (typically of its root cause), or {@code null}; redacted
         */
        public Unknown {
            summary = safe(summary);
        }

        @Override public String describe() {
            return "unknown failure" + (summary == null ? "" : ": " + summary);
        }
    }
}
