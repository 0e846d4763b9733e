package dev.reactivemcp.benchmarks.jmh;

import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.internal.headers.Binding;
import dev.reactivemcp.transport.internal.headers.ModernRequestHeaders;
import dev.reactivemcp.transport.internal.headers.ParamHeaders;
import dev.reactivemcp.transport.internal.headers.StandardHeaders;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The 2026-07-28 request headers of one {@code tools/call}: {@code MCP-Protocol-Version}, {@code Mcp-Method},
 * {@code Mcp-Name} and two {@code Mcp-Param-*} headers (a string needing Base64 and an integer).
 * {@link #toolsCallHeaders} and {@link #toolsCallHeadersNoBindings} are what the modern lifecycle does per call
 * ({@link ModernRequestHeaders}, with the tool's plan made when it was listed); {@link #toolsCallHeadersPerCall}
 * works everything out per call from {@link StandardHeaders} and {@link ParamHeaders}, for comparison.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ModernHeadersBenchmark {

    private final List<Binding> bindings = List.of(
            new Binding("Region", List.of("region"), Binding.Type.STRING),
            new Binding("Limit", List.of("options", "limit"), Binding.Type.INTEGER));
    private final Map<String, Object> params = params();
    private final Map<String, Object> plainParams = Map.of("name", "echo", "arguments", Map.of("message", "hello"));
    private final ModernRequestHeaders planned = planned();

    private ModernRequestHeaders planned() {
        ModernRequestHeaders h = new ModernRequestHeaders();
        h.addTools(Map.of("search", bindings, "echo", List.of()));
        return h;
    }

    private static Map<String, Object> params() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("region", "eu-west-1 ünïcode");
        args.put("options", Map.of("limit", 25));
        args.put("query", "select everything");
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", "search");
        p.put("arguments", args);
        return p;
    }

    private final Map<String, Object> otherParams = otherParams();
    private boolean flip;

    private Map<String, Object> otherParams() {
        Map<String, Object> p = params();
        @SuppressWarnings("unchecked")
        Map<String, Object> args = (Map<String, Object>) p.get("arguments");
        args.put("region", "us-east-2 ünïcode");
        return p;
    }

    /** A tool with two bindings, both present in the arguments, with the same values as the call before. */
    @Benchmark
    public Headers toolsCallHeaders() {
        return planned.headers("2026-07-28", "tools/call", params);
    }

    /** As {@link #toolsCallHeaders}, but each call's values differ from the call before (nothing to reuse). */
    @Benchmark
    public Headers toolsCallHeadersNewValues() {
        flip = !flip;
        return planned.headers("2026-07-28", "tools/call", flip ? params : otherParams);
    }

    /** A tool without {@code x-mcp-header} bindings: the common case. */
    @Benchmark
    public Headers toolsCallHeadersNoBindings() {
        return planned.headers("2026-07-28", "tools/call", plainParams);
    }

    @Benchmark
    @SuppressWarnings("unchecked")
    public Headers toolsCallHeadersPerCall() {
        Headers h = Headers.empty().with("MCP-Protocol-Version", "2026-07-28");
        for (Map.Entry<String, String> e : StandardHeaders.standardHeaders("tools/call", params).entrySet()) {
            h = h.with(e.getKey(), e.getValue());
        }
        Map<String, Object> args = (Map<String, Object>) params.get("arguments");
        for (Map.Entry<String, String> e : ParamHeaders.paramHeaders(bindings, args).entrySet()) {
            h = h.with(e.getKey(), e.getValue());
        }
        return h;
    }
}
