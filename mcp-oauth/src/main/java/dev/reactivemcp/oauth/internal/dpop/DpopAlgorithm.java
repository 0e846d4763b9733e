package dev.reactivemcp.oauth.internal.dpop;

import com.nimbusds.jose.JWSAlgorithm;
import dev.reactivemcp.errors.WwwAuthenticate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The proof signing algorithms this client can use (RFC 9449 section 4.2: asymmetric only). ES256 is the default:
 * the smallest keys and proofs, and the one every DPoP server must accept in practice (MCP SEP-1932).
 */
public enum DpopAlgorithm {
    /** ECDSA with P-256 and SHA-256 (RFC 7518 section 3.4). */
    ES256(JWSAlgorithm.ES256),
    /** RSASSA-PKCS1-v1_5 with SHA-256, 2048-bit keys (RFC 7518 section 3.3). */
    RS256(JWSAlgorithm.RS256),
    /** RSASSA-PSS with SHA-256, 2048-bit keys (RFC 7518 section 3.5). */
    PS256(JWSAlgorithm.PS256);

    private final JWSAlgorithm jws;

    DpopAlgorithm(JWSAlgorithm jws) {
        this.jws = jws;
    }

    JWSAlgorithm jws() {
        return jws;
    }

    /** Whether the key type is RSA. */
    boolean isRsa() {
        return this != ES256;
    }

    /** The algorithm named {@code name} (exact JOSE spelling), if this client supports it. */
    public static Optional<DpopAlgorithm> named(String name) {
        for (DpopAlgorithm a : values()) {
            if (a.name().equals(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /**
     * The algorithm to use with a server that advertises {@code serverAlgs} (authorization server metadata
     * {@code dpop_signing_alg_values_supported}, RFC 9449 section 5.1, or a challenge's {@code algs}, section 7.1):
     * {@code preferred} when the server lists nothing or lists it, else ES256 when listed, else the first listed one
     * this client supports, else empty (no common algorithm: DPoP cannot be used with that server).
     */
    public static Optional<DpopAlgorithm> negotiate(DpopAlgorithm preferred, List<String> serverAlgs) {
        if (serverAlgs == null || serverAlgs.isEmpty() || serverAlgs.contains(preferred.name())) {
            return Optional.of(preferred);
        }
        if (serverAlgs.contains(ES256.name())) {
            return Optional.of(ES256);
        }
        return serverAlgs.stream().map(DpopAlgorithm::named).flatMap(Optional::stream).findFirst();
    }

    /** The {@code algs} of the {@code DPoP} challenge (RFC 9449 section 7.1), split on spaces; empty when absent. */
    public static List<String> advertisedBy(WwwAuthenticate challenges) {
        return challenges.find("DPoP").flatMap(c -> c.param("algs"))
                .map(algs -> Arrays.stream(algs.split(" ")).filter(a -> !a.isEmpty()).toList())
                .orElse(List.of());
    }
}
