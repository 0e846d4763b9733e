package dev.reactivemcp.oauth;

import dev.reactivemcp.errors.McpFailure;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Something the token engine did with an owner's credentials for one MCP endpoint, as published by
 * {@link McpOAuth#events()}: a refresh started, succeeded or failed (and why it ran), a login was required or
 * completed, the authorization server rejected the stored credentials, the token store failed. It never carries a
 * secret: no token, code, verifier or client secret, only the endpoint, the owner, the issuer and the classified
 * failure.
 *
 * <pre>{@code
 * oauth.events()
 *     .filter(e -> e.kind() == CredentialEvent.Kind.CREDENTIALS_REJECTED)
 *     .subscribe(e -> notifyUser(e.owner(), e.endpoint()));
 * }</pre>
 *
 * <p>A refresh is reported as {@link Kind#REFRESH_STARTED} then exactly one of {@link Kind#REFRESH_SUCCEEDED} or
 * {@link Kind#REFRESH_FAILED}, both with the same {@link #refreshId()}: one pair per refresh transaction, however
 * many callers share it. A call sent with a valid token emits nothing. RFC 6749 section 6 (refresh), MCP
 * authorization (2025-06-18 and later).
 *
 * @param kind      what happened
 * @param refreshId for the three refresh kinds, the id shared by a refresh's start and its end (positive, increasing
 *                  per {@link McpOAuth}); {@code 0} for the other kinds
 * @param endpoint  the MCP endpoint the credentials are filed under
 * @param owner     the owner of the credentials ({@link CredentialKey#owner()}; {@code ""} is the default owner)
 * @param issuer    the authorization server's issuer when known, else {@code null}
 * @param reason    why a refresh ran, for the three refresh kinds, else {@code null}
 * @param failure   the classified failure for {@link Kind#REFRESH_FAILED}, {@link Kind#LOGIN_REQUIRED},
 *                  {@link Kind#CREDENTIALS_REJECTED} and {@link Kind#STORE_FAILED} when there is one, else
 *                  {@code null}
 * @param at        when it happened, on the {@link McpOAuth.Builder#clock clock} of the {@link McpOAuth}
 */
public record CredentialEvent(Kind kind, long refreshId, String endpoint, String owner, String issuer,
                              RefreshReason reason, McpFailure failure, Instant at) {

    /** What happened. */
    public enum Kind {
        /** A refresh transaction started (it may still adopt a token another process refreshed, with no request). */
        REFRESH_STARTED,
        /** The refresh transaction persisted usable credentials (renewed, or adopted from the store). */
        REFRESH_SUCCEEDED,
        /** The refresh transaction ended without usable credentials: a transient failure, or a rejection. */
        REFRESH_FAILED,
        /** A call failed because the owner must log in (again): nothing usable is stored and no grant applied. */
        LOGIN_REQUIRED,
        /** New credentials were acquired (any grant, or a completed service login) and persisted. */
        LOGIN_COMPLETED,
        /** The authorization server rejected the refresh token ({@code invalid_grant}): marked rejected in the store. */
        CREDENTIALS_REJECTED,
        /** The token store could not be read or written. */
        STORE_FAILED
    }

    /** Why a refresh ran. */
    public enum RefreshReason {
        /** The prefetch instant passed: a background refresh, callers keep the current, still valid token. */
        PREFETCH,
        /** The token is stale (about to expire, or expired): callers wait for the refresh. */
        STALE,
        /** The MCP server answered 401 to the token just sent. */
        UNAUTHORIZED
    }

    /**
     * Validates.
     *
     * @param kind      what happened
     * @param refreshId the refresh's id for the refresh kinds, else {@code 0}
     * @param endpoint  the MCP endpoint
     * @param owner     the owner of the credentials
     * @param issuer    the issuer, or {@code null}
     * @param reason    why a refresh ran, or {@code null}
     * @param failure   the classified failure, or {@code null}
     * @param at        when it happened
     * @throws NullPointerException     when {@code kind}, {@code endpoint}, {@code owner} or {@code at} is {@code null}
     * @throws IllegalArgumentException when {@code refreshId} is negative
     */
    public CredentialEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(at, "at");
        if (refreshId < 0) {
            throw new IllegalArgumentException("refreshId must not be negative");
        }
    }

    /**
     * The classified failure, when there is one.
     *
     * @return the failure of a failed refresh, a required login, a rejection or a store failure; empty otherwise
     */
    public Optional<McpFailure> failureKind() {
        return Optional.ofNullable(failure);
    }

    /**
     * Whether this event is one of the three of a refresh transaction.
     *
     * @return {@code true} for {@link Kind#REFRESH_STARTED}, {@link Kind#REFRESH_SUCCEEDED} and
     *         {@link Kind#REFRESH_FAILED}
     */
    public boolean isRefresh() {
        return kind == Kind.REFRESH_STARTED || kind == Kind.REFRESH_SUCCEEDED || kind == Kind.REFRESH_FAILED;
    }
}
