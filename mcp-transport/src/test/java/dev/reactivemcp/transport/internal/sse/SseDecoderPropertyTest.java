package dev.reactivemcp.transport.internal.sse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Generated streams (fields, comments, blank lines, all line endings, BOM, multi-byte and malformed
 * UTF-8, unterminated tails) must decode the same however they are split into chunks, and the same as
 * a naive reference that decodes the whole stream to a string and follows WHATWG HTML 9.2.6 literally.
 */
class SseDecoderPropertyTest {

    private static final long SEED = 0x5EED_2025L;
    private static final int CASES = 300;
    private static final int LIMIT = 1 << 20;
    private static final String[] EOLS = {"\n", "\r", "\r\n"};
    private static final String[] VALUE_PARTS = {"a", "b", "Z", " ", ":", "0", "7", "9", "\u00e9", "\u20ac",
        "\uD83D\uDE00", "\u4e2d", "\uFEFF", "\0", "\t"};
    private static final String[] NAMES = {"data", "data", "data", "data", "event", "id", "id", "retry", "Data", "foo", "dat", ""};

    record Outcome(List<SseEvent> events, String lastEventId, OptionalLong retry, boolean endedMidEvent) {
    }

    @Test
    void decodesEveryStreamLikeTheReferenceWhateverTheChunkBoundaries() {
        int totalEvents = 0;
        long decodings = 0;
        for (int n = 0; n < CASES; n++) {
            Random random = new Random(SEED + n);
            byte[] stream = generate(random);
            Outcome expected = reference(stream);
            String label = "case " + n + " (seed " + (SEED + n) + ")";

            assertSame(expected, stream, List.of(stream.length), label);
            for (int cut = 0; cut <= stream.length; cut++) {
                assertSame(expected, stream, List.of(cut, stream.length), label);
            }
            for (int k = 0; k < 25; k++) {
                assertSame(expected, stream, randomCuts(random, stream.length), label);
            }
            assertSame(expected, stream, everyByte(stream.length), label);
            totalEvents += expected.events().size();
            decodings += stream.length + 28L;
        }
        assertThat(totalEvents).as("the generator produces events").isGreaterThan(CASES);
        System.out.printf("SseDecoderPropertyTest: %d generated streams (malformed lines, huge retry, BOM, all line"
                + " endings), %d chunkings decoded, %d events, 0 differed from the reference%n", CASES, decodings,
                totalEvents);
    }

    /** Compares cheaply, and through AssertJ (for the diff) only on a mismatch. */
    private static void assertSame(Outcome expected, byte[] stream, List<Integer> cutEnds, String label) {
        Outcome actual = decode(stream, cutEnds);
        if (!actual.equals(expected)) {
            assertThat(actual).as("%s, chunks ending at %s", label, cutEnds).isEqualTo(expected);
        }
    }

    private static Outcome decode(byte[] stream, List<Integer> cutEnds) {
        SseDecoder decoder = new SseDecoder(LIMIT, LIMIT);
        List<SseEvent> events = new ArrayList<>();
        int from = 0;
        for (int end : cutEnds) {
            decoder.feed(Arrays.copyOfRange(stream, from, end), events::add);
            from = end;
        }
        events.addAll(decoder.finish());
        return new Outcome(events, decoder.lastEventId(), decoder.retryMillis(), decoder.endedMidEvent());
    }

    private static List<Integer> everyByte(int length) {
        List<Integer> cuts = new ArrayList<>();
        for (int i = 1; i <= length; i++) {
            cuts.add(i);
        }
        return cuts;
    }

