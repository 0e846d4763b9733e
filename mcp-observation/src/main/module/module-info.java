/**
 * Micrometer observations of MCP clients: {@link dev.reactivemcp.observation.McpObservation} observes the calls and
 * handshakes of an {@code McpClient} and the token refreshes, logins and store failures of an {@code McpOAuth}.
 * The core modules know nothing of Micrometer: this module plugs into their public hooks.
 *
 * <pre>{@code
 * McpClient client = McpClient.builder(uri).callListener(McpObservation.calls(registry)).build();
 * McpObservation.credentials(oauth, registry).subscribe();
 * }</pre>
 */
module dev.reactivemcp.observation {
    requires transitive dev.reactivemcp.oauth;
    requires transitive micrometer.observation;
    requires transitive micrometer.commons;

    exports dev.reactivemcp.observation;
}
