package dev.reactivemcp.oauth.internal.filter;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenProvider;
import dev.reactivemcp.oauth.TokenStore;
import dev.reactivemcp.oauth.internal.UnusableRenewal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * One renewal as a store transaction ({@link TokenStore#update}): under the credential's lock, reread the
 * entry; adopt it when someone else already replaced the token we saw; otherwise ask the providers to renew it
 * (whatever grant that takes), keep the old refresh token when the answer has none, persist, and only then emit.
 * A terminal failure ({@code invalid_grant}) is persisted as {@link StoredCredentials#rejected()}.
 */
final class RefreshTransaction {

    /** Why a refresh runs. */
    enum Reason {
        /** The prefetch instant passed: background refresh, callers keep the current token. */
        PREFETCH,
        /** The stale instant passed: callers wait. */
        EXPIRY,
        /** The server answered 401 to the token we sent. */
        UNAUTHORIZED
    }

    /**
     * What the transaction ended with.
     *
     * @param credentials the stored credentials now (possibly marked rejected)
     * @param rejection   the terminal refresh failure that marked them, or {@code null}
     * @param snapshot    the snapshot of {@code credentials} once published, or {@code null} before
     */
    record Outcome(StoredCredentials credentials, Throwable rejection, Snapshot snapshot) {
        Outcome(StoredCredentials credentials, Throwable rejection) {
            this(credentials, rejection, null);
        }

        boolean rejected() {
            return credentials.rejected();
        }

        Outcome withSnapshot(Snapshot published) {
            return new Outcome(credentials, rejection, published);
        }
    }

    private final TokenStore store;
    private final TokenProvider providers;
    private final Clock clock;
    private final Scheduler timer;
    private final RefreshPolicy policy;

    RefreshTransaction(TokenStore store, TokenProvider providers, Clock clock, Scheduler timer, RefreshPolicy policy) {
        this.store = store;
        this.providers = providers;
        this.clock = clock;
        this.timer = timer;
        this.policy = policy;
    }

    /** Refreshes (or adopts a newer entry than) {@code seen}, the credentials whose access token was used. */
    Mono<Outcome> run(StoredCredentials seen, Reason reason) {
        return Mono.defer(() -> {
            AtomicReference<Throwable> rejection = new AtomicReference<>();
            AtomicReference<UnusableRenewal> unusable = new AtomicReference<>(); // stored what it kept, then failed
            return store.update(seen.key(), current -> decide(current, seen, reason, rejection)
                            .onErrorResume(UnusableRenewal.class::isInstance, e -> {
                                unusable.set((UnusableRenewal) e);
                                return Mono.just(((UnusableRenewal) e).keptIn(current.orElseThrow()));
                            }))
                    .switchIfEmpty(Mono.error(() -> AuthFailures.authenticationRequired(List.of(), false,
                            "the stored credentials were removed", null)))
                    .flatMap(stored -> unusable.get() != null ? Mono.error(unusable.get())
                            : Mono.just(new Outcome(stored, stored.rejected() ? rejection.get() : null)));
        });
    }

    private Mono<StoredCredentials> decide(Optional<StoredCredentials> current, StoredCredentials seen, Reason reason,
                                           AtomicReference<Throwable> rejection) {
        if (current.isEmpty()) {
            return Mono.empty();
        }
        StoredCredentials stored = current.get();
        if (stored.rejected()) {
            return Mono.empty(); // already known unusable: emitted as is, the caller fails
        }
        Instant now = clock.instant();
        Snapshot snapshot = Snapshot.of(stored, policy, providers.renews(stored));
        boolean replaced = !stored.tokens().accessToken().equals(seen.tokens().accessToken());
        if (replaced && adoptable(snapshot, reason, now)) {
            return Mono.empty(); // another caller or process refreshed already: adopt, no token request
        }
        if (!providers.renews(stored)) {
            return Mono.error(AuthFailures.authenticationRequired(List.of(), reason == Reason.UNAUTHORIZED,
                    "the access token " + (reason == Reason.UNAUTHORIZED ? "was rejected" : "expired")
                            + " and no refresh token is stored", null));
        }
        return providers.provide(TokenProvider.Context.renew(stored))
                .switchIfEmpty(Mono.error(() -> AuthFailures.authenticationRequired(List.of(), false,
                        "no token provider renews these credentials", null)))
                .timeout(policy.refreshTimeout(), Mono.error(() -> new McpException(
                        McpFailure.TokenRefreshFailed.transientFailure("no token after " + policy.refreshTimeout()),
                        "token renewal timed out after " + policy.refreshTimeout(), null)), timer)
                .map(fresh -> stored.withTokens(stored.tokens().refreshedWith(
                        TokenExpiry.withExpiry(fresh.tokens())), clock.instant()))
                .onErrorResume(AuthFailures::isTerminalRefreshFailure, e -> {
                    rejection.set(e);
                    return Mono.just(stored.markRejected(clock.instant()));
                });
    }

    private static boolean adoptable(Snapshot stored, Reason reason, Instant now) {
        Snapshot.Phase phase = stored.phase(now);
        return reason == Reason.PREFETCH ? phase == Snapshot.Phase.FRESH : phase != Snapshot.Phase.STALE;
    }
}
