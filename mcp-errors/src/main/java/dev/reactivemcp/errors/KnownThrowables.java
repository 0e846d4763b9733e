package dev.reactivemcp.errors;

import dev.reactivemcp.errors.McpFailure.ConnectionFailure.Kind;
import java.util.Map;

/**
 * Failures implied by well-known JDK, Netty and Reactor Netty exception types, recognised by class name (no
 * dependency on those libraries), walking superclasses once per class and caching the answer.
 */
final class KnownThrowables {

    private enum Rule {
        NONE(null), TIMEOUT(null), CANCELLED(null), PROTOCOL(null),
        REFUSED(Kind.REFUSED), RESET(Kind.RESET), PREMATURE_CLOSE(Kind.PREMATURE_CLOSE), CLOSED(Kind.CLOSED),
        UNKNOWN_HOST(Kind.UNKNOWN_HOST), UNREACHABLE(Kind.UNREACHABLE), CONNECT_TIMEOUT(Kind.CONNECT_TIMEOUT),
        TLS(Kind.TLS);

        final Kind connection;

        Rule(Kind connection) {
            this.connection = connection;
        }
    }

    /** Looked up from the most derived class upwards, so a subclass entry (ConnectTimeout) beats its parent's. */
    private static final Map<String, Rule> BY_NAME = Map.ofEntries(
        Map.entry("java.util.concurrent.TimeoutException", Rule.TIMEOUT),
        Map.entry("java.net.SocketTimeoutException", Rule.TIMEOUT),
        Map.entry("java.net.http.HttpTimeoutException", Rule.TIMEOUT),
        Map.entry("java.net.http.HttpConnectTimeoutException", Rule.CONNECT_TIMEOUT),
        Map.entry("io.netty.handler.timeout.TimeoutException", Rule.TIMEOUT),
        Map.entry("io.netty.channel.ConnectTimeoutException", Rule.CONNECT_TIMEOUT),
        Map.entry("java.net.ConnectException", Rule.REFUSED),
        Map.entry("java.net.NoRouteToHostException", Rule.UNREACHABLE),
        Map.entry("java.net.PortUnreachableException", Rule.UNREACHABLE),
        Map.entry("java.net.UnknownHostException", Rule.UNKNOWN_HOST),
        Map.entry("java.nio.channels.UnresolvedAddressException", Rule.UNKNOWN_HOST),
        Map.entry("java.net.SocketException", Rule.RESET),
        Map.entry("io.netty.channel.unix.Errors$NativeIoException", Rule.RESET),
        Map.entry("java.nio.channels.ClosedChannelException", Rule.CLOSED),
        Map.entry("reactor.netty.channel.AbortedException", Rule.CLOSED),
        Map.entry("reactor.netty.http.client.PrematureCloseException", Rule.PREMATURE_CLOSE),
        Map.entry("javax.net.ssl.SSLException", Rule.TLS),
        Map.entry("java.util.concurrent.CancellationException", Rule.CANCELLED),
        Map.entry("java.lang.InterruptedException", Rule.CANCELLED),
        Map.entry("io.netty.handler.codec.CorruptedFrameException", Rule.PROTOCOL),
        Map.entry("io.netty.handler.codec.TooLongFrameException", Rule.PROTOCOL),
        Map.entry("tools.jackson.core.exc.StreamReadException", Rule.PROTOCOL),
        Map.entry("com.fasterxml.jackson.core.exc.StreamReadException", Rule.PROTOCOL));

    private static final ClassValue<Rule> RULES = new ClassValue<>() {
        @Override
        protected Rule computeValue(Class<?> type) {
            for (Class<?> c = type; c != null && c != Throwable.class; c = c.getSuperclass()) {
                Rule rule = BY_NAME.get(c.getName());
                if (rule != null) {
                    return rule;
                }
            }
            return Rule.NONE;
        }
    };

    private KnownThrowables() { }

    /** The failure {@code t}'s type implies, or {@code null}. */
    static McpFailure classify(Throwable t) {
        Rule rule = RULES.get(t.getClass());
        switch (rule) {
            case NONE: return null;
            case TIMEOUT: return new McpFailure.Timeout(null);
            case CANCELLED: return new McpFailure.Cancelled();
            case PROTOCOL: return new McpFailure.ProtocolError(summary(t));
            default: return new McpFailure.ConnectionFailure(rule.connection, rule.connection
                    == McpFailure.ConnectionFailure.Kind.OTHER ? summary(t) : message(t));
        }
    }

    /**
     * The message alone where the kind already says what happened (its words replace the class name, which is
     * jargon to the reader: {@code AnnotatedConnectException}); the class name only when there is no message.
     */
    static String message(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isEmpty() ? summary(t) : message;
    }

    /** {@code SimpleName: message}; the failure records redact and bound it. */
    static String summary(Throwable t) {
        String message = t.getMessage();
        String name = t.getClass().getSimpleName().isEmpty() ? t.getClass().getName() : t.getClass().getSimpleName();
        return message == null || message.isEmpty() ? name : name + ": " + message;
    }
}
