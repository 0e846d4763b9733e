package dev.reactivemcp.oauth.internal.filter;

import dev.reactivemcp.errors.WwwAuthenticate;
import dev.reactivemcp.errors.WwwAuthenticate.Challenge;
import dev.reactivemcp.oauth.TokenProvider;
import dev.reactivemcp.transport.ExchangeFilterFunction;
import dev.reactivemcp.transport.ExchangeFunction;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.McpHttpResponse;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;

/**
 * The OAuth token filter of one MCP endpoint. Attaches the current token (refreshed first when stale, refreshed
 * in the background when in the prefetch window); on a 401 for the token it sent, replays once with the token
 * that replaced it, or after one refresh keyed on exactly that token; on {@code insufficient_scope} (a 403, RFC 6750
 * section 3.1), steps up with the union of scopes. Which is which is {@link AuthDecision}'s call, by the rules the
 * error classifier uses too. Authorizations (login, step-up) run only when allowed, at most 3 per request. What
 * cannot be recovered fails with the decision's own {@code McpFailure.AuthenticationRequired}, carried as is.
 *
 * <p>Requests that end or abandon something ({@link #isWindDown}: the {@code DELETE} that terminates a session,
 * which {@code McpClient.close()} sends, and {@code notifications/cancelled}) carry the current token as it is:
 * they never start, wait for or retry after a refresh, so closing a client never begins a token rotation that
 * the exit could then cut off.
 */
final class TokenFilter implements ExchangeFilterFunction {

    static final int MAX_AUTHORIZATIONS = 3;

    private final EndpointSession session;

    /** The filter over {@code session}: it talks to nothing else (the session talks to the engine). */
    TokenFilter(EndpointSession session) {
        this.session = session;
    }

    /** Per request: whether the one refresh was used, how many authorizations ran, which scopes were asked. */
    record CallState(boolean refreshed, int authorizations, Set<String> requestedScopes) {
        static final CallState INITIAL = new CallState(false, 0, Set.of());

        CallState withRefresh() {
            return new CallState(true, authorizations, requestedScopes);
        }

        CallState withAuthorization(Set<String> scopes) {
            return new CallState(refreshed, authorizations + 1, scopes);
        }
    }

    /** The snapshot to send, the call state to send it with, and its {@code Authorization} value (built once). */
    record Ready(Snapshot snapshot, CallState state, String authorization) {
        Ready(Snapshot snapshot, CallState state) {
            this(snapshot, state, snapshot.isNone() ? null : snapshot.authorization());
        }

        /** Never the {@code Authorization} value (it carries the access token). */
        @Override
        public String toString() {
            return "Ready[" + snapshot + ", " + state + ", authorization=" + (authorization == null ? "none" : "<redacted>")
                    + "]";
        }
    }

    /** The fast path's last answer, reused while the same fresh snapshot is current. */
    private volatile Ready fresh;

    @Override
    public Mono<McpHttpResponse> filter(McpHttpRequest request, ExchangeFunction next) {
        if (request.carriesCredentials()) {
            return next.exchange(request); // the application set its own credentials: not ours to manage
        }
        if (isWindDown(request)) {
            return session.asIs().flatMap(snapshot -> session.send(request, snapshot,
                    snapshot.isNone() ? null : snapshot.authorization(), next));
        }
        Snapshot now = session.freshNow();
        if (now != null) { // the common case: a loaded, fresh token; no refresh work, no operator before sending
            Ready ready = fresh;
            if (ready == null || ready.snapshot() != now) {
                ready = new Ready(now, CallState.INITIAL);
                fresh = ready;
            }
            return send(request, ready, next);
        }
        return session.forRequest()
                .map(snapshot -> new Ready(snapshot, CallState.INITIAL))
                .onErrorResume(e -> canLogin(CallState.INITIAL) && AuthFailures.isAuthenticationRequired(e),
                        e -> login(List.of(), Snapshot.NONE, CallState.INITIAL))
                .flatMap(ready -> send(request, ready, next));
    }

