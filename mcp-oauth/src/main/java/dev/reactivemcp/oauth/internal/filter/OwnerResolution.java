package dev.reactivemcp.oauth.internal.filter;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.McpOwner;
import java.util.List;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * How the token filter finds the owner of a call: {@code resolver} (null: {@link McpOwner#in} the call's context),
 * and whether a call without one fails ({@code required}) or runs for {@link CredentialKey#DEFAULT_OWNER}.
 * {@code maxSessions} bounds the per-owner sessions the engine keeps (the least recently used are evicted; they
 * reload from the store when their owner calls again).
 *
 * @param resolver    the owner of a call from its context (empty: none), or null for {@link McpOwner}'s
 * @param required    whether a call that names no owner fails instead of running for the default owner
 * @param maxSessions how many (endpoint, owner) sessions the engine keeps at most
 */
public record OwnerResolution(Function<ContextView, Mono<String>> resolver, boolean required, int maxSessions) {

    /** {@link McpOwner} in the context, else the default owner; at most 10,000 sessions kept. */
    public static final OwnerResolution DEFAULT = new OwnerResolution(null, false, 10_000);

    /** Validates. */
    public OwnerResolution {
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions must be positive");
        }
    }

    /** Whether the owner can be read synchronously from the context (no resolver, default owner allowed). */
    boolean immediate() {
        return resolver == null && !required;
    }

    /** The owner {@code context} names through {@link McpOwner}, else the default owner (see {@link #immediate}). */
    static String immediate(ContextView context) {
        return McpOwner.in(context).orElse(CredentialKey.DEFAULT_OWNER);
    }

    /** The owner of the call whose context is {@code context}: resolved, validated, defaulted or refused. */
    Mono<String> resolve(ContextView context) {
        Mono<String> named = resolver == null ? Mono.justOrEmpty(McpOwner.in(context)) : resolver.apply(context);
        return named.map(owner -> {
            if (owner.isBlank()) {
                throw new IllegalArgumentException("the owner resolver returned a blank owner id");
            }
            return owner;
        }).switchIfEmpty(Mono.defer(() -> required ? Mono.error(missing()) : Mono.just(CredentialKey.DEFAULT_OWNER)));
    }

    private static McpException missing() {
        return new McpException(new McpFailure.AuthenticationRequired(List.of(), false),
                "this MCP call names no owner and the OAuth filter is configured to require one "
                        + "(contextWrite(McpOwner.of(userId)), or the configured owner resolver)", null);
    }
}
