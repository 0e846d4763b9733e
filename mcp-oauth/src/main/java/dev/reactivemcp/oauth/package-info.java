/**
 * OAuth for MCP clients: {@link dev.reactivemcp.oauth.McpOAuth} is the entry point. It builds the token filter an
 * {@code McpClient} runs every exchange through, tells the {@link dev.reactivemcp.oauth.AuthState} of an endpoint,
 * and turns a failed connect into the startup reason a product shows its user.
 *
 * <ul>
 *   <li>Login, user present: an {@link dev.reactivemcp.oauth.AuthorizationCodeSource} (loopback listener, paste-back,
 *       headless) runs the user-agent step of the authorization code flow with PKCE (RFC 6749 section 4.1,
 *       RFC 7636, RFC 8252);</li>
 *   <li>no user: {@link dev.reactivemcp.oauth.ClientCredentials} (RFC 6749 section 4.4, with
 *       {@link dev.reactivemcp.oauth.ClientAssertionKey} for {@code private_key_jwt}),
 *       {@link dev.reactivemcp.oauth.WorkloadIdentity} (RFC 7523 JWT bearer) and
 *       {@link dev.reactivemcp.oauth.EnterpriseAuthorization} (ID-JAG); your own grant as a
 *       {@link dev.reactivemcp.oauth.TokenProvider};</li>
 *   <li>storage: a {@link dev.reactivemcp.oauth.TokenStore} ({@link dev.reactivemcp.oauth.FileTokenStore},
 *       {@link dev.reactivemcp.oauth.InMemoryTokenStore}, or your own) keeps
 *       {@link dev.reactivemcp.oauth.StoredCredentials} under a {@link dev.reactivemcp.oauth.CredentialKey};</li>
 *   <li>sender-constrained tokens: {@link dev.reactivemcp.oauth.Dpop} (RFC 9449).</li>
 * </ul>
 *
 * <pre>{@code
 * McpOAuth oauth = McpOAuth.builder()
 *     .tokenStore(FileTokenStore.at(Path.of(home, ".myapp", "mcp-tokens.json")))
 *     .codeSource(AuthorizationCodeSource.loopback(url -> Desktop.getDesktop().browse(url)))
 *     .build();
 * McpClient client = McpClient.builder(uri).filter(oauth.filterFor(uri)).build();
 * }</pre>
 *
 * <p>Specifications: MCP authorization (2025-06-18, 2025-11-25, 2026-07-28); RFC 9728 (protected resource
 * metadata), RFC 8414 (authorization server metadata), RFC 7591 (dynamic registration), RFC 6749 and RFC 6750.
 * Everything under {@code dev.reactivemcp.oauth.internal} is implementation: not exported by the module, not
 * documented here, and free to change.
 */
package dev.reactivemcp.oauth;
