package dev.reactivemcp.oauth.flow;

import static dev.reactivemcp.oauth.flow.Failures.failureOf;
import static dev.reactivemcp.oauth.flow.Failures.valueOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.oauth.AuthState;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.flow.QuirkyAuthServer.Miss;
import dev.reactivemcp.oauth.flow.QuirkyAuthServer.Quirk;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** {@link McpOAuth#authState} (the well-known probe) walks the candidates like login discovery does (issue 12). */
class AuthStateProbeTest {

    private static AuthState authState(QuirkyAuthServer idp) {
        McpOAuth oauth = McpOAuth.builder().tokenStore(new InMemoryTokenStore()).build();
        try {
            return valueOf(oauth.authState(URI.create(idp.endpoint)));
        } finally {
            oauth.dispose();
        }
    }

    @Test
    void seesOAuthAtTheRootResourceMetadataAfterTheFirstCandidateAnswered500() {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(Miss.SERVER_ERROR, Quirk.PRM_ROOT_ONLY)) {
            assertThat(authState(idp)).isEqualTo(AuthState.LOGIN);
            assertThat(idp.trace).containsExactly("GET /.well-known/oauth-protected-resource/mcp",
                    "GET /.well-known/oauth-protected-resource");
        }
    }

    @Test
    void reportsTheServerErrorRatherThanNoAuthWhenNoCandidateAnswered200() {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(Miss.SERVER_ERROR, Quirk.NO_PRM)) {
            McpOAuth oauth = McpOAuth.builder().tokenStore(new InMemoryTokenStore()).build();
            try {
                McpFailure.ServerError error = failureOf(oauth.authState(URI.create(idp.endpoint)),
                        McpFailure.ServerError.class);
                assertThat(error.status()).isEqualTo(500);
            } finally {
                oauth.dispose();
            }
            assertThat(idp.trace).hasSize(3);
        }
    }

    @Test
    void findsNoAuthWhenEveryCandidateAnswers404() {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(Miss.NOT_FOUND, Quirk.NO_PRM)) {
            assertThat(authState(idp)).isEqualTo(AuthState.NOT_REQUIRED);
        }
    }
}
