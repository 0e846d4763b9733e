package dev.reactivemcp.oauth.tokens;

import static dev.reactivemcp.oauth.tokens.Fixtures.KEY;
import static dev.reactivemcp.oauth.tokens.Fixtures.credentials;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.reactivemcp.oauth.FileTokenStore;
import dev.reactivemcp.oauth.StoredCredentials;
import dev.reactivemcp.oauth.TokenStoreException;
import dev.reactivemcp.oauth.fakes.TestClock;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/** The token file after crashes and in the hands of other users. */
class FileTokenStoreHardeningTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private Path file;
    private final TestClock clock = TestClock.manual();

    @BeforeEach
    void storeWithOneEntry() {
        file = dir.resolve("tokens.json");
        FileTokenStore.at(file).save(sample()).block(WAIT);
    }

    private StoredCredentials sample() {
        return credentials("at-secret-value", "rt-secret-value", clock.instant().plusSeconds(3600));
    }

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    @Test
    void temporaryCopiesLeftByACrashedWriterAreRemovedByTheNextOpenAndNothingElseIs() throws IOException {
        Files.copy(file, dir.resolve(".tokens.json.5f3a9c01d2e4b6a7.tmp"));   // ours, current naming
        Files.copy(file, dir.resolve(".tokens.json.1a2b3c4d8712345678901.tmp")); // ours, earlier naming
        Files.writeString(dir.resolve(".tokens.json.backup.tmp"), "not ours");
        Files.writeString(dir.resolve(".other.json.5f3a9c01.tmp"), "another store's");
        Files.writeString(dir.resolve("tokens.json.5f3a9c01.tmp"), "no leading dot: not ours");

        StepVerifier.create(FileTokenStore.at(file).load(KEY)).expectNext(sample()).verifyComplete();

        assertThat(names()).containsExactly(".other.json.5f3a9c01.tmp", ".tokens.json.backup.tmp", "tokens.json",
                "tokens.json.5f3a9c01.tmp", "tokens.json.lock");
    }

    @Test
    void aTemporaryFileIsLeftAloneWhileAnotherWriterHoldsTheLockAndRemovedByTheNextWriteAfterIt() throws Exception {
        Path inFlight = dir.resolve(".tokens.json.00c0ffee00c0ffee.tmp");
        Files.copy(file, inFlight);
        try (FileChannel ch = FileChannel.open(dir.resolve("tokens.json.lock"), StandardOpenOption.WRITE);
             FileLock held = ch.lock()) { // as a live writer in the middle of its write
            FileTokenStore opened = FileTokenStore.at(file);
            StepVerifier.create(opened.load(KEY)).expectNext(sample()).verifyComplete();
            assertThat(inFlight).as("a live writer's temporary file is never touched").exists();
        }
        FileTokenStore.at(file).save(sample()).block(WAIT);
        assertThat(names()).containsExactly("tokens.json", "tokens.json.lock");
    }

    @Test
    void aFileReadableByOthersIsTightenedToOwnerOnlyAndStillRead() throws IOException {
        assumeThat(posix()).isTrue();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        StepVerifier.create(FileTokenStore.at(file).load(KEY)).expectNext(sample()).verifyComplete();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void aFileWritableByGroupOrOthersIsRefusedUnreadAndUnchanged() throws IOException {
        assumeThat(posix()).isTrue();
        for (String mode : List.of("rw-rw----", "rw-----w-", "rw-rw-rw-")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            byte[] before = Files.readAllBytes(file);

            StepVerifier.create(FileTokenStore.at(file).load(KEY))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(TokenStoreException.class, t -> {
                        assertThat(t.kind()).isEqualTo(TokenStoreException.Kind.INSECURE);
                        assertThat(t.getMessage()).contains("writable by group or others").contains(mode)
                                .doesNotContain("secret");
                    }))
                    .verify(WAIT);
            StepVerifier.create(FileTokenStore.at(file).save(sample())).expectError(TokenStoreException.class)
                    .verify(WAIT);

            assertThat(Files.readAllBytes(file)).isEqualTo(before);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo(mode);
        }
    }

    @Test
    void aFileOwnedByAnotherUserIsRefused() throws IOException {
        assumeThat(posix()).isTrue();
        UserPrincipal nobody;
        try {
            nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.setOwner(file, nobody); // needs root
        } catch (IOException | UnsupportedOperationException notPossibleHere) {
            assumeThat(false).as("cannot give the file to another user here").isTrue();
            return;
        }

        StepVerifier.create(FileTokenStore.at(file).load(KEY))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(TokenStoreException.class, t -> {
                    assertThat(t.kind()).isEqualTo(TokenStoreException.Kind.INSECURE);
                    assertThat(t.getMessage()).contains("owned by another user (nobody)");
                }))
                .verify(WAIT);
    }
}
