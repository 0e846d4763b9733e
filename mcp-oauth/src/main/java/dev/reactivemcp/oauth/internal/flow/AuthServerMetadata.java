package dev.reactivemcp.oauth.internal.flow;

import java.util.List;

/**
 * The parts of authorization server metadata (RFC 8414 section 2) the flow uses; URLs already checked.
 *
 * @param issuer                       the validated issuer, byte-exact
 * @param authorizationEndpoint        {@code authorization_endpoint}
 * @param tokenEndpoint                {@code token_endpoint}
 * @param registrationEndpoint         {@code registration_endpoint}, or null
 * @param scopesSupported              {@code scopes_supported}, possibly empty
 * @param tokenEndpointAuthMethods     {@code token_endpoint_auth_methods_supported}, or null when absent
 * @param codeChallengeMethods         {@code code_challenge_methods_supported}, or null when absent
 * @param issParameterSupported        {@code authorization_response_iss_parameter_supported} (RFC 9207)
 * @param clientIdMetadataDocumentSupported {@code client_id_metadata_document_supported}
 * @param synthetic                    true for the 2025-03-26 default endpoints (no metadata document exists)
 * @param grantTypesSupported          {@code grant_types_supported}, or null when absent (then every grant is tried)
 * @param dpopSigningAlgs              {@code dpop_signing_alg_values_supported} (RFC 9449 section 5.1), or null when
 *                                     absent
 */
record AuthServerMetadata(String issuer, String authorizationEndpoint, String tokenEndpoint,
                          String registrationEndpoint, List<String> scopesSupported,
                          List<String> tokenEndpointAuthMethods, List<String> codeChallengeMethods,
                          boolean issParameterSupported, boolean clientIdMetadataDocumentSupported,
                          boolean synthetic, List<String> grantTypesSupported, List<String> dpopSigningAlgs) {

    AuthServerMetadata {
        grantTypesSupported = grantTypesSupported == null ? null : List.copyOf(grantTypesSupported);
        dpopSigningAlgs = dpopSigningAlgs == null ? null : List.copyOf(dpopSigningAlgs);
        scopesSupported = List.copyOf(scopesSupported);
        tokenEndpointAuthMethods = tokenEndpointAuthMethods == null ? null : List.copyOf(tokenEndpointAuthMethods);
        codeChallengeMethods = codeChallengeMethods == null ? null : List.copyOf(codeChallengeMethods);
    }

    /** Metadata that names no grant types and no DPoP algorithms. */
    AuthServerMetadata(String issuer, String authorizationEndpoint, String tokenEndpoint, String registrationEndpoint,
                       List<String> scopesSupported, List<String> tokenEndpointAuthMethods,
                       List<String> codeChallengeMethods, boolean issParameterSupported,
                       boolean clientIdMetadataDocumentSupported, boolean synthetic) {
        this(issuer, authorizationEndpoint, tokenEndpoint, registrationEndpoint, scopesSupported,
                tokenEndpointAuthMethods, codeChallengeMethods, issParameterSupported,
                clientIdMetadataDocumentSupported, synthetic, null, null);
    }

    /**
     * Fails typed, before any token request, when the server lists its grant types without {@code grantType}. An
     * absent list allows every grant: RFC 8414 section 2 reads it as {@code authorization_code} and
     * {@code implicit} only, but many servers that support more never publish it.
     */
    void requireGrant(String grantType) {
        if (grantTypesSupported != null && !grantTypesSupported.contains(grantType)) {
            throw FlowErrors.protocol("authorization server " + issuer + " does not support the " + grantType
                    + " grant (its grant_types_supported: " + grantTypesSupported + ")");
        }
    }

    /** The 2025-03-26 default endpoints at {@code origin}; PKCE S256 is assumed there. */
    static AuthServerMetadata defaults(String origin) {
        return new AuthServerMetadata(origin, origin + "/authorize", origin + "/token", origin + "/register",
                List.of(), null, List.of("S256"), false, false, true);
    }

    /** Whether PKCE with S256 may be used (MCP: refuse to proceed otherwise). */
    boolean supportsS256() {
        return codeChallengeMethods != null && codeChallengeMethods.contains("S256");
    }
}
