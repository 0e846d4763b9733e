package dev.reactivemcp.oauth;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import java.util.List;

/**
 * {@link TokenStores#seed} or {@link TokenStores#copy} refused credentials the token engine could not use, before
 * anything was written: {@link #problems()} names every problem found, in plain words (for example "the client
 * registration has client id "a" but the key names client id "b": a refresh would be refused"). Neither the message
 * nor {@link #toString()} contains a token, a client secret or a key.
 *
 * <pre>{@code
 * TokenStores.seed(store, uri, credentials)
 *     .onErrorResume(InvalidCredentialsException.class, e -> log(e.problems()));
 * }</pre>
 */
public final class InvalidCredentialsException extends McpException {

    private static final long serialVersionUID = 1L;

    /** The problems; an immutable list. */
    private final List<String> problems;

    /**
     * An exception listing {@code problems}, which must not contain secrets.
     *
     * @param problems what is wrong, one sentence each; at least one
     * @throws IllegalArgumentException when {@code problems} is empty
     * @throws NullPointerException     when {@code problems} or one of them is {@code null}
     */
    public InvalidCredentialsException(List<String> problems) {
        super(new McpFailure.ProtocolError("credentials refused"), message(problems), null);
        this.problems = List.copyOf(problems);
    }

    private static String message(List<String> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("at least one problem");
        }
        return "credentials refused (" + problems.size() + (problems.size() == 1 ? " problem): " : " problems): ")
                + String.join("; ", problems);
    }

    /**
     * Every problem found, in plain words.
     *
     * @return the problems, at least one
     */
    public List<String> problems() {
        return problems;
    }
}
