package dev.reactivemcp.oauth.flow;

import static dev.reactivemcp.oauth.flow.Failures.errorOf;
import static dev.reactivemcp.oauth.flow.Failures.valueOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.WwwAuthenticate;
import dev.reactivemcp.oauth.AuthorizationCodeSource;
import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.flow.QuirkyAuthServer.Miss;
import dev.reactivemcp.oauth.flow.QuirkyAuthServer.Quirk;
import dev.reactivemcp.oauth.internal.AuthorizationContext;
import dev.reactivemcp.oauth.internal.FlowSettings;
import dev.reactivemcp.oauth.internal.flow.OAuthFlow;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

/**
 * Protected resource metadata discovery without a {@code resource_metadata} in the challenge (RFC 9728 section 3.1;
 * MCP "Protected Resource Metadata Discovery Requirements"): the path-suffixed well-known URL, then the root one. A
 * candidate that errors, redirects to another origin, answers non-JSON or drops the connection does not end the search.
 */
class ResourceMetadataCandidatesTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-08-01T10:00:00Z"), ZoneOffset.UTC);
    private static final ClientRegistration PRE = new ClientRegistration("", QuirkyAuthServer.CLIENT_ID, null,
            "none", List.of());

    private final InMemoryTokenStore store = new InMemoryTokenStore();

    private OAuthFlow flow() {
        return new OAuthFlow(new FlowSettings(store, AuthorizationCodeSource.headless("http://127.0.0.1:4711/callback",
                Duration.ofSeconds(10)), PRE, null, "idp test", "native", Set.of(), CLOCK, HttpClient.create(),
                Duration.ofSeconds(10), 64 * 1024, Schedulers.parallel(), List.of()));
    }

    private static AuthorizationContext bareChallenge(QuirkyAuthServer idp) {
        List<WwwAuthenticate.Challenge> challenges = WwwAuthenticate.parse("Bearer realm=\"mcp\"").challenges();
        return new AuthorizationContext(idp.endpoint, challenges, Set.of(), 0);
    }

    @ParameterizedTest
    @EnumSource(value = Miss.class, names = {"SERVER_ERROR", "HTML", "DROP", "REDIRECT_ELSEWHERE",
        "REDIRECT_TO_PLAIN_HTTP", "NOT_FOUND"})
    void findsTheRootDocumentWhateverThePathSuffixedCandidateAnswers(Miss miss) {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(miss, Quirk.PRM_ROOT_ONLY)) {
            StoredCredentials login = valueOf(flow().authorize(bareChallenge(idp)));

            assertThat(login.key().issuer()).isEqualTo(idp.issuer);
            assertThat(idp.trace).containsSubsequence("GET /.well-known/oauth-protected-resource/mcp",
                    "GET /.well-known/oauth-protected-resource", "GET /.well-known/openid-configuration/tenant/v2.0",
                    "GET /authorize", "POST /token");
        }
    }

    @Test
    void listsEachUrlAndKeepsTheServerErrorKindWhenNoCandidateHoldsTheDocument() {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(Miss.SERVER_ERROR, Quirk.NO_PRM)) {
            Throwable error = errorOf(flow().authorize(bareChallenge(idp)));

            McpFailure failure = ((McpException) error).failure();
            assertThat(failure).isInstanceOf(McpFailure.ServerError.class);
            assertThat(((McpFailure.ServerError) failure).status()).isEqualTo(500);
            assertThat(error.getMessage()).contains("no protected resource metadata found for " + idp.endpoint,
                    idp.base + "/.well-known/oauth-protected-resource/mcp -> HTTP 500",
                    idp.base + "/.well-known/oauth-protected-resource -> HTTP 500");
            assertThat(idp.trace).noneMatch(line -> line.endsWith("/authorize") || line.endsWith("/register")
                    || line.contains("oauth-authorization-server") || line.contains("openid-configuration"));
        }
    }

    @Test
    void keepsTheConnectionFailureKindWhenEveryCandidateDropsTheConnection() {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(Miss.DROP, Quirk.NO_PRM)) {
            Throwable error = errorOf(flow().authorize(bareChallenge(idp)));

            assertThat(((McpException) error).failure()).isInstanceOf(McpFailure.ConnectionFailure.class);
            assertThat(error.getMessage()).contains(idp.base + "/.well-known/oauth-protected-resource/mcp -> ",
                    idp.base + "/.well-known/oauth-protected-resource -> ");
            assertThat(idp.count("GET /authorize")).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Miss.class, names = {"HTML", "REDIRECT_ELSEWHERE"})
    void refusesToGuessEndpointsOnTheMcpHostWhenACandidateAnsweredSomethingOtherThanNotFound(Miss miss) {
        try (QuirkyAuthServer idp = new QuirkyAuthServer(miss, Quirk.NO_PRM)) {
            Throwable error = errorOf(flow().authorize(bareChallenge(idp)));

            assertThat(((McpException) error).failure()).isInstanceOf(McpFailure.ProtocolError.class);
            assertThat(error.getMessage()).contains(idp.base + "/.well-known/oauth-protected-resource/mcp -> HTTP ",
                    idp.base + "/.well-known/oauth-protected-resource -> HTTP ");
            assertThat(idp.trace).noneMatch(line -> line.endsWith("/authorize") || line.endsWith("/register"));
        }
    }
}
