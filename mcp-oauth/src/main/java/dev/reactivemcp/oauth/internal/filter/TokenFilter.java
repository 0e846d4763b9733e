package dev.reactivemcp.oauth.internal.filter;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * The OAuth token filter of one MCP endpoint. Resolves the owner of each call ({@link OwnerResolution}, from the
 * call's Reactor context) and works only with that owner's {@link EndpointSession}: attaches its current token
 * (refreshed first when stale, refreshed in the background when in the prefetch window); on a 401 for the token it
 * sent, replays once with the token that replaced it, or after one refresh keyed on exactly that token; on
 * {@code insufficient_scope} (a 403, RFC 6750 section 3.1), steps up with the union of scopes. Which is which is
 * {@link AuthDecision}'s call, by the rules the error classifier uses too. Authorizations (login, step-up) run only
 * when allowed, at most 3 per request. What cannot be recovered fails with the decision's own
 * {@code McpFailure.AuthenticationRequired}, carried as is.
 *
 * <p>Sessions of the 2025-11-25 protocol ({@code Mcp-Session-Id}) belong to the owner whose call initialized them
 * (the owner of the {@code initialize} request whose response issued the id, else of the first request carrying
 * it): a call of another owner carrying that id fails with a {@code ProtocolError} before anything is sent (servers
 * bind sessions to users; a service uses one client per owner in that era). The listening {@code GET} and the
 * wind-down requests of a session carry its owner's token whoever sends them. Requests of the 2026-07-28 protocol
 * carry no session id: one client serves every owner.
 *
 * <p>Requests that end or abandon something ({@link #isWindDown}: the {@code DELETE} that terminates a session,
 * which {@code McpClient.close()} sends, and {@code notifications/cancelled}) carry the current token as it is:
 * they never start, wait for or retry after a refresh, so closing a client never begins a token rotation that
 * the exit could then cut off.
 */
final class TokenFilter implements ExchangeFilterFunction {

    static final int MAX_AUTHORIZATIONS = 3;
    /** Session ids remembered with their owner; a client has one live session, older ones are dead. */
    static final int MAX_BOUND_SESSIONS = 64;
    private static final String SESSION_ID = "Mcp-Session-Id";

    private final String endpoint;
    private final Function<String, EndpointSession> sessions;
    private final OwnerResolution owners;
    /** False for plain HTTP requests (not MCP): no session binding, no wind-down (a DELETE is an ordinary request). */
    private final boolean mcpRules;
    private final ConcurrentHashMap<String, String> sessionOwners = new ConcurrentHashMap<>();

    /**
     * The filter of {@code endpoint}, over the session of each call's owner ({@code sessions}); it talks to nothing
     * else (the sessions talk to the engine).
     */
    TokenFilter(String endpoint, Function<String, EndpointSession> sessions, OwnerResolution owners) {
        this(endpoint, sessions, owners, true);
    }

    /** As above; with {@code mcpRules} false, for plain HTTP requests: no MCP session or wind-down rules. */
    TokenFilter(String endpoint, Function<String, EndpointSession> sessions, OwnerResolution owners,
                boolean mcpRules) {
        this.endpoint = endpoint;
        this.sessions = sessions;
        this.owners = owners;
        this.mcpRules = mcpRules;
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

    @Override
    public Mono<McpHttpResponse> filter(McpHttpRequest request, ExchangeFunction next) {
        if (request.carriesCredentials()) {
            return next.exchange(request); // the application set its own credentials: not ours to manage
        }
        if (!mcpRules) {
            return Mono.deferContextual(owners::resolve).flatMap(owner -> filter(sessions.apply(owner), request, next));
        }
        String sessionId = request.headers().first(SESSION_ID).orElse(null);
        String sessionOwner = sessionId == null ? null : sessionOwners.get(sessionId);
        if (sessionOwner != null && (isWindDown(request) || "GET".equalsIgnoreCase(request.method()))) {
            // the session's own stream or wind-down (often sent with no owner in context): its owner's token
            return filterAs(sessionOwner, request, next);
        }
        if (owners.immediate()) {
            return Mono.deferContextual(ctx -> filterAs(OwnerResolution.immediate(ctx), request, next));
        }
        return Mono.deferContextual(owners::resolve).flatMap(owner -> filterAs(owner, request, next));
    }

    private Mono<McpHttpResponse> filterAs(String caller, McpHttpRequest request, ExchangeFunction next) {
        String sessionId = request.headers().first(SESSION_ID).orElse(null);
        if (sessionId != null) {
            String bound = bind(sessionId, caller);
            if (!bound.equals(caller)) {
                return Mono.error(crossing());
            }
            if ("DELETE".equalsIgnoreCase(request.method())) {
                sessionOwners.remove(sessionId, bound);
            }
        } else if (request.jsonRpcMethod().filter("initialize"::equals).isPresent()) {
            String initializer = caller;
            ExchangeFunction plain = next;
            next = req -> plain.exchange(req).doOnNext(response -> response.headers().first(SESSION_ID)
                    .ifPresent(issued -> bind(issued, initializer)));
        }
        return filter(sessions.apply(caller), request, next);
    }

    /** The owner of session {@code sessionId}: bound to {@code owner} when it had none. */
    private String bind(String sessionId, String owner) {
        String bound = sessionOwners.get(sessionId);
        if (bound != null) {
            return bound;
        }
        if (sessionOwners.size() >= MAX_BOUND_SESSIONS) {
            sessionOwners.keySet().stream().filter(id -> !id.equals(sessionId)).findAny()
                    .ifPresent(sessionOwners::remove);
        }
        bound = sessionOwners.putIfAbsent(sessionId, owner);
        return bound == null ? owner : bound;
    }

    private static McpException crossing() {
        String why = "this MCP session (Mcp-Session-Id, protocol 2025-11-25) was initialized for another owner and "
                + "is never used for this call's owner; use one McpClient per owner with that protocol";
        return new McpException(new McpFailure.ProtocolError(why), why, null);
    }

    private Mono<McpHttpResponse> filter(EndpointSession session, McpHttpRequest request, ExchangeFunction next) {
        if (mcpRules && isWindDown(request)) {
            return session.asIs().flatMap(snapshot -> session.send(request, snapshot,
                    snapshot.isNone() ? null : snapshot.authorization(), next));
        }
        Snapshot now = session.freshNow();
        if (now != null) { // the common case: a loaded, fresh token; no refresh work, no operator before sending
            Ready ready = session.freshReady instanceof Ready r ? r : null;
            if (ready == null || ready.snapshot() != now) {
                ready = new Ready(now, CallState.INITIAL);
                session.freshReady = ready;
            }
            return send(session, request, ready, next);
        }
        return session.forRequest()
                .map(snapshot -> new Ready(snapshot, CallState.INITIAL))
                .onErrorResume(e -> canLogin(session, CallState.INITIAL) && AuthFailures.isAuthenticationRequired(e),
                        e -> login(session, List.of(), Snapshot.NONE, CallState.INITIAL))
                .doOnError(session::loginRequired)
                .flatMap(ready -> send(session, request, ready, next));
    }

    private Mono<McpHttpResponse> send(EndpointSession session, McpHttpRequest request, Ready ready,
                                       ExchangeFunction next) {
        Snapshot snapshot = ready.snapshot();
        return session.send(request, snapshot, ready.authorization(), next).flatMap(response -> {
            AuthDecision decision = AuthDecision.of(response, !snapshot.isNone());
            return switch (decision.kind()) {
                case UNAUTHORIZED -> response.releaseBody()
                        .then(recoverUnauthorized(session, snapshot, decision, ready.state()))
                        .doOnError(session::loginRequired)
                        .flatMap(recovered -> send(session, request.nextAttempt(), recovered, next));
                case INSUFFICIENT_SCOPE -> !canLogin(session, ready.state()) ? Mono.just(response) : response.releaseBody()
                        .then(login(session, decision.challenges(), snapshot, ready.state()))
                        .doOnError(session::loginRequired)
                        .flatMap(recovered -> send(session, request.nextAttempt(), recovered, next));
                case DELIVER -> Mono.just(response);
            };
        });
    }

    private Mono<Ready> recoverUnauthorized(EndpointSession session, Snapshot sent, AuthDecision decision,
                                           CallState state) {
        if (state.refreshed()) {
            return loginOrFail(session, decision, sent, state, null);
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
                .flatMap(fresh -> fresh.isNone() ? loginOrFail(session, decision, sent, refreshed, renewal.get())
                        : Mono.just(new Ready(fresh, refreshed)));
    }

    /** Logs in when allowed, else fails with the decision's own failure (classified as is, never decided again). */
    private Mono<Ready> loginOrFail(EndpointSession session, AuthDecision decision, Snapshot sent, CallState state,
                                    Throwable cause) {
        if (canLogin(session, state)) {
            return login(session, decision.challenges(), sent, state);
        }
        String why = sent.isNone() ? "no credentials are stored for this server"
                : "the server rejected the access token and it could not be renewed";
        return Mono.error(decision.error(why, cause));
    }

    private Mono<Ready> login(EndpointSession session, List<Challenge> challenges, Snapshot sent, CallState state) {
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
                    state.authorizations(), session.owner());
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

    private boolean canLogin(EndpointSession session, CallState state) {
        return session.acquisitionAllowed() && state.authorizations() < MAX_AUTHORIZATIONS;
    }

    @Override
    public String toString() {
        return (mcpRules ? "TokenFilter[" : "TokenFilter[plain HTTP, ") + endpoint + "]";
    }
}
