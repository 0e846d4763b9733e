package dev.reactivemcp.demo;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.errors.StartupFailureReason;
import java.net.URI;

/**
 * What a product tells its user about a failed call or a failed start: built from the typed failure
 * ({@link McpFailures#classify}) and the {@link StartupFailureReason}, never from an exception's class name or
 * message (a closed port reads "nothing is listening", not {@code AnnotatedConnectException}).
 *
 * <pre>{@code
 * client.connect().onErrorResume(e -> oauth.startupFailureReason(uri, e)
 *         .doOnNext(reason -> ui.show(PlainWords.forUser(reason, "Acme tools", uri, e)))
 *         .then(Mono.empty()));
 * }</pre>
 */
public final class PlainWords {

    private PlainWords() { }

    /** What went wrong, in words a person reads: {@code nothing is listening at 127.0.0.1:9 (connection refused)}. */
    public static String what(Throwable error, URI endpoint) {
        McpFailure failure = McpFailures.classify(error);
        String where = endpoint.getHost() + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort());
        if (failure instanceof McpFailure.ConnectionFailure c) {
            return switch (c.kind()) {
                case REFUSED -> "nothing is listening at " + where + " (connection refused)";
                case UNKNOWN_HOST -> "the host name " + endpoint.getHost() + " does not resolve";
                case UNREACHABLE -> "there is no network route to " + where;
                case CONNECT_TIMEOUT -> where + " did not accept a connection in time";
                case TLS -> "the TLS handshake with " + where + " failed (certificate not trusted, or for another host)";
                case RESET, PREMATURE_CLOSE, CLOSED -> "the connection to " + where + " broke before the answer came";
                case OTHER -> "could not talk to " + where;
            };
        }
        if (failure instanceof McpFailure.Timeout) {
            return where + " did not answer in time";
        }
        if (failure instanceof McpFailure.AuthenticationRequired) {
            return "the server wants a valid sign-in";
        }
        return failure.describe();
    }

    /** The sentence a product shows its user when connecting to {@code server} failed for {@code reason}. */
    public static String forUser(StartupFailureReason reason, String server, URI endpoint, Throwable error) {
        return switch (reason) {
            case REAUTHENTICATION_REQUIRED -> "Your sign-in to " + server
                    + " has ended (it expired or was revoked). Please sign in again to keep using it.";
            case LOGIN_REQUIRED -> "Sign in to " + server + " to use it.";
            case INSUFFICIENT_SCOPE -> "Your account needs more permissions on " + server + ". Please sign in again"
                    + " and approve them.";
            case CONFIGURED_CREDENTIALS_REJECTED -> server + " rejected the configured access token. Check the"
                    + " configuration.";
            case UNREACHABLE, TIMEOUT -> "Cannot reach " + server + ": " + what(error, endpoint) + ". Try again later.";
            case RATE_LIMITED, SERVER_ERROR, TOKEN_REFRESH_FAILED -> server
                    + " is having trouble right now. Try again in a moment.";
            default -> "Cannot connect to " + server + ": " + what(error, endpoint) + ".";
        };
    }
}
