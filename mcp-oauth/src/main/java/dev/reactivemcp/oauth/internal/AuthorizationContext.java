package dev.reactivemcp.oauth.internal;

import dev.reactivemcp.errors.WwwAuthenticate;
import java.util.List;
import java.util.Set;

/**
 * Why an authorization runs: the endpoint, the challenges of the 401/403 that triggered it (possibly empty), the
 * scopes requested before (for the step-up union, SEP-2350), how many authorization attempts were already
 * made for this request (at most 3 in total), and the owner the credentials are for.
 */
public record AuthorizationContext(String endpoint, List<WwwAuthenticate.Challenge> challenges,
                                   Set<String> previouslyRequestedScopes, int attempt, String owner) {

    /** Copies. */
    public AuthorizationContext {
        challenges = List.copyOf(challenges);
        previouslyRequestedScopes = Set.copyOf(previouslyRequestedScopes);
        java.util.Objects.requireNonNull(owner, "owner");
    }

    /** For the default owner. */
    public AuthorizationContext(String endpoint, List<WwwAuthenticate.Challenge> challenges,
                                Set<String> previouslyRequestedScopes, int attempt) {
        this(endpoint, challenges, previouslyRequestedScopes, attempt, dev.reactivemcp.oauth.CredentialKey.DEFAULT_OWNER);
    }
}
