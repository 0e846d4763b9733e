package dev.reactivemcp.errors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpFailure.ConnectionFailure;
import dev.reactivemcp.errors.McpFailure.ConnectionFailure.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.PrematureCloseException;

/** Network and JDK exception types the transport puts into chains. None of them is ever authentication. */
class KnownThrowablesTest {

    private static Kind kindOf(Throwable t) {
        McpFailure failure = McpFailures.classify(new IOException("transport", t));
        assertThat(failure.isAuthenticationRequired()).isFalse();
        return ((ConnectionFailure) failure).kind();
    }

    @Test
    void timeoutsAreRetryableTimeouts() {
        assertThat(McpFailures.classify(new TimeoutException("Did not observe any item within 20000ms")))
            .isEqualTo(new McpFailure.Timeout(null));
        assertThat(McpFailures.classify(new SocketTimeoutException("Read timed out")).isRetryable()).isTrue();
    }

    @Test
    void refusedUnreachableAndUnknownHostsAreConnectionFailures() {
        assertThat(kindOf(new ConnectException("Connection refused"))).isEqualTo(Kind.REFUSED);
        assertThat(kindOf(new NoRouteToHostException("No route to host"))).isEqualTo(Kind.UNREACHABLE);
        assertThat(kindOf(new UnknownHostException("mcp.invalid"))).isEqualTo(Kind.UNKNOWN_HOST);
        assertThat(kindOf(new UnresolvedAddressException())).isEqualTo(Kind.UNKNOWN_HOST);
    }

    @Test
    void closedAndResetConnectionsAreConnectionFailures() {
        assertThat(kindOf(new ClosedChannelException())).isEqualTo(Kind.CLOSED);
        assertThat(kindOf(new SocketException("Connection reset"))).isEqualTo(Kind.RESET);
    }

    @Test
    void reactorNettysPrematureCloseIsRecognisedByClassNameIncludingSubclasses() {
        assertThat(kindOf(new PrematureCloseException("Connection prematurely closed BEFORE response")))
            .isEqualTo(Kind.PREMATURE_CLOSE);
        assertThat(kindOf(new PrematureCloseException("during response") { private static final long serialVersionUID = 1L; }))
            .isEqualTo(Kind.PREMATURE_CLOSE);
    }

    @Test
    void theMostDerivedKnownClassNameWins() {
        assertThat(kindOf(new io.netty.channel.ConnectTimeoutException("connection timed out: /10.0.0.1:443")))
            .isEqualTo(Kind.CONNECT_TIMEOUT);
    }

    @Test
    void tlsFailuresAreConnectionFailuresThatAreNotRetryable() {
        McpFailure failure = McpFailures.classify(new SSLHandshakeException("PKIX path building failed"));

        assertThat(failure).isInstanceOf(ConnectionFailure.class);
        assertThat(((ConnectionFailure) failure).kind()).isEqualTo(Kind.TLS);
        assertThat(failure.isRetryable()).isFalse();
    }

    @Test
    void connectionFailuresAreRetryableAndDescribeTheCause() {
        McpFailure failure = McpFailures.classify(new ConnectException("Connection refused: localhost/127.0.0.1:1"));

        assertThat(failure).isEqualTo(new ConnectionFailure(Kind.REFUSED, "Connection refused: localhost/127.0.0.1:1"));
        assertThat(failure.isRetryable()).isTrue();
        assertThat(failure.describe())
            .isEqualTo("connection refused (nothing is listening): Connection refused: localhost/127.0.0.1:1 (not sent)");
    }

    @Test
    void aConnectionFailureWithoutAMessageKeepsTheExceptionNameAsItsOnlyClue() {
        McpFailure failure = McpFailures.classify(new java.nio.channels.ClosedChannelException());

        assertThat(failure.describe()).contains("ClosedChannelException");
    }

    @Test
    void cancellationAndInterruptionAreCancelled() {
        assertThat(McpFailures.classify(new CancellationException())).isEqualTo(new McpFailure.Cancelled());
        assertThat(McpFailures.classify(new InterruptedException())).isEqualTo(new McpFailure.Cancelled());
    }
}
