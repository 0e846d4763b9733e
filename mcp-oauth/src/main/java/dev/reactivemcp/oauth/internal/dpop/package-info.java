/**
 * DPoP (RFC 9449) as a proof layer any grant can use; not API. Self-contained: the token engine wires it in.
 *
 * <ul>
 *   <li>{@link dev.reactivemcp.oauth.internal.dpop.DpopKey}: the key pair of one credential (ES256 default, RS256,
 *       PS256), its RFC 7638 thumbprint and its persisted form (a private JWK with {@code alg}).</li>
 *   <li>{@link dev.reactivemcp.oauth.internal.dpop.DpopProofs}: a fresh proof per request ({@code jti}, {@code htm},
 *       {@code htu} per {@link dev.reactivemcp.oauth.internal.dpop.Htu}, {@code iat} from the clock, {@code ath},
 *       {@code nonce}).</li>
 *   <li>{@link dev.reactivemcp.oauth.internal.dpop.DpopNonces}: the last nonce per target and origin.</li>
 *   <li>{@link dev.reactivemcp.oauth.internal.dpop.DpopNonceRetry}: recognises {@code use_dpop_nonce} (token endpoint:
 *       400 JSON; resource: 401 {@code DPoP} challenge) and decides one retry, never two.</li>
 *   <li>{@link dev.reactivemcp.oauth.internal.dpop.DpopRequests}: the headers for one request, and two filters
 *       (token endpoint: proofs on form POSTs; resource: proofs on requests carrying {@code Authorization: DPoP}).</li>
 *   <li>{@link dev.reactivemcp.oauth.internal.dpop.DpopBinding}: a token response's {@code cnf.jkt} against the key.</li>
 *   <li>{@link dev.reactivemcp.oauth.internal.dpop.DpopLayer}: the wiring into one {@code McpOAuth}: the provider chain
 *       wrapped (key per credential, proofs on token requests through the subscriber context, key returned with the
 *       tokens for the store), the token endpoint filter, and the MCP request side.</li>
 * </ul>
 *
 * <p>Wiring, per credential key: {@code DpopKey} from the stored credentials (else generated before the first token
 * request and stored with the tokens it binds, in the same store write); {@code DpopRequests} over it; the flow's
 * HTTP through {@code tokenEndpointFilter().apply(exchange)}; the token filter sets {@code Authorization: DPoP <token>}
 * when the stored token type is {@code DPoP} and the MCP chain continues with {@code resourceFilter()}.
 */
package dev.reactivemcp.oauth.internal.dpop;
