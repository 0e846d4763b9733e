package dev.reactivemcp.oauth.internal.filter;

import dev.reactivemcp.errors.KnownSecrets;
import dev.reactivemcp.oauth.StoredCredentials;
import java.time.Instant;

/**
 * Credentials as the filter uses them: the stored entry with its effective expiry and the two instants of the
 * refresh policy computed once, from the lifetime the server granted (see {@link TokenExpiry#issuedAt}). {@link #NONE} stands for "nothing stored". Never prints a token.
 *
 * @param credentials the stored entry, or {@code null} for {@link #NONE}
 * @param expiresAt   the effective expiry, or {@code null} when unknown
 * @param prefetchAt  when a background refresh starts, or {@code null}
 * @param staleAt     when callers wait for a refresh, or {@code null}
 * @param renewable   whether a provider can renew the credentials without a user (a refresh token, or a grant
 *                    that needs no user)
 */
public record Snapshot(StoredCredentials credentials, Instant expiresAt, Instant prefetchAt, Instant staleAt,
                       boolean renewable) {

    /** Nothing stored. */
    public static final Snapshot NONE = new Snapshot(null, null, null, null, false);

    /** Where a token stands at some instant. */
    public enum Phase {
        /** Before the prefetch instant, or expiry unknown. */
        FRESH,
        /** Between prefetch and stale: refresh in the background, keep using it. */
        PREFETCH,
        /** After the stale instant: callers wait for the refresh. */
        STALE
    }

    /** The snapshot of {@code credentials} under {@code policy}, renewable when a refresh token is stored. */
    public static Snapshot of(StoredCredentials credentials, RefreshPolicy policy) {
        return of(credentials, policy, credentials.tokens().refreshable());
    }

    /** The snapshot of {@code credentials} under {@code policy}; {@code renewable} as the providers say. */
    public static Snapshot of(StoredCredentials credentials, RefreshPolicy policy, boolean renewable) {
        KnownSecrets.remember(credentials.tokens().accessToken(), credentials.tokens().refreshToken(),
                credentials.registration().clientSecret());   // masked in any text a server sends back
        Instant expiresAt = TokenExpiry.of(credentials.tokens());
        if (expiresAt == null) {
            return new Snapshot(credentials, null, null, null, renewable);
        }
        Instant issuedAt = TokenExpiry.issuedAt(credentials);
        return new Snapshot(credentials, expiresAt, policy.prefetchAt(issuedAt, expiresAt),
                policy.staleAt(issuedAt, expiresAt), renewable);
    }

    /** Whether nothing is stored. */
    public boolean isNone() {
        return credentials == null;
    }

    /** The phase at {@code now}. */
    public Phase phase(Instant now) {
        if (expiresAt == null) {
            return Phase.FRESH;
        }
        if (!now.isBefore(staleAt)) {
            return Phase.STALE;
        }
        return now.isBefore(prefetchAt) ? Phase.FRESH : Phase.PREFETCH;
    }

    /** Whether the access token is past its expiry at {@code now} (never, when unknown). */
    public boolean isExpired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** Whether the credentials can be renewed without a user (see {@link #renewable}). */
    public boolean refreshable() {
        return credentials != null && renewable;
    }

    /** Whether the stored credentials can be used at {@code now}: not rejected, and valid or refreshable. */
    public boolean usable(Instant now) {
        return credentials != null && !credentials.rejected() && (refreshable() || phase(now) != Phase.STALE);
    }

    /** The access token. */
    public String accessToken() {
        return credentials.tokens().accessToken();
    }

    /** The {@code Authorization} header value: {@code Bearer <token>}. */
    String authorization() {
        String type = credentials.tokens().tokenType();
        return ("bearer".equalsIgnoreCase(type) ? "Bearer" : type) + " " + accessToken();
    }

    /** Whether both hold the same access token. */
    boolean sameToken(Snapshot other) {
        return !isNone() && !other.isNone() && accessToken().equals(other.accessToken());
    }

    @Override
    public String toString() {
        return isNone() ? "Snapshot[none]" : "Snapshot[" + credentials.key() + ", expiresAt=" + expiresAt
                + ", prefetchAt=" + prefetchAt + ", staleAt=" + staleAt + ", rejected=" + credentials.rejected() + "]";
    }
}
