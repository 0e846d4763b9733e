package dev.reactivemcp.transport.internal.headers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies the {@code x-mcp-header} MUST to a {@code tools/list} result on Streamable HTTP: tools whose annotations
 * break a constraint are left out, each with a reason the caller logs at WARN; the others are kept as they came.
 */
public final class ToolListFilter {

    /** A tool left out, with a one-line reason naming it and the rule it breaks. */
    public record Rejected(String toolName, String reason) { }

    /**
     * The outcome: {@code tools} are the kept tool objects (same instances, same order); {@code bindingsByTool}
     * has an entry, possibly empty, for every kept tool with a string {@code name} (a later duplicate name wins).
     */
    public record Result(List<Map<String, Object>> tools, List<Rejected> rejected,
                         Map<String, List<Binding>> bindingsByTool) {
        public Result {
            tools = Collections.unmodifiableList(new ArrayList<>(tools));
            rejected = List.copyOf(rejected);
            bindingsByTool = Collections.unmodifiableMap(new LinkedHashMap<>(bindingsByTool));
        }
    }

    private ToolListFilter() {
    }

    /**
     * Filters the {@code tools} array of a {@code tools/list} result. A value that is not an array gives an empty
     * result; an entry that is not an object is rejected (it cannot be a tool). Never throws.
     */
    public static Result filter(Object tools) {
        List<Map<String, Object>> kept = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        Map<String, List<Binding>> bindings = new LinkedHashMap<>();
        if (!(tools instanceof List<?> entries)) {
            return new Result(kept, rejected, bindings);
        }
        for (Object entry : entries) {
            if (!(entry instanceof Map<?, ?> tool)) {
                rejected.add(new Rejected(null, "tools/list entry rejected: not a JSON object"));
                continue;
            }
            String name = tool.get("name") instanceof String s ? s : null;
            ToolHeaderBindings outcome = ToolHeaderBindings.of(name, tool.get("inputSchema"));
            if (outcome instanceof ToolHeaderBindings.Invalid invalid) {
                rejected.add(new Rejected(name, invalid.reason()));
                continue;
            }
            kept.add(asJsonObject(tool));
            if (name != null) {
                bindings.put(name, ((ToolHeaderBindings.Valid) outcome).bindings());
            }
        }
        return new Result(kept, rejected, bindings);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asJsonObject(Map<?, ?> tool) {
        return (Map<String, Object>) tool;
    }
}
