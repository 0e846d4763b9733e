package dev.reactivemcp.benchmarks.jmh;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.reactivemcp.transport.CallToolResult;
import dev.reactivemcp.transport.internal.JsonCodec;
import dev.reactivemcp.transport.internal.JsonRpc;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** JSON-RPC encoding of a {@code tools/call} request and decoding of its result, as the transport does them. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JsonRpcCodecBenchmark {

    private final JsonCodec codec = JsonCodec.get();
    private final byte[] response = ("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[{\"type\":\"text\",\"text\":"
            + "\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}],\"isError\":false}}")
            .getBytes(UTF_8);
    private long id;

    @Benchmark
    public byte[] encodeToolsCall() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("name", "echo");
        params.put("arguments", Map.of("message", "hello"));
        return codec.write(JsonRpc.request(++id, "tools/call", params));
    }

    @Benchmark
    @SuppressWarnings("unchecked")
    public String decodeToolsCallResult() {
        Map<String, Object> message = (Map<String, Object>) codec.read(response, "response to tools/call");
        return CallToolResult.fromJson(JsonRpc.resultOrThrow(message)).text();
    }
}
