package dev.reactivemcp.oauth.owners;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.oauth.CredentialKey;
import dev.reactivemcp.oauth.FileTokenStore;
import dev.reactivemcp.oauth.InMemoryTokenStore;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenStore;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Credentials carry their owner through every store; a file written before owners existed still loads. */
class OwnerStorageTest {

    private static final String ENDPOINT = "https://mcp.example.com/mcp";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private Path oldFile() throws Exception {
        Path file = dir.resolve("tokens.json");
        try (InputStream in = getClass().getResourceAsStream("/owners/store-before-owners.json")) {
            Files.copy(in, file);
        }
        return file;
    }

    private static StoredCredentials alices(StoredCredentials template) {
        return new StoredCredentials(template.endpoint(), template.key().withOwner("alice"), template.registration(),
                new OAuthTokens("alice-access", "Bearer", "alice-refresh", Instant.parse("2026-12-01T12:00:00Z"),
                        Set.of("mcp"), null), template.tokenEndpoint(), false, Instant.parse("2026-12-01T11:00:00Z"));
    }

    @Test
    void aFileWrittenBeforeOwnersLoadsAsTheDefaultOwnersCredentialsAndNobodyElses() throws Exception {
        FileTokenStore store = FileTokenStore.at(oldFile());

        List<StoredCredentials> mine = store.findByEndpoint(ENDPOINT, CredentialKey.DEFAULT_OWNER).collectList().block(WAIT);

        assertThat(mine).singleElement().satisfies(c -> {
            assertThat(c.key()).isEqualTo(new CredentialKey(ENDPOINT, "https://as.example.com", "client-1"));
            assertThat(c.key().hasDefaultOwner()).isTrue();
            assertThat(c.tokens().refreshToken()).isEqualTo("old-format-refresh");
        });
        assertThat(store.findByEndpoint(ENDPOINT, "alice").collectList().block(WAIT)).isEmpty();
    }

    @Test
    void aFileWithOnlyTheDefaultOwnerIsStillWrittenInTheOldFormat() throws Exception {
        Path file = oldFile();
        FileTokenStore store = FileTokenStore.at(file);
        StoredCredentials loaded = store.findByEndpoint(ENDPOINT).blockFirst(WAIT);

        store.save(loaded.markRejected(Instant.parse("2026-12-02T00:00:00Z"))).block(WAIT);

        String json = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(json).contains("\"version\" : 1").doesNotContain("\"owner\"");
    }

    @Test
    void ownersAreKeptApartInTheFileAndTheFileSaysItHasOwnersSoAnOlderVersionRefusesIt() throws Exception {
        Path file = oldFile();
        FileTokenStore store = FileTokenStore.at(file);
        StoredCredentials defaults = store.findByEndpoint(ENDPOINT).blockFirst(WAIT);

        store.save(alices(defaults)).block(WAIT);

        String json = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(json).contains("\"version\" : 2").contains("\"owner\" : \"alice\"");
        FileTokenStore reread = FileTokenStore.at(file);
        assertThat(reread.findByEndpoint(ENDPOINT).collectList().block(WAIT)).hasSize(2);
        assertThat(reread.findByEndpoint(ENDPOINT, "alice").collectList().block(WAIT)).singleElement()
                .satisfies(c -> assertThat(c.tokens().accessToken()).isEqualTo("alice-access"));
        assertThat(reread.findByEndpoint(ENDPOINT, CredentialKey.DEFAULT_OWNER).collectList().block(WAIT))
                .singleElement().satisfies(c -> assertThat(c.tokens().accessToken()).isEqualTo("old-format-access"));
        assertThat(reread.load(defaults.key().withOwner("alice")).block(WAIT).tokens().refreshToken())
                .isEqualTo("alice-refresh");
    }

    @Test
    void theInMemoryStoreFindsOneOwnersCredentialsOnly() throws Exception {
        StoredCredentials defaults = FileTokenStore.at(oldFile()).findByEndpoint(ENDPOINT).blockFirst(WAIT);
        TokenStore store = new InMemoryTokenStore();
        store.save(defaults).block(WAIT);
        store.save(alices(defaults)).block(WAIT);

        assertThat(store.findByEndpoint(ENDPOINT, "alice").map(c -> c.tokens().accessToken()).collectList().block(WAIT))
                .containsExactly("alice-access");
        assertThat(store.findByEndpoint(ENDPOINT, "bob").collectList().block(WAIT)).isEmpty();
        assertThat(store.findByEndpoint(ENDPOINT).collectList().block(WAIT)).as("every owner's, for inspection")
                .hasSize(2);
    }
}
