package dev.reactivemcp.oauth.internal.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenFilterSecretsTest {

    @Test
    void theFastPathsCachedAuthorizationNeverPrintsTheToken() {
        Instant now = Instant.parse("2026-11-26T12:00:00Z");
        StoredCredentials creds = new StoredCredentials("https://mcp.example.com/mcp",
                new CredentialKey("https://mcp.example.com/mcp", "https://as.example.com", "client-1"),
                new ClientRegistration("https://as.example.com", "client-1", "secret-SHOULD-NOT-LEAK",
                        "client_secret_post", List.of()),
                new OAuthTokens("access-SHOULD-NOT-LEAK", "Bearer", "refresh-SHOULD-NOT-LEAK",
                        now.plusSeconds(3600), Set.of("mcp")),
                "https://as.example.com/token", false, now);
        TokenFilter.Ready ready = new TokenFilter.Ready(Snapshot.of(creds, RefreshPolicy.DEFAULT),
                TokenFilter.CallState.INITIAL);

        assertThat(ready.authorization()).isEqualTo("Bearer access-SHOULD-NOT-LEAK");
        assertThat(ready.toString()).doesNotContain("SHOULD-NOT-LEAK").contains("<redacted>");
    }
}
