package dev.reactivemcp.transport;

import dev.reactivemcp.transport.internal.Json;
import java.util.List;
import java.util.Map;

/**
 * The result of {@code tools/call} (MCP server/tools, "Tool Result"). A tool that fails (bad arguments, its own
 * exception) does not fail the call: it answers with {@link #isError()} {@code true} and the error text in its
 * content (MCP server/tools, "Error Handling"). Check it before using {@link #text()} as the tool's answer; only
 * protocol, transport and authentication failures arrive as error signals.
 *
 * <pre>{@code
 * client.callTool("echo", Map.of("message", "hi"))
 *     .flatMap(result -> result.isError()
 *         ? Mono.error(new IllegalStateException("echo failed: " + result.text()))   // your own type
 *         : Mono.just(result.text()));
 * }</pre>
 *
 * @param content           the content blocks as free-form JSON
 * @param structuredContent structured output, or null
 * @param isError           whether the tool reported an error
 * @param json              the whole result as sent
 */
public record CallToolResult(List<Map<String, Object>> content, Map<String, Object> structuredContent,
                             boolean isError, Map<String, Object> json) {

    /**
     * From wire JSON.
     *
     * @param json the {@code tools/call} result object; not {@code null}
     * @return the result; a missing {@code isError} reads as {@code false}, missing {@code content} as empty
     */
    public static CallToolResult fromJson(Map<String, Object> json) {
        return new CallToolResult(Json.objects(json, "content"), Json.object(json, "structuredContent"),
                Json.bool(json, "isError", false), json);
    }

    /**
     * The text of every {@code text} content block, joined with newlines.
     *
     * @return the text, empty when there is no text block; the error text when {@link #isError()}
     */
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
