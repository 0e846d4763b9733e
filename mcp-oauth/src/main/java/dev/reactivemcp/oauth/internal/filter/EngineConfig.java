package dev.reactivemcp.oauth.internal.filter;

import dev.reactivemcp.oauth.TokenProvider;
import dev.reactivemcp.oauth.TokenStore;
import dev.reactivemcp.oauth.internal.AuthorizationCodeProvider;
import dev.reactivemcp.oauth.internal.Authorizer;
import dev.reactivemcp.oauth.internal.RefreshTokenProvider;
import dev.reactivemcp.oauth.internal.TokenRefresher;
import dev.reactivemcp.oauth.internal.dpop.DpopLayer;
import java.time.Clock;
import java.util.Objects;
import reactor.core.scheduler.Scheduler;

/**
 * What the token engine needs; built by {@code McpOAuth}, or by tests with fakes. The engine knows no grant: every
 * token comes from {@code providers}.
 *
 * @param store               where credentials live
 * @param providers           the grants, composed ({@link TokenProvider#orElse}); asked to acquire only when
 *                            {@code loginAllowed}
 * @param discovery           whether an endpoint advertises OAuth (for the auth state with discovery)
 * @param clock               the clock for expiries
 * @param timer               the scheduler for every delay: prefetch backoff, refresh timeout, shutdown wait
 * @param policy              prefetch, stale and backoff settings
 * @param loginAllowed        whether a 401 or 403 may start an acquisition (some provider can acquire)
 * @param staticAuthorization a configured {@code Authorization} header value, or {@code null}
 * @param dpop                the DPoP layer MCP requests go through (DPoP-bound tokens get their proofs), or
 *                            {@code null} for none
 */
public record EngineConfig(TokenStore store, TokenProvider providers, AuthDiscovery discovery,
                           Clock clock, Scheduler timer, RefreshPolicy policy, boolean loginAllowed,
                           String staticAuthorization, DpopLayer dpop) {

    /** Validates. */
    public EngineConfig {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(providers, "providers");
        Objects.requireNonNull(discovery, "discovery");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(timer, "timer");
        Objects.requireNonNull(policy, "policy");
    }

    /** Without DPoP. */
    public EngineConfig(TokenStore store, TokenProvider providers, AuthDiscovery discovery, Clock clock,
                        Scheduler timer, RefreshPolicy policy, boolean loginAllowed, String staticAuthorization) {
        this(store, providers, discovery, clock, timer, policy, loginAllowed, staticAuthorization, null);
    }

    /** The default chain over a refresher and an authorizer: refresh token, then authorization code. */
    public EngineConfig(TokenStore store, Authorizer authorizer, TokenRefresher refresher, AuthDiscovery discovery,
                        Clock clock, Scheduler timer, RefreshPolicy policy, boolean loginAllowed,
                        String staticAuthorization) {
        this(store, new RefreshTokenProvider(refresher).orElse(new AuthorizationCodeProvider(authorizer)), discovery,
                clock, timer, policy, loginAllowed, staticAuthorization, null);
    }

    /** Never prints the static credentials. */
    @Override
    public String toString() {
        return "EngineConfig[store=" + store + ", providers=" + providers + ", policy=" + policy + ", loginAllowed="
                + loginAllowed + ", dpop=" + dpop + ", staticAuthorization=" + (staticAuthorization == null ? "none" : "<redacted>") + "]";
    }
}
