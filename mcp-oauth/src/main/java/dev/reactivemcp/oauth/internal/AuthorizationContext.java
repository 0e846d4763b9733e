package dev.reactivemcp.oauth.internal;

import dev.reactivemcp.errors.WwwAuthenticate;
import java.util.List;
import java.util.Set;

/**
 * Why an authorization runs: the endpoint, the challenges of the 401/403 that triggered it (possibly empty), the
 * scopes requested before (for the step-up union, SEP-2350) and how many authorization attempts were already
 * made for this request (at most 3 in total).
 */
public record AuthorizationContext(String endpoint, List<WwwAuthenticate.Challenge> challenges,
                                   Set<String> previouslyRequestedScopes, int attempt) {

    /** Copies. */
    public AuthorizationContext {
        challenges = List.copyOf(challenges);
        previouslyRequestedScopes = Set.copyOf(previouslyRequestedScopes);
    }
}
