/**
 * MCP OAuth for Spring WebFlux: {@link dev.reactivemcp.spring.webflux.McpOAuthExchangeFilter} puts the token engine
 * of an {@code McpOAuth} on a Spring {@code WebClient} (one refresh serves the {@code McpClient} and the
 * {@code WebClient}); {@link dev.reactivemcp.spring.webflux.SpringSecurityOwners} names the owner of each call from
 * Spring Security's reactive security context; a shipped {@code ForeignPayloadReader} lets the classifier read
 * Spring's {@code WebClientResponseException}. Spring is not brought in: the application supplies it.
 *
 * <pre>{@code
 * WebClient web = WebClient.builder().filter(McpOAuthExchangeFilter.of(oauth, mcpEndpoint)).build();
 * }</pre>
 */
module dev.reactivemcp.spring.webflux {
    requires transitive dev.reactivemcp.oauth;
    requires transitive dev.reactivemcp.errors;
    requires transitive reactor.core;
    requires static spring.webflux;
    requires static spring.web;
    requires static spring.core;
    requires static spring.security.core;

    exports dev.reactivemcp.spring.webflux;

    provides dev.reactivemcp.errors.ForeignPayloadReader
            with dev.reactivemcp.spring.webflux.internal.WebClientPayloadReader;
}
