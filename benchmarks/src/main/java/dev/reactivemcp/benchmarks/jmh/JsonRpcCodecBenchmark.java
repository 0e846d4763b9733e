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

    /** The client's 2026-07-28 {@code _meta} (version, capabilities, client info), as a modern request carries it. */
    private final Map<String, Object> meta = Map.of(
            "io.modelcontextprotocol/protocolVersion", "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities", Map.of(),
            "io.modelcontextprotocol/clientInfo", Map.of("name", "reactivemcp-bench", "version", "0.1.0"));
    private final Object encodedMeta = codec.encodeOnce(meta);

    /** A 2026-07-28 {@code tools/call} as it was encoded per call: the {@code _meta} maps and the message map. */
    @Benchmark
    public byte[] encodeModernToolsCallFromMaps() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("name", "echo");
        params.put("arguments", Map.of("message", "hello"));
        params.put("_meta", meta);
        return codec.write(JsonRpc.request(++id, "tools/call", params));
    }

    /** The same bytes as the transport writes them now: the {@code _meta} encoded once, no message map. */
    @Benchmark
    public byte[] encodeModernToolsCall() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("name", "echo");
        params.put("arguments", Map.of("message", "hello"));
        params.put("_meta", encodedMeta);
        return codec.writeRequest(++id, "tools/call", params);
    }

    @Benchmark
    @SuppressWarnings("unchecked")
    public String decodeToolsCallResult() {
        Map<String, Object> message = (Map<String, Object>) codec.read(response, "response to tools/call");
        return CallToolResult.fromJson(JsonRpc.resultOrThrow(message)).text();
    }
}
