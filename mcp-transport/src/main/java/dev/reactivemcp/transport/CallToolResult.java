package dev.reactivemcp.transport;

import dev.reactivemcp.transport.internal.Json;
import java.util.List;
import java.util.Map;

/**
 * The result of {@code tools/call} (MCP server/tools, "Tool Result").
 *
 * <pre>{@code
 * client.callTool("echo", Map.of("message", "hi")).map(CallToolResult::text);
 * }</pre>
 *
 * @param content           the content blocks as free-form JSON
 * @param structuredContent structured output, or null
 * @param isError           whether the tool reported an error
 * @param json              the whole result as sent
 */
public record CallToolResult(List<Map<String, Object>> content, Map<String, Object> structuredContent,
                             boolean isError, Map<String, Object> json) {

    /** From wire JSON. */
    public static CallToolResult fromJson(Map<String, Object> json) {
        return new CallToolResult(Json.objects(json, "content"), Json.object(json, "structuredContent"),
                Json.bool(json, "isError", false), json);
    }

    /** The text of every {@code text} content block, joined with newlines. */
    public String text() {
        String single = null; // the common single text block is returned as is, without a builder
        StringBuilder sb = null;
        for (Map<String, Object> block : content) {
            if ("text".equals(block.get("type")) && block.get("text") instanceof String t) {
                if (single == null || (sb == null && single.isEmpty())) {
                    single = t; // nothing joined yet: no separator before the first non-empty text
                } else {
                    if (sb == null) {
                        sb = new StringBuilder(single.length() + t.length() + 16).append(single);
                    }
                    sb.append('\n').append(t);
                }
            }
        }
        return sb != null ? sb.toString() : single != null ? single : "";
    }
}