    /** Sorted cut ends, duplicates (empty chunks) allowed, the last one being the stream length. */
    private static List<Integer> randomCuts(Random random, int length) {
        int count = random.nextInt(8);
        List<Integer> cuts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            cuts.add(random.nextInt(length + 1));
        }
        cuts.sort(null);
        cuts.add(length);
        return cuts;
    }

    // generator

    private static byte[] generate(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int start = random.nextInt(10);
        if (start == 0) {
            out.writeBytes("\uFEFF".getBytes(UTF_8));
        } else if (start == 1) {
            out.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB});
        }
        int lines = 1 + random.nextInt(32);
        for (int i = 0; i < lines; i++) {
            out.writeBytes(line(random));
            out.writeBytes(EOLS[random.nextInt(EOLS.length)].getBytes(UTF_8));
        }
        if (random.nextBoolean()) {
            out.writeBytes(line(random)); // unterminated tail
        }
        return out.toByteArray();
    }

    private static byte[] line(Random random) {
        int kind = random.nextInt(20);
        if (kind < 7) {
            return new byte[0];
        }
        if (kind < 9) {
            return (":" + value(random)).getBytes(UTF_8);
        }
        if (kind == 9) {
            return junk(random);
        }
        String name = NAMES[random.nextInt(NAMES.length)];
        String value = name.equals("retry") && random.nextInt(3) > 0 ? digits(random) : value(random);
        return switch (random.nextInt(4)) {
            case 0 -> name.getBytes(UTF_8); // no colon: empty value
            case 1 -> (name + ":" + value).getBytes(UTF_8);
            default -> (name + ": " + value).getBytes(UTF_8);
        };
    }

    private static String value(Random random) {
        StringBuilder value = new StringBuilder();
        int length = random.nextInt(12);
        for (int i = 0; i < length; i++) {
            value.append(VALUE_PARTS[random.nextInt(VALUE_PARTS.length)]);
        }
        return value.toString();
    }

    private static String digits(Random random) {
        StringBuilder digits = new StringBuilder();
        int length = random.nextInt(25);
        for (int i = 0; i < length; i++) {
            digits.append((char) ('0' + random.nextInt(10)));
        }
        return digits.toString();
    }

    /** Malformed UTF-8 mixed with ASCII, never CR or LF. */
    private static byte[] junk(Random random) {
        byte[][] parts = {{(byte) 0xFF}, {(byte) 0x80}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xC3}, {'d'},
            {'a'}, {':'}, {' '}, {(byte) 0xF0, (byte) 0x9F}};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("data: ".getBytes(UTF_8));
        int length = random.nextInt(8);
        for (int i = 0; i < length; i++) {
            out.writeBytes(parts[random.nextInt(parts.length)]);
        }
        return out.toByteArray();
    }

    // reference: WHATWG HTML 9.2.6 over the whole decoded text

    private static Outcome reference(byte[] stream) {
        String text = new String(stream, UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        Reference state = new Reference();
        int lineStart = 0;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '\r' && c != '\n') {
                i++;
                continue;
            }
            state.line(text.substring(lineStart, i));
            i += c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n' ? 2 : 1;
            lineStart = i;
        }
        boolean endedMidEvent = lineStart < text.length() || state.fieldsSinceBlankLine;
        return new Outcome(state.events, state.lastEventIdString, state.retry, endedMidEvent);
    }

    private static final class Reference {
        final List<SseEvent> events = new ArrayList<>();
        String data = "";
        String eventType = "";
        String lastEventIdBuffer = "";
        String lastEventIdString = "";
        OptionalLong retry = OptionalLong.empty();
        boolean fieldsSinceBlankLine;

        void line(String line) {
            if (line.isEmpty()) {
                dispatch();
            } else if (!line.startsWith(":")) {
                int colon = line.indexOf(':');
                String name = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                field(name, value.startsWith(" ") ? value.substring(1) : value);
            }
        }

        void field(String name, String value) {
            fieldsSinceBlankLine = true;
            switch (name) {
                case "event" -> eventType = value;
                case "data" -> data = data + value + "\n";
                case "id" -> lastEventIdBuffer = value.contains("\0") ? lastEventIdBuffer : value;
                case "retry" -> {
                    if (value.matches("[0-9]+")) {
                        retry = OptionalLong.of(new BigInteger(value).min(BigInteger.valueOf(SseDecoder.MAX_RETRY_MILLIS))
                                .longValueExact());
                    }
                }
                default -> { }
            }
        }

        void dispatch() {
            fieldsSinceBlankLine = false;
            lastEventIdString = lastEventIdBuffer;
            if (data.isEmpty()) {
                eventType = "";
                return;
            }
            String payload = data.endsWith("\n") ? data.substring(0, data.length() - 1) : data;
            events.add(new SseEvent(lastEventIdBuffer, eventType.isEmpty() ? "message" : eventType, payload));
            data = "";
            eventType = "";
        }
    }
}
