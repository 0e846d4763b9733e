package dev.reactivemcp.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.errors.StartupFailureReason;
import dev.reactivemcp.oauth.AuthState;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.transport.McpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a restarted application is told when its session is gone at a real authorization server, or never was. */
class RevokedSessionTest {

    @RegisterExtension
    final InteropServers<OidcProviderServer> servers = InteropServers.oidcProvider();
    private final OidcProviderServer as = servers.authorizationServer();
    private final ResourceServer rs = servers.resourceServer();

    @Test
    void aRefreshTokenRevokedByTheUserIsReportedAsReauthenticationRequired() {
        // The user signs out everywhere: the refresh token is revoked (RFC 7009), which revokes the grant.
        restartAfter((stored, clientId) ->
                assertThat(as.revoke(stored.tokens().refreshToken(), "refresh_token", clientId)).isEqualTo(200));
    }

    @Test
    void sessionsEndedByTheAdministratorAreReportedAsReauthenticationRequired() {
        restartAfter((stored, clientId) -> assertThat(as.revokeGrantsOf(clientId)).isEqualTo(1));
    }

    private void restartAfter(BiConsumer<StoredCredentials, String> revocation) {
        Path tokens = servers.dir().resolve("tokens.json");
        Interop.logIn(tokens, rs.endpoint());
        StoredCredentials stored = Interop.stored(tokens, rs.endpoint());
        String clientId = stored.registration().clientId();

        revocation.accept(stored, clientId);

        // The application restarts after the access token expired; it has no way to log in by itself.
        AdjustableClock later = new AdjustableClock(Duration.ofSeconds(31));
        McpOAuth restarted = Interop.oauth(tokens, null, later);
        McpClient client = Interop.client(rs.endpoint(), restarted);
        Throwable error = catchThrowable(() -> client.connect().block(Interop.CALL_TIMEOUT));

        assertThat(error).as("connect fails").isNotNull();
        assertThat(McpFailures.isAuthenticationRequired(error)).as("classified as authentication required: %s",
                error).isTrue();
        assertThat(restarted.startupFailureReason(rs.endpoint(), error).block(Interop.CALL_TIMEOUT))
                .isEqualTo(StartupFailureReason.REAUTHENTICATION_REQUIRED);
        assertThat(restarted.storedAuthState(rs.endpoint()).block(Interop.CALL_TIMEOUT))
                .isEqualTo(AuthState.REAUTHENTICATION);
        assertThat(Interop.stored(tokens, rs.endpoint()).rejected()).as("stored credentials marked rejected").isTrue();
        restarted.dispose();

        assertThat(as.count(clientId, e -> "grant.revoked".equals(e.event()))).as("grants revoked").isEqualTo(1);
        assertThat(as.count(clientId, e -> e.isGrantError("invalid_grant"))).as("refreshes refused").isEqualTo(1);
        assertThat(as.count(clientId, e -> e.isGrant("refresh_token"))).as("refreshes granted").isZero();
    }

    @Test
    void aFreshTokenStoreIsReportedAsLoginRequired() {
        McpOAuth oauth = Interop.oauth(servers.dir().resolve("empty.json"), null, Clock.systemUTC());
        McpClient client = Interop.client(rs.endpoint(), oauth);
        Throwable error = catchThrowable(() -> client.connect().block(Interop.CALL_TIMEOUT));

        assertThat(error).as("connect fails").isNotNull();
        assertThat(McpFailures.isAuthenticationRequired(error)).as("classified as authentication required: %s",
                error).isTrue();
        assertThat(oauth.startupFailureReason(rs.endpoint(), error).block(Interop.CALL_TIMEOUT))
                .isEqualTo(StartupFailureReason.LOGIN_REQUIRED);
        oauth.dispose();
        assertThat(rs.unauthenticated()).as("requests that reached the resource server").isEqualTo(1);
        assertThat(rs.accepted()).isZero();
    }
}
