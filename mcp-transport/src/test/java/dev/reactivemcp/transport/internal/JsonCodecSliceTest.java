package dev.reactivemcp.transport.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.transport.internal.sse.SseDecoder;
import dev.reactivemcp.transport.internal.sse.SseEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JSON read from a slice of bytes, as an SSE event's data is read without a String in between. */
class JsonCodecSliceTest {

    private final JsonCodec codec = JsonCodec.get();

    @Test
    void readsTheSliceOnly() {
        byte[] buf = "data: {\"a\":[1,\"é\"]}\n".getBytes(UTF_8);
        int start = 6;
        int end = buf.length - 1;

        assertThat(codec.read(buf, start, end - start, "slice")).isEqualTo(Map.of("a", List.of(1, "é")));
    }

    @Test
    void aMalformedOrTrailingSliceIsATypedProtocolError() {
        byte[] buf = "xx{\"a\":1} {\"b\":2}".getBytes(UTF_8);

        for (int[] slice : new int[][] {{2, buf.length - 2}, {0, 9}, {2, 3}}) {
            assertThatThrownBy(() -> codec.read(buf, slice[0], slice[1], "SSE event"))
                    .isInstanceOfSatisfying(McpException.class, e -> assertThat(e.failure())
                            .isInstanceOf(McpFailure.ProtocolError.class))
                    .hasMessageContaining("SSE event");
        }
    }

    @Test
    void theBytesOfAnEventParseLikeItsString() {
        SseDecoder decoder = new SseDecoder(1 << 20, 1 << 20);
        List<SseEvent> events = decoder.feed("data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"t\":\"ü\"}}\n\n"
                .getBytes(UTF_8));

        SseEvent ev = events.get(0);
        assertThat(codec.read(ev.dataBytes(), "SSE event")).isEqualTo(codec.read(ev.data(), "SSE event"));
        assertThat(codec.read(ev.dataBytes(), 0, ev.dataLength(), "SSE event"))
                .isEqualTo(codec.read(ev.data(), "SSE event"));
    }
}
