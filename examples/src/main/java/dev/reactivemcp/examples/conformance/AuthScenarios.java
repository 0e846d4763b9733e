package dev.reactivemcp.examples.conformance;

import dev.reactivemcp.oauth.AuthorizationCodeSource;
import dev.reactivemcp.oauth.ClientAssertionKey;
import dev.reactivemcp.oauth.ClientCredentials;
import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.EnterpriseAuthorization;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.oauth.WorkloadIdentity;
import dev.reactivemcp.transport.McpClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * The {@code auth/*} scenarios: the same client steps as any scenario, with the OAuth token filter in front. The
 * suite's authorization endpoint approves at once, so the headless code source follows its redirect.
 */
final class AuthScenarios {

    /** The Client ID Metadata Document URL the suite expects (never fetched by it). */
    static final String CIMD_URL = "https://conformance-test.local/client-metadata.json";

    private AuthScenarios() { }

    static McpOAuth oauth(String scenario, Context context) {
        if (scenario.startsWith("auth/client-credentials")) {
            return McpOAuth.builder().clientCredentials(clientCredentials(context))
                    .requestTimeout(Duration.ofSeconds(20)).build();
        }
        if (scenario.equals("auth/wif-jwt-bearer")) {
            return McpOAuth.builder().requestTimeout(Duration.ofSeconds(20)).workloadIdentity(
                    WorkloadIdentity.jwtBearer(context.string("client_id"), Mono.just(context.string("valid_jwt"))))
                    .build();
        }
        if (scenario.equals("auth/enterprise-managed-authorization")
                || scenario.equals("auth/cross-app-access-complete-flow")) {
            return McpOAuth.builder().requestTimeout(Duration.ofSeconds(20)).enterpriseAuthorization(
                    EnterpriseAuthorization.idJag(context.string("idp_token_endpoint"), context.string("idp_client_id"),
                            Mono.just(context.string("idp_id_token")), ClientCredentials.clientSecretBasic(
                                    context.string("client_id"), context.string("client_secret"))))
                    .build();
        }
        McpOAuth.Builder b = McpOAuth.builder()
                .codeSource(AuthorizationCodeSource.headless())
                .clientName("reactive-mcp-conformance")
                .applicationType("native")
                .clientMetadataDocument(CIMD_URL)
                .requestTimeout(Duration.ofSeconds(20));
        String clientId = context.string("client_id");
        String issuer = context.string("issuer");
        if (clientId != null) {
            // conformance 0.1.16 gives no issuer: an unbound pre-registration (issuer "")
            b.preRegisteredClient(new ClientRegistration(issuer == null ? "" : issuer, clientId,
                    context.string("client_secret"),
                    context.string("client_secret") == null ? "none" : "client_secret_basic",
                    List.of("http://localhost:3000/callback")));
        }
        return b.build();
    }

    /** {@code auth/client-credentials-*}: a private key (PKCS#8 PEM) when given, else the client secret. */
    static ClientCredentials clientCredentials(Context context) {
        String pem = context.string("private_key_pem");
        return pem != null
                ? ClientCredentials.privateKeyJwt(context.string("client_id"),
                        ClientAssertionKey.fromPkcs8Pem(pem, context.string("signing_algorithm")))
                : ClientCredentials.clientSecretBasic(context.string("client_id"), context.string("client_secret"));
    }

    /** Connect, list the tools, call each one (two authenticated requests at least: migration needs them). */
    static Mono<Void> run(McpClient client) {
        return client.connect().then(ConformanceClient.callEveryTool(client));
    }

    static McpClient client(URI server, String version, McpOAuth oauth) {
        return ConformanceClient.client(server, version).filter(oauth.filterFor(server)).build();
    }
}
