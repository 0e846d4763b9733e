package dev.reactivemcp.oauth.internal.flow;

import dev.reactivemcp.errors.WwwAuthenticate;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Scope selection (MCP authorization "Scope Selection Strategy", SEP-835; step-up union, SEP-2350; refresh tokens,
 * SEP-2207): the challenge's {@code scope}, else the resource's {@code scopes_supported}, else the configured
 * defaults, else none; on a step-up the union with what was requested before. {@code offline_access} is requested
 * only when the authorization server lists it in {@code scopes_supported} (and only alongside other scopes), and is
 * removed otherwise.
 */
final class Scopes {

    static final String OFFLINE_ACCESS = "offline_access";

    private Scopes() { }

    static Set<String> select(Set<String> previouslyRequested, WwwAuthenticate.Challenge challenge,
                              ProtectedResource resource, AuthServerMetadata server, Set<String> defaults) {
        Set<String> base = new LinkedHashSet<>();
        if (challenge != null && !challenge.scopes().isEmpty()) {
            base.addAll(challenge.scopes());
        } else if (!resource.scopesSupported().isEmpty()) {
            base.addAll(resource.scopesSupported());
        } else if (defaults != null) {
            addAll(base, defaults);
        }
        Set<String> selected = new LinkedHashSet<>();
        addAll(selected, previouslyRequested);
        selected.addAll(base);
        boolean offlineListed = server.scopesSupported().contains(OFFLINE_ACCESS);
        selected.remove(OFFLINE_ACCESS);
        if (offlineListed && !selected.isEmpty()) {
            selected.add(OFFLINE_ACCESS);
        }
        return selected;
    }

    private static void addAll(Set<String> into, Collection<String> scopes) {
        for (String s : scopes) {
            if (s != null && !s.isBlank()) {
                into.add(s.strip());
            }
        }
    }
}
