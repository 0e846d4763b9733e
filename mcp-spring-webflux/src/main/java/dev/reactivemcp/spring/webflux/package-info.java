/**
 * MCP OAuth for Spring WebFlux: the token filter on a {@code WebClient} ({@link McpOAuthExchangeFilter}), the owner
 * of a call from Spring Security's reactive security context ({@link SpringSecurityOwners}), and (through
 * {@code ServiceLoader}, nothing to call) the classification of Spring's {@code WebClientResponseException}.
 *
 * <pre>{@code
 * McpOAuth oauth = McpOAuth.builder().ownerResolver(SpringSecurityOwners.principalName()).build();
 * WebClient web = WebClient.builder().filter(McpOAuthExchangeFilter.of(oauth, mcpEndpoint)).build();
 * }</pre>
 */
package dev.reactivemcp.spring.webflux;
