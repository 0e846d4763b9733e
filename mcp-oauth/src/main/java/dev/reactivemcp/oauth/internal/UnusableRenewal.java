package dev.reactivemcp.oauth.internal;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;

/**
 * A renewal whose answer cannot be used (e.g. a DPoP token bound to another key, RFC 9449 section 6.1) although the
 * server may already have rotated the refresh token with it: the token engine stores that refresh token in place of
 * the old one (a server that rotates revokes the whole grant when the old one comes back) and then fails the renewal
 * with this exception. The refresh token is never part of the message.
 */
public final class UnusableRenewal extends McpException {

    private static final long serialVersionUID = 1L;

    private final transient String refreshToken;

    /** {@code refreshToken}: the one the unusable answer carried, or null when it carried none. */
    public UnusableRenewal(McpFailure failure, String message, String refreshToken) {
        super(failure, message, null);
        this.refreshToken = refreshToken;
    }

    /**
     * {@code stored} with the answer's refresh token in place of its own (nothing else changes: the old access token
     * stays due, so the next call renews again with the kept refresh token); {@code stored} itself when the answer
     * carried none.
     */
    public StoredCredentials keptIn(StoredCredentials stored) {
        if (refreshToken == null || refreshToken.isEmpty()) {
            return stored;
        }
        OAuthTokens old = stored.tokens();
        return stored.withTokens(new OAuthTokens(old.accessToken(), old.tokenType(), refreshToken, old.expiresAt(),
                old.scopes(), old.dpopKey()), stored.updatedAt());
    }
}
