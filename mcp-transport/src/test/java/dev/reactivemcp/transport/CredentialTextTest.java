package dev.reactivemcp.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.KnownSecrets;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Requests, responses and transport errors print no credential (issue 9, item 7). */
class CredentialTextTest {

    private static final String SECRET = "s3cr3t-Value-0042";

    @Test
    void aRequestMasksEveryCredentialBearingHeaderWhateverItsCase() {
        McpHttpRequest request = McpHttpRequest.of("POST", URI.create("https://mcp.example.com/mcp"))
                .withHeader("Authorization", "Bearer " + SECRET).withHeader("proxy-authorization", "Basic " + SECRET)
                .withHeader("Cookie", "sid=" + SECRET).withHeader("Set-Cookie", "sid=" + SECRET)
                .withHeader("DPoP", SECRET).withHeader("X-Api-Key", SECRET).withHeader("x-auth-token", SECRET)
                .withHeader("X-Client-SECRET", SECRET).withHeader("X-Password", SECRET)
                .withHeader("X-Tenant", "acme");

        assertThat(request.toString()).doesNotContain(SECRET).contains("X-Tenant=acme").contains("X-Api-Key=<redacted>");
    }

    @Test
    void aRequestMasksCredentialQueryParameters() {
        McpHttpRequest request = McpHttpRequest.of("GET",
                URI.create("https://mcp.example.com/mcp?api_key=" + SECRET + "&access_token=" + SECRET + "&page=2"));

        assertThat(request.toString()).doesNotContain(SECRET).contains("page=2").contains("api_key=<redacted>");
    }

    @Test
    void aKnownSecretEchoedInAnOrdinaryResponseHeaderOrBodyIsMasked() {
        String secret = new String("known-" + SECRET);
        KnownSecrets.remember(secret);
        Headers headers = Headers.of(Map.of("X-Echo", List.of("you sent " + secret), "WWW-Authenticate",
                List.of("Bearer error=\"invalid_token\", error_description=\"" + secret + " expired\"")));

        McpHttpException error = new McpHttpException("tools/call", 401, headers, "{\"echo\":\"" + secret + "\"}", true);

        assertThat(error.bodyPreview()).isEqualTo("{\"echo\":\"[REDACTED]\"}");
        assertThat(error.headers().toString()).doesNotContain(secret);
        assertThat(error.responseHeaders().toString()).doesNotContain(secret);
        assertThat(error.failure().toString() + error.failure().describe()).doesNotContain(secret);
        assertThat(error.failure().isAuthenticationRequired()).isTrue();
        assertThat(new McpJsonRpcException(-32603, "bad " + secret, null, 0).errorMessage()).isEqualTo("bad [REDACTED]");
        assertThat(new McpJsonRpcException(-32603, "bad " + secret, null, 0).getMessage()).doesNotContain(secret);
    }
}
