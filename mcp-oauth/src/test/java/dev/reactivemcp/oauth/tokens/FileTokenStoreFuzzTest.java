package dev.reactivemcp.oauth.tokens;

import static dev.reactivemcp.oauth.tokens.Fixtures.CLIENT_SECRET;
import static dev.reactivemcp.oauth.tokens.Fixtures.ENDPOINT;
import static dev.reactivemcp.oauth.tokens.Fixtures.KEY;
import static dev.reactivemcp.oauth.tokens.Fixtures.credentials;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.reactivemcp.oauth.fakes.TestClock;
import dev.reactivemcp.oauth.FileTokenStore;
import dev.reactivemcp.oauth.TokenStoreException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 (hostile input, token files): seeded random damage to a real token file (cuts, flipped bytes, deleted and
 * repeated ranges, wrong-typed values, huge numbers, deep nesting). Every read of the damaged file either parses or
 * fails as a typed {@link TokenStoreException.Kind#CORRUPT} that names no secret, and a write over a corrupt file
 * is refused with the file left byte for byte as it was: nothing is lost, nothing is half-written.
 */
class FileTokenStoreFuzzTest {

    private static final int CASES = 1_500;
    private static final String ACCESS = "at-secret-value-0123456789";
    private static final String REFRESH = "rt-secret-value-0123456789";
    private static final String[] FRAGMENTS = {"null", "1e999", "-1e999", "9223372036854775808", "0.5", "-0", "[]",
        "{}", "\"", "\\", "\\u0000", "\\ud800", "true", "\"x\"", ",", ":", "}", "]", "\u0000", "\u00e9", "\uFEFF",
        "\"2026-99-99T00:00:00Z\"", "\"+1000000000-01-01T00:00:00Z\"", "[".repeat(3_000), "{\"a\":".repeat(2_000)};

    @TempDir
    Path dir;

    @Test
    void aDamagedTokenFileIsReadOrRefusedAsCorruptAndNeverOverwritten() throws IOException {
        Path file = dir.resolve("tokens.json");
        FileTokenStore.at(file).save(credentials(ACCESS, REFRESH, TestClock.BASE.plusSeconds(3600))).block();
        FileTokenStore.at(file).save(credentials("https://other.example.com/mcp", "https://as.example.com/token",
                ACCESS + "-2", REFRESH + "-2", null)).block();
        byte[] valid = Files.readAllBytes(file);
        Random random = new Random(0x70CE_F11EL);
        int parsed = 0;
        int corrupt = 0;

        for (int n = 0; n < CASES; n++) {
            byte[] damaged = damage(valid, random);
            Files.write(file, damaged);
            FileTokenStore store = FileTokenStore.at(file);

            Throwable loadError = errorOf(() -> store.load(KEY).block());
            Throwable findError = errorOf(() -> store.findByEndpoint(ENDPOINT).collectList().block());
            assertThat(findError == null).as("case %d: load and findByEndpoint agree", n).isEqualTo(loadError == null);
            if (loadError == null) {
                parsed++;
                continue;
            }
            corrupt++;
            assertCorrupt(loadError, n, damaged);
            Throwable saveError = errorOf(() -> store.save(credentials("at-new", "rt-new", null)).block());
            assertCorrupt(saveError, n, damaged);
            assertThat(Arrays.equals(Files.readAllBytes(file), damaged)).as("case %d: the file is untouched", n)
                    .isTrue();
        }

        System.out.printf("FileTokenStoreFuzzTest: %d damaged token files, %d still parsed, %d refused as CORRUPT,"
                + " 0 untyped errors, 0 overwritten%n", CASES, parsed, corrupt);
        assertThat(corrupt).as("the damage is mostly fatal").isGreaterThan(CASES / 2);
        assertThat(parsed).as("some damage leaves a valid document").isPositive();
    }

    private static void assertCorrupt(Throwable error, int n, byte[] damaged) {
        if (!(error instanceof TokenStoreException e) || e.kind() != TokenStoreException.Kind.CORRUPT) {
            fail("case %d: expected a CORRUPT TokenStoreException, got %s for %s", n, error,
                    new String(damaged, StandardCharsets.UTF_8).substring(0, Math.min(damaged.length, 300)));
            return;
        }
        assertThat(e.getMessage()).as("case %d", n).doesNotContain("secret-value").doesNotContain(CLIENT_SECRET);
        assertThat(e.toString()).as("case %d", n).doesNotContain("secret-value").doesNotContain(CLIENT_SECRET);
    }

    private static Throwable errorOf(Runnable r) {
        try {
            r.run();
            return null;
        } catch (Throwable t) {   // everything: an Error here is a finding too
            return t;
        }
    }

    /** One to three seeded mutations of the valid file. */
    private static byte[] damage(byte[] valid, Random random) {
        byte[] out = valid;
        for (int k = 1 + random.nextInt(3); k > 0; k--) {
            int at = random.nextInt(out.length + 1);
            out = switch (random.nextInt(6)) {
                case 0 -> Arrays.copyOf(out, at);
                case 1 -> flip(out, random);
                case 2 -> splice(out, at, Math.min(out.length, at + 1 + random.nextInt(40)), new byte[0]);
                case 3 -> splice(out, at, at, FRAGMENTS[random.nextInt(FRAGMENTS.length)]
                        .getBytes(StandardCharsets.UTF_8));
                case 4 -> retype(out, random);
                default -> splice(out, at, at,
                        Arrays.copyOfRange(out, at, Math.min(out.length, at + random.nextInt(80))));
            };
            if (out.length == 0) {
                return out;
            }
        }
        return out;
    }

    private static byte[] flip(byte[] in, Random random) {
        if (in.length == 0) {
            return in;
        }
        byte[] out = in.clone();
        out[random.nextInt(out.length)] = (byte) random.nextInt(256);
        return out;
    }

    /** Replaces the value after a random {@code ": "} with a value of another type. */
    private static byte[] retype(byte[] in, Random random) {
        String text = new String(in, StandardCharsets.ISO_8859_1);
        int colon = text.indexOf(" : ", random.nextInt(Math.max(1, text.length())));
        if (colon < 0) {
            return in;
        }
        int start = colon + 3;
        int end = start;
        while (end < text.length() && ",\n}".indexOf(text.charAt(end)) < 0) {
            end++;
        }
        String[] values = {"null", "42", "1e308", "true", "[]", "{}", "\"\"", "[1,2]", "\"not a date\""};
        return splice(in, start, end, values[random.nextInt(values.length)].getBytes(StandardCharsets.ISO_8859_1));
    }

    private static byte[] splice(byte[] in, int from, int to, byte[] insert) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + insert.length);
        out.write(in, 0, from);
        out.write(insert, 0, insert.length);
        out.write(in, to, in.length - to);
        return out.toByteArray();
    }
}
