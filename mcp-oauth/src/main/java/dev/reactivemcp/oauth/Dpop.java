package dev.reactivemcp.oauth;

import java.util.Objects;
import java.util.Set;

/**
 * DPoP (RFC 9449): sender-constrained tokens. With DPoP on, the client holds a key pair per credential (generated
 * at login, persisted with the tokens it binds), proves possession of it with a fresh signed proof on every token
 * request and every MCP request, and presents tokens as {@code Authorization: DPoP <token>}. Server nonces
 * (sections 8 and 9) are handled: the request is re-sent once with a new proof.
 *
 * <pre>{@code
 * McpOAuth oauth = McpOAuth.builder().clientCredentials(credentials).dpop(Dpop.es256()).build();
 * Dpop rsa = Dpop.withAlgorithm("PS256"); // or RS256
 * }</pre>
 *
 * <p>Configured with {@code McpOAuth.Builder.dpop}. Without it, DPoP is still used (ES256) with an MCP server whose
 * challenge offers only the {@code DPoP} scheme, and for stored credentials that carry a key.
 *
 * @param algorithm the JWS algorithm of the proofs: {@code ES256} (default), {@code RS256} or {@code PS256}; when the
 *                  authorization server lists {@code dpop_signing_alg_values_supported} (RFC 9449 section 5.1)
 *                  without it, ES256 is used if listed, else the first listed one of these; a server that lists none
 *                  of these fails the token request, typed, before it is sent
 */
public record Dpop(String algorithm) {

    private static final Set<String> SUPPORTED = Set.of("ES256", "RS256", "PS256");

    /**
     * Validates the algorithm.
     *
     * @param algorithm {@code ES256}, {@code RS256} or {@code PS256}
     * @throws IllegalArgumentException when {@code algorithm} is another one
     * @throws NullPointerException     when {@code algorithm} is {@code null}
     */
    public Dpop {
        Objects.requireNonNull(algorithm, "algorithm");
        if (!SUPPORTED.contains(algorithm)) {
            throw new IllegalArgumentException("DPoP algorithm must be ES256, RS256 or PS256, not " + algorithm);
        }
    }

    /**
     * DPoP with ES256 proofs (ECDSA P-256), the default.
     *
     * @return the setting
     */
    public static Dpop es256() {
        return new Dpop("ES256");
    }

    /**
     * DPoP with proofs signed by {@code algorithm}: {@code ES256}, {@code RS256} or {@code PS256}.
     *
     * @param algorithm the JWS algorithm of the proofs
     * @return the setting
     * @throws IllegalArgumentException when {@code algorithm} is another one
     * @throws NullPointerException     when {@code algorithm} is {@code null}
     */
    public static Dpop withAlgorithm(String algorithm) {
        return new Dpop(algorithm);
    }
}
