package dev.reactivemcp.oauth.internal.filter;

import dev.reactivemcp.oauth.TokenStore;
import dev.reactivemcp.oauth.internal.Authorizer;
import dev.reactivemcp.oauth.internal.TokenRefresher;
import java.time.Clock;
import java.util.Objects;
import reactor.core.scheduler.Scheduler;

/**
 * What the token engine needs; built by {@code McpOAuth}, or by tests with fakes.
 *
 * @param store               where credentials live
 * @param authorizer          the login flow (used only when {@code loginAllowed})
 * @param refresher           the refresh-token grant
 * @param discovery           whether an endpoint advertises OAuth (for the auth state with discovery)
 * @param clock               the clock for expiries
 * @param timer               the scheduler for prefetch backoff (virtual time in tests)
 * @param policy              prefetch, stale and backoff settings
 * @param loginAllowed        whether a 401 or 403 may start an authorization (a code source is configured)
 * @param staticAuthorization a configured {@code Authorization} header value, or {@code null}
 */
public record EngineConfig(TokenStore store, Authorizer authorizer, TokenRefresher refresher, AuthDiscovery discovery,
                           Clock clock, Scheduler timer, RefreshPolicy policy, boolean loginAllowed,
                           String staticAuthorization) {

    /** Validates. */
    public EngineConfig {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(authorizer, "authorizer");
        Objects.requireNonNull(refresher, "refresher");
        Objects.requireNonNull(discovery, "discovery");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(timer, "timer");
        Objects.requireNonNull(policy, "policy");
    }

    /** Never prints the static credentials. */
    @Override
    public String toString() {
        return "EngineConfig[store=" + store + ", policy=" + policy + ", loginAllowed=" + loginAllowed
                + ", staticAuthorization=" + (staticAuthorization == null ? "none" : "<redacted>") + "]";
    }
}
