package dev.reactivemcp.transport;

/**
 * The two protocol eras of MCP (spec 2026-07-28, basic/versioning): {@link #LEGACY} revisions open a session with
 * {@code initialize} (2025-03-26, 2025-06-18, 2025-11-25); {@link #MODERN} revisions (2026-07-28 and later) are
 * stateless and carry version and capabilities in every request's {@code _meta}.
 */
public enum ProtocolEra {
    /** Initialization-based: {@code initialize}, {@code Mcp-Session-Id}, resumable SSE. */
    LEGACY,
    /** Stateless: {@code server/discover}, per-request {@code _meta}, standard headers, MRTR. */
    MODERN;

    /**
     * The era a protocol version string belongs to ({@code >= 2026-07-28} is modern).
     *
     * @param protocolVersion a version in {@code YYYY-MM-DD} form; not {@code null}
     * @return {@link #MODERN} for 2026-07-28 and later, else {@link #LEGACY}
     * @throws NullPointerException when {@code protocolVersion} is {@code null}
     */
    public static ProtocolEra of(String protocolVersion) {
        return protocolVersion.compareTo("2026-07-28") >= 0 ? MODERN : LEGACY;
    }
}
