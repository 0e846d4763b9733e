package dev.reactivemcp.oauth;

import java.util.Objects;
import java.util.Optional;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * The owner of an MCP call: the user of a service the call runs for, written into the call's Reactor
 * {@code Context}. The OAuth filter of {@link McpOAuth} reads it for every request and uses only that owner's
 * credentials ({@link CredentialKey#owner()}): its own tokens, its own refreshes (one at a time per owner and
 * credential, never waiting for another owner's), its own login.
 *
 * <pre>{@code
 * client.callTool("search", args).contextWrite(McpOwner.of(user.id()));
 * }</pre>
 *
 * <p>A call with no owner in its context runs for {@link CredentialKey#DEFAULT_OWNER} (a process with a single
 * user never names one), unless the service configured {@link McpOAuth.Builder#ownerRequired(boolean)}. Another
 * source of the owner (for example a security context) is configured with
 * {@link McpOAuth.Builder#ownerResolver(java.util.function.Function)}.
 *
 * <p>Protocol eras: in MCP 2026-07-28 requests are independent, so one {@code McpClient} serves every owner. In
 * MCP 2025-11-25 a session ({@code Mcp-Session-Id}) belongs to the owner whose token initialized it (servers bind
 * sessions to users): a call of another owner on that session fails with a typed {@code ProtocolError} and is
 * never sent, so a service speaking that era uses one {@code McpClient} per owner.
 */
public final class McpOwner {

    private static final Object KEY = McpOwner.class;

    private McpOwner() {
    }

    /**
     * A context naming {@code owner}, for {@code contextWrite}.
     *
     * @param owner an opaque user id chosen by the application: not blank (blank would be the default owner)
     * @return a context holding only the owner
     * @throws IllegalArgumentException when {@code owner} is blank
     */
    public static ContextView of(String owner) {
        return Context.of(KEY, validated(owner));
    }

    /**
     * The owner {@code context} names, if any (written by {@link #of}).
     *
     * @param context a Reactor context, for example the one a call runs in
     * @return the owner id, or empty when the context names none
     * @throws NullPointerException when {@code context} is {@code null}
     */
    public static Optional<String> in(ContextView context) {
        Objects.requireNonNull(context, "context");
        return context.getOrEmpty(KEY).map(String.class::cast);
    }

    /** {@code owner}, checked: not null, not blank. */
    static String validated(String owner) {
        Objects.requireNonNull(owner, "owner");
        if (owner.isBlank()) {
            throw new IllegalArgumentException("an owner id must not be blank (blank is the default owner)");
        }
        return owner;
    }
}
