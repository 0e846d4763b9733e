package dev.reactivemcp.errors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.internal.SecretIndex;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Property test: random secrets embedded in random text (JSON bodies, form bodies, headers, prose, back to back, cut
 * at the end) never survive {@link KnownSecrets#mask(String)} nor any failure's {@code describe()}/{@code toString()};
 * text holding no secret is left alone (issue 9, item 7). Counts are printed.
 */
class KnownSecretsFuzzTest {

    private static final String B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static final String PRINTABLE = B64URL + " .,:;=&?/\"'{}[]()<>!@#$%^*+|~`\\";
    private static final String PROSE = "abcdefghijklmnopqrstuvwxyz     .,";
    private static final int CASES = 20_000;

    @Test
    void noRememberedSecretSurvivesInAnyTextItIsEmbeddedIn() {
        SeededRandom random = new SeededRandom(0x5EC12E7L);
        List<String> held = new ArrayList<>();
        int embedded = 0;
        int cut = 0;
        for (int n = 0; n < CASES; n++) {
            String secret = randomSecret(random);
            held.add(secret);
            KnownSecrets.remember(secret);
            String text = embed(random, secret);
            boolean cutInside = random.chance(10);
            if (cutInside) {
                int at = text.lastIndexOf(secret) + SecretIndex.MIN_LENGTH + random.nextInt(secret.length() - 7);
                text = text.substring(0, Math.min(at, text.length()));
                cut++;
            }
            String masked = KnownSecrets.mask(text);
            embedded++;
            assertThat(masked).as("case %d: %s", n, text).doesNotContain(secret);
            if (cutInside) {
                String tail = text.substring(text.lastIndexOf(secret.substring(0, SecretIndex.MIN_LENGTH)));
                assertThat(masked).as("cut case %d", n).doesNotContain(tail);
            }
            McpFailure failure = new McpFailure.ServerError(500, text);
            assertThat(failure.describe() + failure).doesNotContain(secret);
        }
        System.out.printf("KnownSecretsFuzzTest: %d secrets embedded in random text (%d cut mid-secret), 0 survived%n",
            embedded, cut);
        assertThat(held).hasSize(CASES);
    }

    @Test
    void textWithoutAnyRememberedSecretIsLeftAlone() {
        SeededRandom random = new SeededRandom(0xC1EA7L);
        List<String> held = new ArrayList<>();
        for (int n = 0; n < 2_000; n++) {
            String secret = "Zq9" + random.string(B64URL, 20, 40);
            held.add(secret);
            KnownSecrets.remember(secret);
        }
        int unchanged = 0;
        for (int n = 0; n < 5_000; n++) {
            String text = random.string(PROSE, 0, 300);
            assertThat(SecretIndex.GLOBAL.mask(text)).isEqualTo(text);
            unchanged++;
        }
        System.out.printf("KnownSecretsFuzzTest: %d secret-free texts, %d known secrets, 0 changed%n", unchanged,
            held.size());
    }

    private static String randomSecret(SeededRandom random) {
        switch (random.nextInt(4)) {
            case 0: return random.string(B64URL, 20, 64);                       // opaque token
            case 1: return "eyJ" + random.string(B64URL, 10, 40) + "." + random.string(B64URL, 10, 60) + "."
                + random.string(B64URL, 10, 43);                                 // JWT-shaped
            case 2: return random.string("0123456789abcdef", 32, 64);           // hex client secret
            default: return random.string(PRINTABLE.replace("\\", "").replace("\"", ""), 8, 40);   // anything
        }
    }

    private static String embed(SeededRandom random, String secret) {
        String before = random.string(PRINTABLE, 0, 80);
        String after = random.string(PRINTABLE, 0, 80);
        switch (random.nextInt(5)) {
            case 0: return "{\"error\":\"invalid_token\",\"error_description\":\"" + before + secret + after + "\"}";
            case 1: return "grant_type=refresh_token&x=" + secret + "&" + after;
            case 2: return "X-Echo: " + secret + "\r\nWWW-Authenticate: Bearer error_description=\"" + secret + "\"";
            case 3: return before + secret + secret + after;
            default: return before + secret + after;
        }
    }
}
