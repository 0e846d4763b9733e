package dev.reactivemcp.oauth;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import java.util.List;
import java.util.Objects;

/**
 * {@link McpOAuth#completeLogin(java.net.URI)} refused a redirect before anything was exchanged or stored: its
 * {@code state} is unknown (never issued, already used, or forgotten), it was issued for another owner than the one
 * the completion runs for (login CSRF or code injection), or it expired. The login is spent either way: start a new
 * one. Its failure is a {@code McpFailure.AuthenticationRequired}; neither the message nor {@link #toString()}
 * shows the state, the code or the other owner.
 *
 * <pre>{@code
 * oauth.completeLogin(callbackUri).contextWrite(McpOwner.of(user.id()))
 *     .onErrorResume(LoginCompletionException.class, e -> showLoginFailed(e.reason()));
 * }</pre>
 *
 * <p>RFC 6749 section 10.12 (CSRF), RFC 9700 section 4.7 (login CSRF, code injection).
 */
public final class LoginCompletionException extends McpException {

    private static final long serialVersionUID = 1L;

    /** Why the redirect was refused. */
    public enum Reason {
        /** No login with this {@code state} is waiting: never issued here, already completed, or evicted. */
        UNKNOWN_STATE,
        /** The login was started for another owner than the one completing it. */
        OTHER_OWNER,
        /** The login was started longer ago than the configured validity. */
        EXPIRED
    }

    /** Why; never null. */
    private final Reason reason;

    /**
     * A refused completion.
     *
     * @param reason why the redirect was refused
     * @throws NullPointerException when {@code reason} is {@code null}
     */
    public LoginCompletionException(Reason reason) {
        super(new McpFailure.AuthenticationRequired(List.of(), false), message(reason), null);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    private static String message(Reason reason) {
        return switch (Objects.requireNonNull(reason, "reason")) {
            case UNKNOWN_STATE -> "no login with this state is waiting (unknown, already completed or forgotten)";
            case OTHER_OWNER -> "this login was started for another owner than the one completing it; it is discarded";
            case EXPIRED -> "this login expired before it was completed; start a new one";
        };
    }

    /**
     * Why the redirect was refused.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }
}