    private Mono<McpHttpResponse> send(McpHttpRequest request, Ready ready, ExchangeFunction next) {
        Snapshot snapshot = ready.snapshot();
        return session.send(request, snapshot, ready.authorization(), next).flatMap(response -> {
            AuthDecision decision = AuthDecision.of(response, !snapshot.isNone());
            return switch (decision.kind()) {
                case UNAUTHORIZED -> response.releaseBody()
                        .then(recoverUnauthorized(snapshot, decision, ready.state()))
                        .flatMap(recovered -> send(request.nextAttempt(), recovered, next));
                case INSUFFICIENT_SCOPE -> !canLogin(ready.state()) ? Mono.just(response) : response.releaseBody()
                        .then(login(decision.challenges(), snapshot, ready.state()))
                        .flatMap(recovered -> send(request.nextAttempt(), recovered, next));
                case DELIVER -> Mono.just(response);
            };
        });
    }

    private Mono<Ready> recoverUnauthorized(Snapshot sent, AuthDecision decision, CallState state) {
        if (state.refreshed()) {
            return loginOrFail(decision, sent, state, null);
        }
        CallState refreshed = state.withRefresh();
        // Only a failed renewal leads to an acquisition; a failed acquisition is final for this request (no
        // second token request with the same assertion, no other grant).
        AtomicReference<Throwable> renewal = new AtomicReference<>();
        return session.afterRejection(sent)
                .onErrorResume(AuthFailures::isAuthenticationRequired, e -> {
                    renewal.set(e);
                    return Mono.just(Snapshot.NONE);
                })
                .flatMap(fresh -> fresh.isNone() ? loginOrFail(decision, sent, refreshed, renewal.get())
                        : Mono.just(new Ready(fresh, refreshed)));
    }

    /** Logs in when allowed, else fails with the decision's own failure (classified as is, never decided again). */
    private Mono<Ready> loginOrFail(AuthDecision decision, Snapshot sent, CallState state, Throwable cause) {
        if (canLogin(state)) {
            return login(decision.challenges(), sent, state);
        }
        String why = sent.isNone() ? "no credentials are stored for this server"
                : "the server rejected the access token and it could not be renewed";
        return Mono.error(decision.error(why, cause));
    }

    private Mono<Ready> login(List<Challenge> challenges, Snapshot sent, CallState state) {
        Set<String> previously = new LinkedHashSet<>(state.requestedScopes());
        if (!sent.isNone()) {
            previously.addAll(sent.credentials().tokens().scopes());
        }
        Set<String> requested = new LinkedHashSet<>(previously);
        WwwAuthenticate.oauthChallenge(challenges).ifPresent(c -> requested.addAll(c.scopes()));
        CallState next = state.withAuthorization(Set.copyOf(requested));
        return session.current().flatMap(current -> {
            if (!current.isNone() && !current.sameToken(sent) && current.usable(session.now())
                    && current.credentials().tokens().scopes().containsAll(requested)) {
                return Mono.just(new Ready(current, next)); // someone else already logged in or stepped up
            }
            TokenProvider.Context context = new TokenProvider.Context(session.endpoint(),
                    TokenProvider.Purpose.ACQUIRE, sent.isNone() ? null : sent.credentials(), challenges, previously,
                    state.authorizations());
            return session.acquire(context).map(creds -> new Ready(session.adopt(creds), next));
        });
    }

    /**
     * Whether {@code request} winds something down: the session {@code DELETE} (Streamable HTTP, the only
     * {@code DELETE} MCP sends) or a {@code notifications/cancelled}. Such a request is best effort and must not
     * cause token work.
     */
    static boolean isWindDown(McpHttpRequest request) {
        return "DELETE".equalsIgnoreCase(request.method())
                || request.jsonRpcMethod().filter("notifications/cancelled"::equals).isPresent();
    }

    private boolean canLogin(CallState state) {
        return session.acquisitionAllowed() && state.authorizations() < MAX_AUTHORIZATIONS;
    }

    @Override
    public String toString() {
        return "TokenFilter[" + session.endpoint() + "]";
    }
}
