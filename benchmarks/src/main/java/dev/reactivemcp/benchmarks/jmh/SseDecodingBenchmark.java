package dev.reactivemcp.benchmarks.jmh;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.reactivemcp.transport.internal.sse.SseDecoder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/** SSE decoding as the transport does it per response: a fresh decoder fed one chunk holding one event. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SseDecodingBenchmark {

    private static final int LIMIT = 8 * 1024 * 1024;

    private final byte[] oneEvent = ("event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[{\"type\""
            + ":\"text\",\"text\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}],"
            + "\"isError\":false}}\n\n").getBytes(UTF_8);
    private final byte[] bigEvent = bigEvent();

    private static byte[] bigEvent() {
        StringBuilder sb = new StringBuilder("event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"text\":\"");
        while (sb.length() < 64 * 1024) {
            sb.append("0123456789abcdef");
        }
        return sb.append("\"}}\n\n").toString().getBytes(UTF_8);
    }

    @Benchmark
    public void oneSmallEvent(Blackhole bh) {
        new SseDecoder(LIMIT, LIMIT).feed(oneEvent, bh::consume);
    }

    @Benchmark
    public void one64KiBEvent(Blackhole bh) {
        new SseDecoder(LIMIT, LIMIT).feed(bigEvent, bh::consume);
    }
}
