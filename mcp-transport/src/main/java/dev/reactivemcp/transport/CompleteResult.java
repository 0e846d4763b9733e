package dev.reactivemcp.transport;

import dev.reactivemcp.transport.internal.Json;
import java.util.List;
import java.util.Map;

/**
 * The result of {@code completion/complete} (MCP server/utilities/completion).
 *
 * @param values  the suggested values
 * @param total   the total number of matches, or null
 * @param hasMore whether more values exist
 */
public record CompleteResult(List<String> values, Integer total, boolean hasMore) {

    /**
     * From wire JSON.
     *
     * @param json the {@code completion/complete} result object; not {@code null}
     * @return the result; non-string values are dropped, a missing {@code hasMore} reads as {@code false}
     */
    public static CompleteResult fromJson(Map<String, Object> json) {
        Map<String, Object> c = Json.objectOrEmpty(json, "completion");
        List<String> values = Json.array(c, "values").stream()
                .filter(String.class::isInstance).map(String.class::cast).toList();
        Number total = Json.number(c, "total");
        return new CompleteResult(values, total == null ? null : total.intValue(), Json.bool(c, "hasMore", false));
    }
}
