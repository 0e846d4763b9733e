package dev.reactivemcp.oauth.tokens;

import static dev.reactivemcp.oauth.tokens.Fixtures.CLIENT_SECRET;
import static dev.reactivemcp.oauth.tokens.Fixtures.ENDPOINT;
import static dev.reactivemcp.oauth.tokens.Fixtures.KEY;
import static dev.reactivemcp.oauth.tokens.Fixtures.credentials;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.oauth.FileTokenStore;
import dev.reactivemcp.oauth.OAuthTokens;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenStoreException;
import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.oauth.internal.filter.Snapshot;
import dev.reactivemcp.oauth.internal.store.StoreDocument;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class FileTokenStoreTest {

    @TempDir
    Path dir;

    private final TestClock clock = TestClock.manual();

    private StoredCredentials sample() {
        return credentials("at-secret-value", "rt-secret-value", clock.instant().plusSeconds(3600));
    }

    @Test
    void savesLoadsAndFindsEntriesInAnOwnerOnlyFileWithoutLeavingTemporaryFiles() throws IOException {
        Path file = dir.resolve("nested/tokens.json");
        FileTokenStore store = FileTokenStore.at(file);

        StepVerifier.create(store.save(sample()).then(store.load(KEY))).expectNext(sample()).verifyComplete();
        StepVerifier.create(store.findByEndpoint(ENDPOINT)).expectNext(sample()).verifyComplete();
        StepVerifier.create(store.findByEndpoint("https://other.example.com/mcp")).verifyComplete();
        StepVerifier.create(store.saveRegistration(Fixtures.REGISTRATION).then(store.loadRegistration(Fixtures.ISSUER)))
                .expectNext(Fixtures.REGISTRATION).verifyComplete();

        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("tokens.json",
                    "tokens.json.lock");
        }
        assertThat(store.toString()).doesNotContain("secret");
    }

    @Test
    void accessTokensAreStoredWithAnAbsoluteExpiry() throws IOException {
        Path file = dir.resolve("tokens.json");
        FileTokenStore.at(file).save(sample()).block();

        assertThat(Files.readString(file)).contains("\"expiresAt\" : \"2026-03-01T11:00:00Z\"");
    }

    @Test
    void aCorruptFileIsATypedErrorAndIsNeverOverwritten() throws IOException {
        Path file = dir.resolve("tokens.json");
        for (String content : List.of("{\"version\":1,\"credentials\":[{\"tokens\":{\"accessToken\":\"at-secret-value\"",
                "{\"version\":1,\"credentials\":[{\"endpoint\":\"x\",\"tokens\":{\"accessToken\":\"at-secret-value\"}}]}",
                "not json at-secret-value", "{\"version\":99,\"credentials\":[]}")) {
            Files.writeString(file, content);
            FileTokenStore store = FileTokenStore.at(file);

            for (Mono<?> operation : List.of(store.load(KEY), store.findByEndpoint(ENDPOINT).collectList(),
                    store.save(sample()), store.delete(KEY),
                    store.update(KEY, current -> Mono.just(sample())))) {
                StepVerifier.create(operation).expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(TokenStoreException.class);
                    assertThat(((TokenStoreException) e).kind()).isEqualTo(TokenStoreException.Kind.CORRUPT);
                    assertThat(e.getMessage()).contains(file.toString()).doesNotContain("secret");
                }).verify();
            }
            assertThat(Files.readString(file)).as("left untouched").isEqualTo(content);
        }
    }

    @Test
    void updateRereadsUnderTheLockSoConcurrentUpdatesFromTwoStoresLoseNothing() {
        Path file = dir.resolve("tokens.json");
        FileTokenStore first = FileTokenStore.at(file);
        FileTokenStore second = FileTokenStore.at(file);
        first.save(credentials("0", "rt", null)).block();

        Flux.range(0, 40).flatMap(i -> (i % 2 == 0 ? first : second).update(KEY, current -> {
            OAuthTokens t = current.orElseThrow().tokens();
            int next = Integer.parseInt(t.accessToken()) + 1;
            return Mono.just(current.get().withTokens(new OAuthTokens(String.valueOf(next), "Bearer", "rt", null,
                    t.scopes()), clock.instant()));
        }), 40).blockLast();

        assertThat(second.load(KEY).block().tokens().accessToken()).isEqualTo("40");
    }

    @Test
    void anUpdateThatEmitsNothingWritesNothingAndEmitsTheStoredEntry() throws IOException {
        Path file = dir.resolve("tokens.json");
        FileTokenStore store = FileTokenStore.at(file);
        store.save(sample()).block();
        byte[] before = Files.readAllBytes(file);

        StepVerifier.create(store.update(KEY, current -> Mono.empty())).expectNext(sample()).verifyComplete();
        StepVerifier.create(store.update(new dev.reactivemcp.oauth.CredentialKey("r", "i", "c"),
                current -> Mono.empty())).verifyComplete();

        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void deleteRemovesOnlyThatEntry() {
        FileTokenStore store = FileTokenStore.at(dir.resolve("tokens.json"));
        store.save(sample()).block();
        StepVerifier.create(store.delete(KEY).then(store.load(KEY))).verifyComplete();
    }

    @Test
    void noSecretAppearsInAnyToString() {
        StoredCredentials c = sample();
        List<String> rendered = List.of(c.toString(), c.tokens().toString(), c.registration().toString(),
                new StoreDocument(java.util.Map.of(KEY, c), java.util.Map.of()).toString(),
                Snapshot.of(c, Fixtures.NO_JITTER).toString(), Optional.of(c).toString());
        assertThat(rendered).allSatisfy(s -> assertThat(s).doesNotContain("secret-value").doesNotContain(CLIENT_SECRET));
        assertThat(new String(new StoreDocument(java.util.Map.of(KEY, c), java.util.Map.of()).toJson(),
                StandardCharsets.UTF_8)).contains("rt-secret-value");
    }
}
