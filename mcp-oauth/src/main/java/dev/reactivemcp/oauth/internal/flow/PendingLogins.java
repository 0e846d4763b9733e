package dev.reactivemcp.oauth.internal.flow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The logins of a service waiting for their redirect ({@code McpOAuth.Builder.serviceLogin}): each one's
 * {@link PendingAuthorization} (PKCE verifier, {@code state}, issuer, redirect URI, DPoP key if any) bound to the owner and MCP
 * endpoint it was started for, in memory, keyed by its {@code state}. Short-lived (forgotten at {@code validity}
 * on the injected clock), single use ({@link #take} removes), bounded: at most {@code perOwner} per owner and
 * endpoint (a new one drops that owner's oldest) and {@code max} in all (a new one drops the oldest overall), so a
 * flood of calls neither grows memory nor invalidates other owners' fresh logins before the global bound.
 *
 * <p>Why a parked authorization rather than an {@code AuthorizationCodeSource} that waits: a code source runs
 * inside the call and would hold it (and its single-flight slot) open until the user returns, minutes later,
 * possibly to another replica; here the call ends at once with the URL, and the completion is a separate request
 * of the service's web layer. A completion must reach the replica that issued the URL (sticky sessions), since
 * the verifier never leaves this process.
 *
 * <p>Only short critical sections on an uncontended monitor: nothing blocks.
 */
public final class PendingLogins {

    /** One waiting login. */
    record Parked(PendingAuthorization authorization, String endpoint, String owner, Instant expiresAt,
                  LoginBinding.Key key) { }

    private record OwnerKey(String endpoint, String owner) { }

    private final Clock clock;
    private final String redirectUri;
    private final Duration validity;
    private final int max;
    private final int perOwner;
    private final LinkedHashMap<String, Parked> byState = new LinkedHashMap<>();
    private final Map<OwnerKey, ArrayDeque<String>> byOwner = new HashMap<>();

    /**
     * Logins redirected to {@code redirectUri}, kept for {@code validity}, at most {@code max} at a time and
     * {@code perOwner} per owner and endpoint.
     */
    public PendingLogins(Clock clock, String redirectUri, Duration validity, int max, int perOwner) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.redirectUri = Objects.requireNonNull(redirectUri, "redirectUri");
        this.validity = Objects.requireNonNull(validity, "validity");
        if (validity.isNegative() || validity.isZero() || max < 1 || perOwner < 1) {
            throw new IllegalArgumentException("validity, max and perOwner must be positive");
        }
        this.max = max;
        this.perOwner = perOwner;
    }

    /** The redirect URI the service's callback endpoint listens on. */
    String redirectUri() {
        return redirectUri;
    }

    /** How many logins are waiting (tests and diagnostics). */
    public synchronized int size() {
        return byState.size();
    }

    /**
     * Keeps {@code authorization} for {@code owner} at {@code endpoint}, with the DPoP {@code dpopKey} that is to redeem
     * its code (null: none); returns the instant it is forgotten.
     */
    Instant park(PendingAuthorization authorization, String endpoint, String owner, LoginBinding.Key dpopKey) {
        Instant now = clock.instant();
        Instant expiresAt = now.plus(validity);
        synchronized (this) {
            purgeExpired(now);
            OwnerKey key = new OwnerKey(endpoint, owner);
            ArrayDeque<String> before = byOwner.get(key);
            while (before != null && before.size() >= perOwner) {
                byState.remove(before.pollFirst());
            }
            while (byState.size() >= max) {
                remove(byState.keySet().iterator().next());
            }
            ArrayDeque<String> mine = byOwner.computeIfAbsent(key, k -> new ArrayDeque<>());
            byState.put(authorization.state(), new Parked(authorization, endpoint, owner, expiresAt, dpopKey));
            mine.addLast(authorization.state());
        }
        return expiresAt;
    }

    /**
     * The newest login still waiting for {@code owner} at {@code endpoint} that asks {@code issuer} for exactly
     * {@code scopes}, or null: a call that needs the same login again (a concurrent call, a retry) gets that one's URL
     * rather than a new login, so one owner has one login to complete, whatever the timing of the calls.
     */
    synchronized Parked waiting(String endpoint, String owner, String issuer, java.util.List<String> scopes) {
        purgeExpired(clock.instant());
        ArrayDeque<String> mine = byOwner.get(new OwnerKey(endpoint, owner));
        if (mine == null) {
            return null;
        }
        java.util.Set<String> wanted = java.util.Set.copyOf(scopes);
        for (Iterator<String> it = mine.descendingIterator(); it.hasNext(); ) {
            Parked p = byState.get(it.next());
            if (p != null && p.authorization().server().issuer().equals(issuer)
                    && java.util.Set.copyOf(p.authorization().scopes()).equals(wanted)) {
                return p;
            }
        }
        return null;
    }

    /** Removes and returns the login waiting with {@code state}, or null (single use: a second take finds none). */
    synchronized Parked take(String state) {
        return state == null ? null : remove(state);
    }

    private Parked remove(String state) {
        Parked parked = byState.remove(state);
        if (parked != null) {
            OwnerKey key = new OwnerKey(parked.endpoint(), parked.owner());
            ArrayDeque<String> mine = byOwner.get(key);
            if (mine != null) {
                mine.remove(state);
                if (mine.isEmpty()) {
                    byOwner.remove(key);
                }
            }
        }
        return parked;
    }

    /** Drops the expired logins at the head (insertion order is expiry order on a clock that does not go back). */
    private void purgeExpired(Instant now) {
        Iterator<Map.Entry<String, Parked>> it = byState.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Parked> e = it.next();
            if (e.getValue().expiresAt().isAfter(now)) {
                return;
            }
            it.remove();
            OwnerKey key = new OwnerKey(e.getValue().endpoint(), e.getValue().owner());
            ArrayDeque<String> mine = byOwner.get(key);
            if (mine != null) {
                mine.remove(e.getKey());
                if (mine.isEmpty()) {
                    byOwner.remove(key);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "PendingLogins[redirectUri=" + redirectUri + ", validity=" + validity + "]";
    }
}
