package dev.reactivemcp.oauth;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import java.util.Objects;

/**
 * A {@link TokenStore} could not read or write its storage. A corrupt file is reported with
 * {@link Kind#CORRUPT} and is left exactly as it was: the store never overwrites what it cannot read. Messages
 * name the file and the position of the problem, never its content.
 *
 * <pre>{@code
 * store.load(key).onErrorResume(TokenStoreException.class,
 *     e -> e.kind() == TokenStoreException.Kind.CORRUPT ? askUserToRepair(e) : Mono.error(e));
 * }</pre>
 */
public final class TokenStoreException extends McpException {

    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** The storage exists but is not a token store document this version can read. */
        CORRUPT,
        /** Reading, writing, replacing or syncing failed. */
        IO,
        /** The cross-process lock was not obtained in time. */
        LOCK_TIMEOUT,
        /** The storage is not private to this user (owned by another user, or writable by others); left unread. */
        INSECURE
    }

    /** What went wrong; part of the serialized form. */
    private final Kind kind;

    /**
     * An exception of {@code kind}; {@code message} must not contain secrets.
     *
     * @param kind    what went wrong
     * @param message what happened, naming the storage (a file path), never its content
     * @param cause   the underlying exception, or null
     * @throws NullPointerException when {@code kind} is {@code null}
     */
    public TokenStoreException(Kind kind, String message, Throwable cause) {
        super(new McpFailure.Unknown("token store: " + Objects.requireNonNull(kind, "kind")), message, cause);
        this.kind = kind;
    }

    /**
     * What went wrong.
     *
     * @return the kind, to decide how to recover (repair a {@code CORRUPT} file, retry an {@code IO} error)
     */
    public Kind kind() {
        return kind;
    }
}
