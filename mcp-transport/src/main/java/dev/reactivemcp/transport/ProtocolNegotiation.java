package dev.reactivemcp.transport;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link McpClient#connect()} picks the protocol version (spec 2026-07-28, basic/versioning, "Backward
 * Compatibility with Initialization-Based Versions").
 *
 * <pre>{@code
 * McpClient.builder(uri).negotiation(ProtocolNegotiation.auto());            // probe server/discover, fall back
 * McpClient.builder(uri).negotiation(ProtocolNegotiation.legacyOnly());      // initialize only
 * McpClient.builder(uri).negotiation(ProtocolNegotiation.pinned("2026-07-28"));
 * }</pre>
 *
 * <p>In {@code auto} mode a modern {@code server/discover} probe goes first; a non-modern 4xx answer (or a
 * JSON-RPC error that is not a modern one) falls back to {@code initialize}. 401, 403, 5xx and timeouts are
 * errors, never a verdict.
 */
public record ProtocolNegotiation(Mode mode, String version) {

    /** Versions this client speaks, newest first. */
    public static final List<String> SUPPORTED_VERSIONS = List.of("2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26");
    /** Modern versions this client speaks. */
    public static final List<String> MODERN_VERSIONS = List.of("2026-07-28");
    /** Legacy versions this client speaks. */
    public static final List<String> LEGACY_VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26");

    /** The negotiation modes. */
    public enum Mode {
        /** Probe the modern era first, fall back to {@code initialize}. */
        AUTO,
        /** Only {@code initialize}. */
        LEGACY_ONLY,
        /** Exactly one version, no fallback. */
        PINNED
    }

    /**
     * Validates the combination.
     *
     * @param mode    the negotiation mode; not {@code null}
     * @param version the version for {@link Mode#PINNED}, one of {@link #SUPPORTED_VERSIONS}; {@code null} for the
     *                other modes
     * @throws NullPointerException     when {@code mode} is {@code null}
     * @throws IllegalArgumentException when a pinned version is not supported, or another mode names a version
     */
    public ProtocolNegotiation {
        Objects.requireNonNull(mode, "mode");
        if (mode == Mode.PINNED && !SUPPORTED_VERSIONS.contains(version)) {
            throw new IllegalArgumentException("unsupported protocol version: " + version
                    + " (supported: " + SUPPORTED_VERSIONS + ")");
        }
        if (mode != Mode.PINNED && version != null) {
            throw new IllegalArgumentException("only a pinned negotiation names a version");
        }
    }

    /**
     * Probe modern first, fall back to legacy. The default.
     *
     * @return the {@link Mode#AUTO} negotiation
     */
    public static ProtocolNegotiation auto() {
        return new ProtocolNegotiation(Mode.AUTO, null);
    }

    /**
     * Legacy {@code initialize} only, offering the newest legacy version.
     *
     * @return the {@link Mode#LEGACY_ONLY} negotiation
     */
    public static ProtocolNegotiation legacyOnly() {
        return new ProtocolNegotiation(Mode.LEGACY_ONLY, null);
    }

    /**
     * Exactly {@code version}.
     *
     * @param version one of {@link #SUPPORTED_VERSIONS}, for example {@code "2026-07-28"}
     * @return the {@link Mode#PINNED} negotiation; a server that does not speak the version fails
     *         {@link McpClient#connect()}
     * @throws IllegalArgumentException when the version is not supported
     */
    public static ProtocolNegotiation pinned(String version) {
        return new ProtocolNegotiation(Mode.PINNED, version);
    }

    /**
     * The pinned version, if any.
     *
     * @return the version of a {@link Mode#PINNED} negotiation, else empty
     */
    public Optional<String> pinnedVersion() {
        return Optional.ofNullable(version);
    }
}
