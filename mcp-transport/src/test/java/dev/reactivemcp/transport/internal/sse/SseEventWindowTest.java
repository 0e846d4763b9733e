package dev.reactivemcp.transport.internal.sse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.transport.internal.JsonCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A decoder told that its chunks are handed over (a response body of fresh arrays): the usual event, one
 * {@code data} line within one chunk, is a window of that chunk, not a copy; everything else is copied as before,
 * and the events are the same wherever the body is split.
 */
class SseEventWindowTest {

    private static final int LIMIT = 1 << 20;
    private static final String BODY = "event: message\r\nid: 1\r\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\r\n\r\n"
            + "data: first line\ndata:  second ü\n\n: comment\n\ndata: {\"b\":2}\n\n";

    private static List<SseEvent> feed(SseDecoder decoder, byte[]... chunks) {
        List<SseEvent> events = new ArrayList<>();
        for (byte[] c : chunks) {
            decoder.feed(c, events::add);
        }
        return events;
    }

    private static SseDecoder handedOver() {
        return new SseDecoder(LIMIT, LIMIT, new SseDecoder.Memory() {
            @Override
            public boolean tryReserve(long bytes) {
                return true;
            }

            @Override
            public void release(long bytes) {
            }
        }, true);
    }

    @Test
    void anEventWithOneDataLineInOneChunkIsAWindowOfThatChunk() {
        byte[] chunk = "id: 9\ndata: {\"x\":\"ü\"}\n\n".getBytes(UTF_8);
        SseEvent ev = feed(handedOver(), chunk).get(0);

        assertThat(ev.dataArray()).as("no copy").isSameAs(chunk);
        assertThat(new String(ev.dataArray(), ev.dataOffset(), ev.dataLength(), UTF_8)).isEqualTo("{\"x\":\"ü\"}");
        assertThat(ev.data()).isEqualTo("{\"x\":\"ü\"}");
        assertThat(ev.dataBytes()).as("an exact copy of the window").isEqualTo("{\"x\":\"ü\"}".getBytes(UTF_8));
        assertThat(ev).isEqualTo(new SseEvent("9", "message", "{\"x\":\"ü\"}"));
        assertThat(JsonCodec.get().read(ev.dataArray(), ev.dataOffset(), ev.dataLength(), "SSE event"))
                .isEqualTo(JsonCodec.get().read(ev.data(), "SSE event"));
    }

    @Test
    void multiLineDataAndDataSplitAcrossChunksAreCopiedAsBefore() {
        byte[] a = "data: one\ndata: two\n\ndata: ab".getBytes(UTF_8);
        byte[] b = "c\n\n".getBytes(UTF_8);
        List<SseEvent> events = feed(handedOver(), a, b);

        assertThat(events).containsExactly(new SseEvent("", "message", "one\ntwo"), new SseEvent("", "message", "abc"));
        assertThat(events).allSatisfy(ev -> {
            assertThat(ev.dataArray()).isNotSameAs(a).isNotSameAs(b);
            assertThat(ev.dataOffset()).isZero();
        });
    }

    @Test
    void anEmptyDataLineIsAnEmptyEvent() {
        SseEvent ev = feed(handedOver(), "data:\n\n".getBytes(UTF_8)).get(0);

        assertThat(ev.isEmpty()).isTrue();
        assertThat(ev.dataLength()).isZero();
        assertThat(ev.data()).isEmpty();
        assertThat(ev.dataBytes()).isEmpty();
    }

    @Test
    void theEventsAreTheSameWhereverTheBodyIsSplit() {
        byte[] all = BODY.getBytes(UTF_8);
        List<SseEvent> expected = feed(new SseDecoder(LIMIT, LIMIT), all);
        assertThat(expected).hasSize(3);

        for (int i = 0; i <= all.length; i++) {
            for (int j = i; j <= all.length; j++) {
                List<SseEvent> events = feed(handedOver(), Arrays.copyOfRange(all, 0, i), Arrays.copyOfRange(all, i, j),
                        Arrays.copyOfRange(all, j, all.length));
                assertThat(events).as("split at %d and %d", i, j).isEqualTo(expected);
                for (int k = 0; k < events.size(); k++) {
                    assertThat(events.get(k).dataBytes()).isEqualTo(expected.get(k).dataBytes());
                }
            }
        }
    }

    @Test
    void theEventsAreTheSameFromOneByteChunks() {
        byte[] all = BODY.getBytes(UTF_8);
        byte[][] bytes = new byte[all.length][];
        for (int i = 0; i < all.length; i++) {
            bytes[i] = new byte[] {all[i]};
        }

        assertThat(feed(handedOver(), bytes)).isEqualTo(feed(new SseDecoder(LIMIT, LIMIT), all));
    }
}
