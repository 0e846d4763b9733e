package dev.reactivemcp.errors;

import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Why connecting to an MCP server failed, in terms a caller can act on: combines the classified failure with the
 * {@link StoredCredentialState} (the reference client's startup failure reason, extended). An authentication
 * failure is {@link #REAUTHENTICATION_REQUIRED} when stored credentials exist but cannot be used or were
 * rejected, {@link #LOGIN_REQUIRED} when nothing is stored; unrelated failures keep their own reason and are
 * never reported as authentication (MCP authorization 2025-06-18+, RFC 6750 section 3.1).
 *
 * <pre>{@code
 * client.connect().onErrorResume(error -> StartupFailureReason
 *     .resolve(error, tokenStore.credentialState(serverUrl))
 *     .flatMap(reason -> Mono.error(new StartupFailed(reason, error))));
 * }</pre>
 */
public enum StartupFailureReason {
    /** Stored credentials exist but cannot be used, or a stored token was rejected: log in again. */
    REAUTHENTICATION_REQUIRED,
    /** Authentication is required and nothing is stored: log in for the first time. */
    LOGIN_REQUIRED,
    /** The configured static token or {@code Authorization} header was rejected: fix the configuration. */
    CONFIGURED_CREDENTIALS_REJECTED,
    /** Authentication is required; the stored state is unknown. */
    AUTHENTICATION_REQUIRED,
    /** The token lacks scope: a step-up authorization is needed. */
    INSUFFICIENT_SCOPE,
    /** A transient token refresh failure. */
    TOKEN_REFRESH_FAILED,
    /** A deadline elapsed. */
    TIMEOUT,
    /** The server could not be reached (refused, reset, closed, DNS, TLS). */
    UNREACHABLE,
    /** HTTP 429. */
    RATE_LIMITED,
    /** HTTP 5xx. */
    SERVER_ERROR,
    /** No mutually supported protocol version. */
    PROTOCOL_VERSION_UNSUPPORTED,
    /** The server broke the protocol. */
    PROTOCOL_ERROR,
    /** The server rejected the request (4xx or a JSON-RPC error). */
    REQUEST_REJECTED,
    /** The MCP session expired. */
    SESSION_EXPIRED,
    /** A security check refused the server (resource or issuer mismatch, or skill content that failed verification). */
    SECURITY_REFUSAL,
    /** The caller cancelled. */
    CANCELLED,
    /** Nothing more specific is known. */
    UNKNOWN;

    /**
     * The reason for {@code failure} given the stored credential state ({@code null} means unknown).
     *
     * @param failure the classified failure; not {@code null}
     * @param state   what the token store holds for the server, or {@code null} when unknown; read only when the
     *                failure requires authentication
     * @return the reason; never {@code null}
     */
    public static StartupFailureReason of(McpFailure failure, StoredCredentialState state) {
        if (failure.isAuthenticationRequired()) {
            return authentication(failure, state == null ? StoredCredentialState.UNKNOWN : state);
        }
        return other(failure);
    }

    /**
     * The reason for {@code error}, classified with {@link McpFailures#classify(Throwable)}.
     *
     * @param error the error {@code connect()} failed with
     * @param state what the token store holds for the server, or {@code null} when unknown
     * @return the reason; never {@code null}
     */
    public static StartupFailureReason of(Throwable error, StoredCredentialState state) {
        return of(McpFailures.classify(error), state);
    }

    /**
     * The reason for {@code error}, subscribing to {@code state} only when authentication is required (the state
     * is read from storage only then, as the reference client does). An empty {@code state} means unknown.
     *
     * @param error the error {@code connect()} failed with
     * @param state a lazy read of what the token store holds for the server; not {@code null}
     * @return the reason, or the error of {@code state} when reading it failed
     */
    public static Mono<StartupFailureReason> resolve(Throwable error, Mono<StoredCredentialState> state) {
        return Mono.defer(() -> {
            McpFailure failure = McpFailures.classify(error);
            if (!failure.isAuthenticationRequired()) {
                return Mono.just(other(failure));
            }
            return state.defaultIfEmpty(StoredCredentialState.UNKNOWN).map(s -> of(failure, s));
        });
    }

    /**
     * Whether the user must log in (first time or again).
     *
     * @return {@code true} for {@link #REAUTHENTICATION_REQUIRED} and {@link #LOGIN_REQUIRED}
     */
    public boolean requiresLogin() {
        return this == REAUTHENTICATION_REQUIRED || this == LOGIN_REQUIRED;
    }

    private static StartupFailureReason authentication(McpFailure failure, StoredCredentialState state) {
        if (state == StoredCredentialState.STATIC_TOKEN) {
            return CONFIGURED_CREDENTIALS_REJECTED;
        }
        if (failure instanceof McpFailure.TokenRefreshFailed) {
            return REAUTHENTICATION_REQUIRED;
        }
        switch (state) {
            case USABLE: case UNUSABLE: case REJECTED: return REAUTHENTICATION_REQUIRED;
            case NONE: case NOT_REQUIRED: return LOGIN_REQUIRED;
            default: return AUTHENTICATION_REQUIRED;
        }
    }

    private static StartupFailureReason other(McpFailure failure) {
        return Kinds.REASONS.getOrDefault(failure.getClass(), UNKNOWN);
    }

    /** Reasons of the failure kinds that are never authentication (records are final: exact class lookup). */
    private static final class Kinds {
        static final Map<Class<?>, StartupFailureReason> REASONS = Map.ofEntries(
            Map.entry(McpFailure.InsufficientScope.class, INSUFFICIENT_SCOPE),
            Map.entry(McpFailure.TokenRefreshFailed.class, TOKEN_REFRESH_FAILED),
            Map.entry(McpFailure.Timeout.class, TIMEOUT),
            Map.entry(McpFailure.ConnectionFailure.class, UNREACHABLE),
            Map.entry(McpFailure.RateLimited.class, RATE_LIMITED),
            Map.entry(McpFailure.ServerError.class, SERVER_ERROR),
            Map.entry(McpFailure.ProtocolVersionUnsupported.class, PROTOCOL_VERSION_UNSUPPORTED),
            Map.entry(McpFailure.ProtocolError.class, PROTOCOL_ERROR),
            Map.entry(McpFailure.RequestRejected.class, REQUEST_REJECTED),
            Map.entry(McpFailure.JsonRpcError.class, REQUEST_REJECTED),
            Map.entry(McpFailure.SessionExpired.class, SESSION_EXPIRED),
            Map.entry(McpFailure.ResourceMismatch.class, SECURITY_REFUSAL),
            Map.entry(McpFailure.IssuerMismatch.class, SECURITY_REFUSAL),
            Map.entry(McpFailure.SkillVerificationFailed.class, SECURITY_REFUSAL),
            Map.entry(McpFailure.Cancelled.class, CANCELLED));
    }
}
