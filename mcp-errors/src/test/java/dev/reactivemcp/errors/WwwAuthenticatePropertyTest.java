package dev.reactivemcp.errors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.WwwAuthenticate.Challenge;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Properties of the parser over generated inputs; every case is reproducible from its printed seed. */
class WwwAuthenticatePropertyTest {

    private static final String ALPHA = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final String TCHAR = ALPHA + "0123456789!#$%&'*+-.^_`|~";
    private static final String TOKEN68 = ALPHA + "0123456789-._~+/";
    private static final String VALUE = TCHAR + " \t\"\\,=;:/()[]{}<>?@\u00e9\u00ff";
    private static final String GARBAGE = "Bb=\",\\ \t;aé\u0000\u007f\n/=" + TOKEN68;
    private static final int CASES = 2_000;

    @Test
    void anyValidChallengeListRenderedInAnyLegalLayoutParsesBackEqual() {
        for (long seed = 1; seed <= CASES; seed++) {
            SeededRandom random = new SeededRandom(seed);
            List<Challenge> challenges = challenges(random);
            List<String> lines = render(challenges, random);

            WwwAuthenticate parsed = WwwAuthenticate.parse(lines);

            assertThat(parsed.problems()).as("seed %d: %s", seed, lines).isEmpty();
            assertThat(parsed.challenges()).as("seed %d: %s", seed, lines).isEqualTo(challenges);
        }
    }

    @Test
    void toHeaderValueOfAnyValidChallengeListParsesBackEqual() {
        for (long seed = 1; seed <= CASES; seed++) {
            WwwAuthenticate original = new WwwAuthenticate(challenges(new SeededRandom(seed)), List.of());

            assertThat(WwwAuthenticate.parse(original.toHeaderValue())).as("seed %d", seed).isEqualTo(original);
        }
    }

    @Test
    void garbageNeverThrowsAndOnlyYieldsValidChallenges() {
        for (long seed = 1; seed <= 5 * CASES; seed++) {
            SeededRandom random = new SeededRandom(seed);
            String garbage = random.string(GARBAGE, 0, 60);

            WwwAuthenticate parsed = WwwAuthenticate.parse(List.of(garbage, mutate(valid(random), random)));

            assertThat(parsed).as("seed %d", seed).isNotNull();
            assertThat(parsed.problems()).hasSizeLessThanOrEqualTo(16);
            for (Challenge c : parsed.challenges()) {
                assertThat(WwwAuthenticate.parse(c.toHeaderValue()).challenges()).as("seed %d", seed).containsExactly(c);
            }
        }
        System.out.printf("WwwAuthenticatePropertyTest: %d garbage and mutated WWW-Authenticate headers parsed,"
                + " 0 threw%n", 5 * CASES);
    }

    private static String valid(SeededRandom random) {
        return new WwwAuthenticate(challenges(random), List.of()).toHeaderValue();
    }

    private static String mutate(String text, SeededRandom random) {
        StringBuilder out = new StringBuilder(text);
        for (int i = random.nextInt(4); i > 0 && out.length() > 0; i--) {
            int at = random.nextInt(out.length());
            if (random.chance(50)) {
                out.deleteCharAt(at);
            } else {
                out.insert(at, random.pick(GARBAGE));
            }
        }
        return random.chance(20) ? out.substring(0, random.nextInt(out.length() + 1)) : out.toString();
    }

    private static List<Challenge> challenges(SeededRandom random) {
        List<Challenge> out = new ArrayList<>();
        for (int i = random.nextInt(5); i >= 0; i--) {
            String scheme = random.string(TCHAR, 1, 8);
            if (random.chance(20)) {
                out.add(new Challenge(scheme, Map.of(), random.string(TOKEN68, 1, 12) + "=".repeat(random.nextInt(3))));
                continue;
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (int p = random.nextInt(4); p > 0; p--) {
                params.putIfAbsent(random.string(TCHAR, 1, 10).toLowerCase(Locale.ROOT), random.string(VALUE, 0, 16));
            }
            out.add(Challenge.of(scheme, params));
        }
        return out;
    }

    /** Renders with legal variations: split across lines, OWS, BWS, empty elements, tokens left unquoted. */
    private static List<String> render(List<Challenge> challenges, SeededRandom random) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (Challenge c : challenges) {
            if (line.length() > 0 && random.chance(30)) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(ows(random)).append(random.chance(10) ? ", ," : ",").append(ows(random));
            }
            line.append(c.scheme());
            if (c.token68() != null) {
                line.append(" ".repeat(1 + random.nextInt(2))).append(c.token68());
            }
            boolean first = true;
            for (Map.Entry<String, String> p : c.params().entrySet()) {
                line.append(first ? " ".repeat(1 + random.nextInt(2)) : ows(random) + "," + ows(random));
                line.append(p.getKey()).append(first ? "" : ows(random)).append('=').append(ows(random));
                boolean bare = isToken(p.getValue()) && random.chance(50);
                line.append(bare ? p.getValue() : quote(p.getValue(), random));
                first = false;
            }
        }
        lines.add(line.toString());
        return lines;
    }

    private static String quote(String value, SeededRandom random) {
        StringBuilder out = new StringBuilder("\"");
        for (char ch : value.toCharArray()) {
            out.append(ch == '"' || ch == '\\' || random.chance(5) ? "\\" : "").append(ch);
        }
        return out.append('"').toString();
    }

    private static String ows(SeededRandom random) {
        return random.chance(70) ? "" : random.string(" \t", 1, 2);
    }

    private static boolean isToken(String s) {
        return !s.isEmpty() && s.chars().allMatch(ch -> TCHAR.indexOf(ch) >= 0);
    }
}
