package dev.reactivemcp.transport.internal.sse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Event data kept as bytes: copied once out of the chunk (or line) it was read from, never sharing the caller's
 * chunk, and decoded to a String only when asked.
 */
class SseEventBytesTest {

    private static final int LIMIT = 1 << 20;

    private static List<SseEvent> feed(SseDecoder decoder, byte[]... chunks) {
        List<SseEvent> events = new ArrayList<>();
        for (byte[] c : chunks) {
            decoder.feed(c, events::add);
        }
        return events;
    }

    @Test
    void theDataOfOneLineIsCopiedOutOfTheChunk() {
        byte[] chunk = "data: {\"x\":\"ü\"}\n\n".getBytes(UTF_8);
        SseEvent ev = feed(new SseDecoder(LIMIT, LIMIT), chunk).get(0);

        Arrays.fill(chunk, (byte) 'z'); // the caller reuses its chunk
        assertThat(ev.data()).isEqualTo("{\"x\":\"ü\"}");
        assertThat(ev.dataBytes()).isEqualTo("{\"x\":\"ü\"}".getBytes(UTF_8));
        assertThat(ev.dataLength()).isEqualTo(ev.dataBytes().length);
        assertThat(ev.isEmpty()).isFalse();
    }

    @Test
    void aDataLineEndingAChunkIsKeptWhenTheCallerReusesThatChunk() {
        SseDecoder decoder = new SseDecoder(LIMIT, LIMIT);
        byte[] first = "data: abc\n".getBytes(UTF_8);
        List<SseEvent> events = feed(decoder, first);
        Arrays.fill(first, (byte) 'z');
        events.addAll(feed(decoder, "\n".getBytes(UTF_8)));

        assertThat(events).containsExactly(new SseEvent("", "message", "abc"));
    }

    @Test
    void aDataLineReadFromTheLineBufferSurvivesTheNextLine() {
        SseDecoder decoder = new SseDecoder(LIMIT, LIMIT);
        // "data: ab" + "c" spans two chunks, so it is read from the line buffer; the next line reuses that buffer
        List<SseEvent> events = feed(decoder, "data: ab".getBytes(UTF_8), "c\nid: 77777777777\n\n".getBytes(UTF_8),
                "data: ".getBytes(UTF_8), "x\ndata: y".getBytes(UTF_8), "z\n\n".getBytes(UTF_8));

        assertThat(events).containsExactly(new SseEvent("77777777777", "message", "abc"),
                new SseEvent("77777777777", "message", "x\nyz"));
    }

    @Test
    void manyDataLinesJoinWithLineFeeds() {
        List<SseEvent> events = feed(new SseDecoder(LIMIT, LIMIT),
                "data: a\r\ndata:\rdata: c\n\ndata:\n\n".getBytes(UTF_8));

        assertThat(events).containsExactly(new SseEvent("", "message", "a\n\nc"), new SseEvent("", "message", ""));
        assertThat(events.get(1).isEmpty()).isTrue();
        assertThat(events.get(1).dataBytes()).isEmpty();
    }

    @Test
    void theEventBoundCountsAPendingFirstLine() {
        SseDecoder decoder = new SseDecoder(10, LIMIT);
        byte[] chunk = "data: 12345\ndata: 678".getBytes(UTF_8);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> decoder.feed(chunk, e -> { }))
                .isInstanceOf(SseDecodingException.class);
    }

    @Test
    void malformedUtf8ReadsAsReplacementCharactersButKeepsItsBytes() {
        byte[] chunk = {'d', 'a', 't', 'a', ':', (byte) 0xFF, 'a', '\n', '\n'};
        SseEvent ev = feed(new SseDecoder(LIMIT, LIMIT), chunk).get(0);

        assertThat(ev.data()).isEqualTo("\uFFFDa");
        assertThat(ev.dataBytes()).containsExactly((byte) 0xFF, 'a');
        assertThat(ev).isEqualTo(new SseEvent("", "message", "\uFFFDa")).hasToString(
                "SseEvent[id=, event=message, data.length=2]");
    }

    @Test
    void eventsMadeFromStringsCarryTheirBytes() {
        SseEvent ev = new SseEvent("1", "message", "é");

        assertThat(ev.dataBytes()).isEqualTo("é".getBytes(UTF_8));
        assertThat(ev).isEqualTo(new SseEvent("1", "message", "é")).hasSameHashCodeAs(new SseEvent("1", "message", "é"));
        assertThat(ev).isNotEqualTo(new SseEvent("2", "message", "é"));
    }
}
