package dev.reactivemcp.oauth.internal.dpop;

/** Who receives a proof: nonces are remembered per target and origin (RFC 9449 sections 8 and 9). */
public enum DpopTarget {
    /** The authorization server's token endpoint (section 5); nonce challenges are HTTP 400 JSON errors. */
    AUTHORIZATION_SERVER,
    /** The protected resource, the MCP server (section 7); nonce challenges are 401 with a DPoP challenge. */
    RESOURCE_SERVER
}
