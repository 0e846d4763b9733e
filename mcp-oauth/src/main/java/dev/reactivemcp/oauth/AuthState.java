package dev.reactivemcp.oauth;

import dev.reactivemcp.errors.StoredCredentialState;
import java.util.Objects;

/**
 * Whether the client can authenticate to an MCP server, after the reference client's auth states:
 * {@code LoggedOut(LOGIN)} (nothing stored, the server advertises OAuth), {@code LoggedOut(REAUTHENTICATION)}
 * (stored credentials cannot be used: expired without refresh token, or the refresh token was rejected),
 * {@code OAUTH} (stored tokens valid or refreshable), {@code BEARER_TOKEN} (a static token or
 * {@code Authorization} header is configured), {@code NOT_REQUIRED} (the server asks for no authentication).
 * Obtained from {@link McpOAuth#authState} (with discovery) or {@link McpOAuth#storedAuthState} (storage only).
 *
 * <pre>{@code
 * oauth.authState(uri).subscribe(state -> {
 *     if (state instanceof AuthState.LoggedOut out && out.requirement() == AuthState.LoginRequirement.REAUTHENTICATION) {
 *         ui.showReconnect();
 *     }
 * });
 * }</pre>
 *
 * <p>MCP authorization (2025-06-18 and later), RFC 9728 (discovery), RFC 6749 section 6 (refresh).
 */
public sealed interface AuthState permits AuthState.LoggedOut, AuthState.OAuth, AuthState.BearerToken,
        AuthState.NotRequired {

    /** Nothing usable is stored and the server advertises OAuth: the user must log in. */
    AuthState LOGIN = new LoggedOut(LoginRequirement.LOGIN);
    /** Stored credentials exist but cannot be used: the user must log in again. */
    AuthState REAUTHENTICATION = new LoggedOut(LoginRequirement.REAUTHENTICATION);
    /** Stored OAuth tokens are usable (valid, or refreshable). */
    AuthState OAUTH = new OAuth();
    /** A static bearer token or {@code Authorization} header is configured. */
    AuthState BEARER_TOKEN = new BearerToken();
    /** The server requires no authentication. */
    AuthState NOT_REQUIRED = new NotRequired();

    /** Why a logged-out user must log in. */
    enum LoginRequirement {
        /** First login: nothing stored. */
        LOGIN,
        /** Stored credentials are unusable or were rejected. */
        REAUTHENTICATION
    }

    /**
     * The stored-credential state of {@code mcp-errors} this state stands for (for startup failure reasons).
     *
     * @return {@code NONE} for a first login, {@code UNUSABLE} for reauthentication, {@code USABLE} for stored
     *         tokens, {@code STATIC_TOKEN} for a configured token, and the matching value for a server without
     *         authentication
     */
    StoredCredentialState toStoredCredentialState();

    /**
     * Logged out.
     *
     * @param requirement first login or reauthentication
     */
    record LoggedOut(LoginRequirement requirement) implements AuthState {
        /**
         * Validates.
         *
         * @param requirement first login or reauthentication
         * @throws NullPointerException when {@code requirement} is {@code null}
         */
        public LoggedOut {
            Objects.requireNonNull(requirement, "requirement");
        }

        @Override
        public StoredCredentialState toStoredCredentialState() {
            return requirement == LoginRequirement.LOGIN ? StoredCredentialState.NONE : StoredCredentialState.UNUSABLE;
        }
    }

    /** Usable stored OAuth tokens. */
    record OAuth() implements AuthState {
        @Override
        public StoredCredentialState toStoredCredentialState() {
            return StoredCredentialState.USABLE;
        }
    }

    /** A configured static token. */
    record BearerToken() implements AuthState {
        @Override
        public StoredCredentialState toStoredCredentialState() {
            return StoredCredentialState.STATIC_TOKEN;
        }
    }

    /** No authentication required. */
    record NotRequired() implements AuthState {
        @Override
        public StoredCredentialState toStoredCredentialState() {
            return StoredCredentialState.NOT_REQUIRED;
        }
    }
}
