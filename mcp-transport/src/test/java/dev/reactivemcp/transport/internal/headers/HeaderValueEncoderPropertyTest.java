package dev.reactivemcp.transport.internal.headers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Test;

class HeaderValueEncoderPropertyTest {

    private static final long SEED = 0x2026_0728L;
    private static final int RUNS = 20_000;

    @Test
    void everyEncodedValueIsALegalHeaderValueThatDecodesBackExactly() {
        Random random = new Random(SEED);
        int plain = 0;
        for (int run = 0; run < RUNS; run++) {
            String value = randomString(random);
            String header = HeaderValueEncoder.encode(value);
            plain += header.equals(value) ? 1 : 0;
            if (!isLegalFieldValue(header) || !HeaderValueEncoder.decode(header).equals(value)) {
                fail("run %d: value %s encoded as %s", run, escape(value), header);
            }
        }
        assertThat(plain).as("plain outcomes").isBetween(RUNS / 50, RUNS - RUNS / 50);
        System.out.printf("HeaderValueEncoderPropertyTest: %d random header values (controls, CRLF, non-ASCII),"
                + " %d plain, all encoded legal and decoded back%n", RUNS, plain);
    }

    @Test
    void aValueGoesPlainExactlyWhenItIsPlainSafe() {
        Random random = new Random(SEED + 1);
        for (int run = 0; run < RUNS; run++) {
            String value = randomString(random);
            boolean plain = HeaderValueEncoder.encode(value).equals(value);
            if (plain != HeaderValueEncoder.isPlainSafe(value)) {
                fail("run %d: value %s went plain=%s", run, escape(value), plain);
            }
        }
    }

    /** RFC 9110 field-value as sent: VCHAR, SP, HTAB, without leading or trailing whitespace. */
    private static boolean isLegalFieldValue(String header) {
        if (!header.isEmpty() && (isWs(header.charAt(0)) || isWs(header.charAt(header.length() - 1)))) {
            return false;
        }
        return header.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c <= 0x7E));
    }

    private static boolean isWs(char c) {
        return c == ' ' || c == '\t';
    }

    /** Mostly header-ish ASCII, with spaces, tabs, controls, sentinel pieces, BMP and supplementary code points. */
    private static String randomString(Random random) {
        int length = random.nextInt(12);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(9)) {
                case 0, 1, 2 -> b.append((char) (0x21 + random.nextInt(0x7E - 0x21 + 1)));
                case 3 -> b.append(' ');
                case 4 -> b.append("\t\r\n\u0000\u001f\u007f".charAt(random.nextInt(6)));
                case 5 -> b.append(random.nextBoolean() ? "=?base64?" : "?=");
                case 6 -> b.append((char) (0x80 + random.nextInt(0xD800 - 0x80)));
                case 7 -> b.appendCodePoint(0x10000 + random.nextInt(0x10FFFF - 0x10000 + 1));
                default -> b.append((char) (0xE000 + random.nextInt(0x10000 - 0xE000)));
            }
        }
        return b.toString();
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        s.chars().forEach(c -> b.append(c >= 0x20 && c <= 0x7E ? String.valueOf((char) c)
                : String.format("\\u%04x", c)));
        return b.toString();
    }
}
