package dev.reactivemcp.errors;

/**
 * What the client holds for a server at failure time, read from storage and configuration only (no network).
 * The OAuth module maps its auth states onto these; this module stays independent of it. Used by
 * {@link StartupFailureReason} to tell a first login from a reauthentication (MCP authorization, 2025-06-18+;
 * OAuth 2.0 refresh, RFC 6749 section 6).
 *
 * <pre>{@code
 * StoredCredentialState state = tokens.isEmpty() ? StoredCredentialState.NONE
 *     : tokens.get().isRefreshable() ? StoredCredentialState.USABLE : StoredCredentialState.UNUSABLE;
 * }</pre>
 */
public enum StoredCredentialState {
    /** Nothing stored; the server advertises OAuth ({@code LoggedOut(LOGIN)}). */
    NONE,
    /** Stored tokens that look usable: valid, or expired with a refresh token ({@code OAUTH}). */
    USABLE,
    /** Stored tokens that cannot be used: expired without a refresh token ({@code LoggedOut(REAUTHENTICATION)}). */
    UNUSABLE,
    /** Stored tokens the authorization server rejected, for example a refresh answered {@code invalid_grant}. */
    REJECTED,
    /** A static bearer token or {@code Authorization} header is configured ({@code BEARER_TOKEN}). */
    STATIC_TOKEN,
    /** The server was known to need no authentication ({@code NOT_REQUIRED}). */
    NOT_REQUIRED,
    /** The state could not be read. */
    UNKNOWN
}
