package dev.reactivemcp.oauth.dpop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.oauth.ClientRegistration;
import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.FileTokenStore;
import dev.reactivemcp.oauth.InMemoryTokenStore;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DPoP key travels with the tokens it binds: through refreshes, into both stores, never into text. */
class DpopKeyStorageTest {

    private static final String KEY = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"d\":\"secret-d\",\"x\":\"x\",\"y\":\"y\"}";
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aRefreshKeepsTheKeyUnlessTheNewTokensNameAnother() {
        OAuthTokens bound = new OAuthTokens("at-1", "DPoP", "rt-1", NOW, Set.of("mcp"), KEY);

        assertThat(bound.refreshedWith(new OAuthTokens("at-2", "DPoP", null, NOW, Set.of())).dpopKey()).isEqualTo(KEY);
        assertThat(bound.refreshedWith(new OAuthTokens("at-2", "DPoP", null, NOW, Set.of(), "{\"other\":1}")).dpopKey())
                .isEqualTo("{\"other\":1}");
        assertThat(new OAuthTokens("at", "Bearer", null, null, Set.of()).dpopKey()).isNull();
    }

    @Test
    void theKeyIsNeverPrinted() {
        OAuthTokens bound = new OAuthTokens("at-1", "DPoP", "rt-1", NOW, Set.of(), KEY);

        assertThat(bound.toString()).contains("dpopKey=present").doesNotContain("secret-d").doesNotContain("at-1");
        assertThat(new OAuthTokens("at-1", "Bearer", null, NOW, Set.of()).toString()).doesNotContain("dpopKey");
    }

    @Test
    void theFileStoreWritesTheKeyWithTheTokensAndReadsEntriesWithoutOne() throws Exception {
        Path file = dir.resolve("tokens.json");
        TokenStore store = FileTokenStore.at(file);
        StoredCredentials withKey = credentials("https://a.example/mcp", KEY);
        StoredCredentials without = credentials("https://b.example/mcp", null);

        store.save(withKey).then(store.save(without)).block(Duration.ofSeconds(10));

        String text = Files.readString(file);
        assertThat(text.split("\"dpopKey\"", -1)).as("one entry carries a key").hasSize(2);
        TokenStore reopened = FileTokenStore.at(file);
        assertThat(reopened.findByEndpoint("https://a.example/mcp").blockFirst(Duration.ofSeconds(10)).tokens().dpopKey())
                .isEqualTo(KEY);
        assertThat(reopened.findByEndpoint("https://b.example/mcp").blockFirst(Duration.ofSeconds(10)).tokens().dpopKey())
                .isNull();
    }

    @Test
    void theInMemoryStoreKeepsTheKey() {
        TokenStore store = new InMemoryTokenStore();
        store.save(credentials("https://a.example/mcp", KEY)).block(Duration.ofSeconds(5));

        assertThat(store.findByEndpoint("https://a.example/mcp").blockFirst(Duration.ofSeconds(5)).tokens().dpopKey())
                .isEqualTo(KEY);
    }

    private static StoredCredentials credentials(String endpoint, String key) {
        return new StoredCredentials(endpoint, new CredentialKey(endpoint, "https://as.example", "client"),
                new ClientRegistration("https://as.example", "client", null, "none", List.of()),
                new OAuthTokens("at", "DPoP", "rt", NOW.plusSeconds(3600), Set.of("mcp"), key),
                "https://as.example/token", false, NOW);
    }
}
