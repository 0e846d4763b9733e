package dev.reactivemcp.transport.internal.sse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SseDecoderTest {

    private static final int LIMIT = 1 << 20;

    private final SseDecoder decoder = new SseDecoder(LIMIT, LIMIT);

    private List<SseEvent> feed(String... chunks) {
        List<SseEvent> events = new ArrayList<>();
        for (String chunk : chunks) {
            events.addAll(decoder.feed(chunk.getBytes(UTF_8)));
        }
        events.addAll(decoder.finish());
        return events;
    }

    private static SseEvent message(String id, String data) {
        return new SseEvent(id, "message", data);
    }

    // WHATWG HTML 9.2.6 examples

    @Test
    void joinsMultipleDataLinesWithLineFeeds() {
        assertThat(feed("data: YHOO\ndata: +2\ndata: 10\n\n")).containsExactly(message("", "YHOO\n+2\n10"));
    }

    @Test
    void followsTheSpecExampleWithACommentIdsAndAnIdReset() {
        List<SseEvent> events = feed(": test stream\n\ndata: first event\nid: 1\n\n"
                + "data:second event\nid\n\ndata:  third event\n\n");

        assertThat(events).containsExactly(
                message("1", "first event"), message("", "second event"), message("", " third event"));
        assertThat(decoder.lastEventId()).isEmpty();
    }

    @Test
    void dispatchesEmptyDataAndDiscardsTheEventLeftOpenAtEndOfStream() {
        assertThat(feed("data\n\ndata\ndata\n\ndata:")).containsExactly(message("", ""), message("", "\n"));
        assertThat(decoder.endedMidEvent()).isTrue();
    }

    @Test
    void stripsExactlyOneLeadingSpaceFromValues() {
        assertThat(feed("data:test\n\ndata: test\n\n")).containsExactly(message("", "test"), message("", "test"));
    }

    // fields

    @Test
    void dispatchesThePrimingEventWithEmptyData() {
        assertThat(feed("id: event-1\nretry: 500\ndata: \n\n")).containsExactly(message("event-1", ""));
        assertThat(decoder.retryMillis()).hasValue(500);
        assertThat(decoder.lastEventId()).isEqualTo("event-1");
        assertThat(decoder.eventCount()).isEqualTo(1);
    }

    @Test
    void dispatchesNothingForACommentsOnlyStream() {
        assertThat(feed(": hello\n:\n: another: one\n\n:ping\n\n")).isEmpty();
        assertThat(decoder.endedMidEvent()).isFalse();
        assertThat(decoder.eventCount()).isZero();
    }

    @Test
    void dispatchesNothingForBlankLinesOrEventsWithoutData() {
        assertThat(feed("\n\n\r\n\r\rid: 7\nevent: ping\n\n\n")).isEmpty();
        assertThat(decoder.lastEventId()).isEqualTo("7");
    }

    @Test
    void usesTheEventFieldAsTypeAndResetsItAfterEachBlankLine() {
        assertThat(feed("event: update\ndata: a\n\ndata: b\n\nevent:\ndata: c\n\nevent: lost\n\ndata: d\n\n"))
                .containsExactly(new SseEvent("", "update", "a"), message("", "b"), message("", "c"),
                        message("", "d"));
    }

    @Test
    void keepsTheIdAcrossEventsUntilTheServerChangesIt() {
        assertThat(feed("id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\nid:\ndata: d\n\n"))
                .containsExactly(message("1", "a"), message("1", "b"), message("2", "c"), message("", "d"));
    }

    @Test
    void ignoresAnIdContainingNul() {
        assertThat(feed("id: ok\ndata: a\n\nid: b\0d\ndata: b\n\n"))
                .containsExactly(message("ok", "a"), message("ok", "b"));
        assertThat(decoder.lastEventId()).isEqualTo("ok");
    }

    @Test
    void commitsAnIdWithoutDataAtTheBlankLine() {
        feed("id: 41\ndata: a\n\nid: 42\n\n");
        assertThat(decoder.lastEventId()).isEqualTo("42");
    }

    @Test
    void doesNotCommitTheIdOfAnEventCutOffByEndOfStream() {
        assertThat(feed("id: 1\ndata: a\n\nid: 2\ndata: b\n")).containsExactly(message("1", "a"));
        assertThat(decoder.lastEventId()).as("resuming from 1 replays the lost event 2").isEqualTo("1");
        assertThat(decoder.endedMidEvent()).isTrue();
    }

    @Test
    void acceptsRetryWithAsciiDigitsOnlyAndAppliesItWithoutADispatch() {
        feed("retry: 1500\n");
        assertThat(decoder.retryMillis()).hasValue(1500);
    }

    @ParameterizedTest
    @ValueSource(strings = {"retry: 15a", "retry: -1", "retry: 1.5", "retry: +3", "retry: ", "retry",
        "retry:  20", "retry: 2 ", "retry: \u0661\u0662", "retry: \uFF11"})
    void ignoresRetryValuesThatAreNotAllAsciiDigits(String line) {
        feed("retry: 700\n" + line + "\n\n");
        assertThat(decoder.retryMillis()).hasValue(700);
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999999999", "9300000000000", "18446744073709551615", "300001"})
    void clampsAHugeRetryToFiveMinutes(String value) {
        feed("retry: " + value + "\n");
        assertThat(decoder.retryMillis()).hasValue(SseDecoder.MAX_RETRY_MILLIS).hasValue(300_000);
    }

    @Test
    void keepsARetryUpToTheClampAsSent() {
        feed("retry: 300000\n");
        assertThat(decoder.retryMillis()).hasValue(300_000);
    }

    @Test
    void reportsNoRetryUntilTheServerSendsOne() {
        feed("data: a\n\n");
        assertThat(decoder.retryMillis()).isEqualTo(OptionalLong.empty());
    }

    @Test
    void treatsALineWithoutColonAsAFieldWithEmptyValue() {
        assertThat(feed("event\ndata\n\n")).containsExactly(message("", ""));
    }

    @Test
    void keepsColonsAfterTheFirstInTheValue() {
        assertThat(feed("data: a:b: c\n\n")).containsExactly(message("", "a:b: c"));
    }

    @Test
    void ignoresUnknownAndDifferentlyCasedFieldNames() {
        assertThat(feed("Data: no\nfoo: bar\n dat: x\ndata : y\nid : 3\ndata: yes\n\n"))
                .containsExactly(message("", "yes"));
    }

    // line endings

    @ParameterizedTest
    @ValueSource(strings = {"\n", "\r", "\r\n"})
    void acceptsEachLineEnding(String eol) {
        String stream = "id: 1" + eol + "data: a" + eol + "data: b" + eol + eol + "data: c" + eol + eol;
        assertThat(feed(stream)).containsExactly(message("1", "a\nb"), message("1", "c"));
    }

    @Test
    void acceptsMixedLineEndings() {
        assertThat(feed("data: a\rdata: b\r\ndata: c\n\r\n\rdata: d\n\r"))
                .containsExactly(message("", "a\nb\nc"), message("", "d"));
    }

    @Test
    void countsCrAtChunkEndAndLfAtNextChunkStartAsOneLineBreak() {
        assertThat(feed("data: a\r", "\ndata: b\r", "\n\r", "\n")).containsExactly(message("", "a\nb"));
    }

    @Test
    void countsCrAndLfSeparatedByEmptyChunksAsOneLineBreak() {
        assertThat(feed("data: a\r", "", "", "\n", "\r", "", "\n")).containsExactly(message("", "a"));
    }

    @Test
    void endsALineAtCrWhenTheNextChunkStartsWithContent() {
        assertThat(feed("data: a\r", "data: b\r", "\r")).containsExactly(message("", "a\nb"));
    }

    // encoding

    @Test
    void skipsALeadingByteOrderMark() {
        assertThat(feed("\uFEFFdata: a\n\n")).containsExactly(message("", "a"));
    }

    @Test
    void skipsAByteOrderMarkSplitAcrossChunks() {
        List<SseEvent> events = new ArrayList<>();
        for (byte b : "\uFEFFdata: a\n\n".getBytes(UTF_8)) {
            events.addAll(decoder.feed(new byte[] {b}));
        }
        assertThat(events).containsExactly(message("", "a"));
    }

    @Test
    void skipsOnlyOneByteOrderMarkAndOnlyAtStreamStart() {
        assertThat(feed("\uFEFF\uFEFFdata: a\n\ndata: b\n\uFEFFdata: c\n\n")).containsExactly(message("", "b"));
    }

    @Test
    void keepsTheBytesOfAnIncompleteByteOrderMarkAsLineContent() {
        SseDecoder small = new SseDecoder(LIMIT, 3);
        small.feed(new byte[] {(byte) 0xEF, (byte) 0xBB});
        assertThatSizeBreach(() -> small.feed("xy".getBytes(UTF_8)), SseDecodingException.Limit.LINE, 4);
    }

    @Test
    void decodesMultiByteCharactersSplitAcrossChunks() {
        byte[] bytes = "id: \u00e9\ndata: \u00e9\u20ac\uD83D\uDE00\u4e2d\n\n".getBytes(UTF_8);
        List<SseEvent> events = new ArrayList<>();
        for (byte b : bytes) {
            events.addAll(decoder.feed(new byte[] {b}));
        }
        assertThat(events).containsExactly(message("\u00e9", "\u00e9\u20ac\uD83D\uDE00\u4e2d"));
    }

    @Test
    void replacesMalformedUtf8InsteadOfFailing() {
        byte[] bytes = {'d', 'a', 't', 'a', ':', ' ', (byte) 0xFF, 'a', (byte) 0xE2, (byte) 0x82, '\n', '\n'};
        assertThat(decoder.feed(bytes)).containsExactly(message("", "\uFFFDa\uFFFD"));
    }

    // end of stream

    @Test
    void discardsAnUnterminatedLastLineAtEndOfStream() {
        assertThat(feed("data: a\n\ndata: b\n\ndata: c")).containsExactly(message("", "a"), message("", "b"));
        assertThat(decoder.endedMidEvent()).isTrue();
    }

    @Test
    void reportsNothingDiscardedWhenTheStreamEndsCleanly() {
        feed("data: a\n\n: bye\n");
        assertThat(decoder.endedMidEvent()).isFalse();
    }

    @Test
    void rejectsUseAfterFinish() {
        decoder.finish();
        assertThatIllegalStateException().isThrownBy(() -> decoder.feed(new byte[] {'\n'}));
        assertThatIllegalStateException().isThrownBy(decoder::finish);
    }

    // bounds

    @Test
    void acceptsLinesAndEventsExactlyAtTheLimits() {
        SseDecoder exact = new SseDecoder(11, 8);
        // each "data: ab" line is 8 bytes; the data buffer "ab\n" (3) plus the second line is 11
        assertThat(exact.feed("data: ab\ndata: ab\n\n".getBytes(UTF_8))).containsExactly(message("", "ab\nab"));
    }

    @Test
    void failsWhenALineExceedsTheLineLimitWithoutRevealingItsContent() {
        SseDecoder small = new SseDecoder(LIMIT, 16);
        SseDecodingException e = assertThatSizeBreach(
                () -> small.feed("data: SECRET-TOKEN-VALUE\n\n".getBytes(UTF_8)), SseDecodingException.Limit.LINE, 24);

        assertThat(e).hasMessage("SSE line length limit exceeded: at least 24 bytes, maximum 16 bytes");
        assertThat(e.getStackTrace()).isEmpty();
    }

    @Test
    void failsOnAnOverlongPartialLineBeforeItsTerminatorArrives() {
        SseDecoder small = new SseDecoder(LIMIT, 16);
        small.feed(": twelve byte".getBytes(UTF_8));
        assertThatSizeBreach(() -> small.feed("s and more".getBytes(UTF_8)), SseDecodingException.Limit.LINE, 23);
    }

    @Test
    void failsWhenTheDataBufferPlusCurrentLineExceedsTheEventLimit() {
        SseDecoder small = new SseDecoder(20, 16);
        SseDecodingException e = assertThatSizeBreach(
                () -> small.feed("data: 0123456789\ndata: abcd\n\n".getBytes(UTF_8)), SseDecodingException.Limit.EVENT, 21);

        assertThat(e).hasMessage("SSE event size limit exceeded: at least 21 bytes, maximum 20 bytes");
    }

    @Test
    void deliversEventsCompletedBeforeABreachInTheSameChunk() {
        SseDecoder small = new SseDecoder(LIMIT, 10);
        List<SseEvent> received = new ArrayList<>();
        assertThatSizeBreach(() -> small.feed("data: a\n\ndata: 0123456789\n\n".getBytes(UTF_8), received::add),
                SseDecodingException.Limit.LINE, 16);

        assertThat(received).containsExactly(message("", "a"));
        assertThatIllegalStateException().as("a failed decoder is unusable")
                .isThrownBy(() -> small.feed(new byte[] {'\n'}));
    }

    @Test
    void rejectsNonPositiveLimits() {
        assertThatIllegalArgumentException().isThrownBy(() -> new SseDecoder(0, 10));
        assertThatIllegalArgumentException().isThrownBy(() -> new SseDecoder(10, -1));
    }

    // volume

    @Test
    void decodesAHugeNumberOfTinyEventsFedInLargeChunks() {
        int count = 500_000;
        byte[] one = "id:1\ndata:x\n\n".getBytes(UTF_8);
        byte[] all = new byte[one.length * count];
        for (int i = 0; i < count; i++) {
            System.arraycopy(one, 0, all, i * one.length, one.length);
        }
        long[] seen = new long[1];
        for (int offset = 0; offset < all.length; offset += 8192) {
            byte[] chunk = java.util.Arrays.copyOfRange(all, offset, Math.min(all.length, offset + 8192));
            decoder.feed(chunk, event -> seen[0]++);
        }

        assertThat(seen[0]).isEqualTo(count);
        assertThat(decoder.eventCount()).isEqualTo(count);
        assertThat(decoder.finish()).isEmpty();
        assertThat(decoder.endedMidEvent()).isFalse();
    }

    @Test
    void keepsLargeEventsIntactAcrossManySmallChunks() {
        String payload = "x".repeat(100_000) + "\u20ac";
        byte[] bytes = ("data: " + payload + "\n\n").getBytes(UTF_8);
        List<SseEvent> events = new ArrayList<>();
        for (int offset = 0; offset < bytes.length; offset += 7) {
            events.addAll(decoder.feed(java.util.Arrays.copyOfRange(bytes, offset, Math.min(bytes.length, offset + 7))));
        }
        assertThat(events).containsExactly(message("", payload));
    }

    @Test
    void leavesPayloadsOutOfTheEventsToString() {
        assertThat(message("1", "secret")).hasToString("SseEvent[id=1, event=message, data.length=6]");
    }

    private static SseDecodingException assertThatSizeBreach(
            Runnable action, SseDecodingException.Limit limit, long size) {
        try {
            action.run();
        } catch (SseDecodingException e) {
            assertThat(e.limit()).isEqualTo(limit);
            assertThat(e.size()).isEqualTo(size);
            return e;
        }
        throw new AssertionError("expected an SseDecodingException for " + limit);
    }
}
