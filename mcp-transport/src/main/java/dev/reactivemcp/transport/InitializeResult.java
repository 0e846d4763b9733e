package dev.reactivemcp.transport;

import dev.reactivemcp.transport.internal.CompactJson;
import java.util.Map;

/**
 * What {@link McpClient#connect()} learnt about the server: in the legacy era the {@code initialize} result, in
 * the modern era one built from the {@code server/discover} result (server info from result {@code _meta}
 * {@code io.modelcontextprotocol/serverInfo}, else the top level; it may be absent).
 *
 * <pre>{@code
 * client.connect().map(InitializeResult::protocolVersion).subscribe(System.out::println);
 * }</pre>
 *
 * @param protocolVersion the negotiated version
 * @param era             the era of that version
 * @param capabilities    the server capabilities as free-form JSON
 * @param serverInfo      the server's self-description, or null when it sent none
 * @param instructions    the server's instructions, or null
 * @param meta            the result's {@code _meta}, possibly empty
 */
public record InitializeResult(String protocolVersion, ProtocolEra era, Map<String, Object> capabilities,
                               Implementation serverInfo, String instructions, Map<String, Object> meta) {

    /**
     * Makes the maps unmodifiable.
     *
     * @param protocolVersion the negotiated version, for example {@code "2025-11-25"}
     * @param era             the era of that version
     * @param capabilities    the server capabilities, or {@code null} for none; wrapped, not copied
     * @param serverInfo      the server's self-description, or {@code null}
     * @param instructions    the server's instructions, or {@code null}
     * @param meta            the result's {@code _meta}, or {@code null} for empty; wrapped, not copied
     */
    public InitializeResult {
        capabilities = capabilities == null ? Map.of() : CompactJson.readOnly(capabilities);
        meta = meta == null ? Map.of() : CompactJson.readOnly(meta);
    }

    /**
     * Whether the server declared capability {@code name} (e.g. {@code tools}).
     *
     * @param name a top-level capability name such as {@code tools}, {@code resources}, {@code prompts} or
     *             {@code logging}
     * @return whether the server's capabilities hold that key
     */
    public boolean hasCapability(String name) {
        return capabilities.containsKey(name);
    }
}
