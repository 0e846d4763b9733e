package dev.reactivemcp.spring.webflux;

import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.spring.webflux.internal.SpringExchange;
import java.net.URI;
import java.util.Objects;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;

/**
 * The token filter of an {@link McpOAuth} as Spring's {@link ExchangeFilterFunction}, for a {@code WebClient} that
 * calls the server protecting an MCP endpoint (its REST API, say) with the same credentials. It is the same engine
 * as the {@code McpClient}'s filter ({@link McpOAuth#resourceFilterFor}): the same owner of each call (from the
 * Reactor context, or the configured resolver, e.g. {@link SpringSecurityOwners#principalName()}), the same cached
 * token, one refresh for both clients, DPoP proofs for each request's method and URI when configured. A 401 for the
 * token sent is renewed once and the request replayed once (its body inserter is run again, so send a value, not a
 * one-shot stream); if that fails too the request fails with {@code McpException}
 * ({@code McpFailure.AuthenticationRequired}, test with {@code McpFailures::isAuthenticationRequired}) or
 * {@code AuthorizationRequiredException} (service login), never loops. A request that already has an
 * {@code Authorization} header passes untouched. Spec: RFC 6750 sections 2.1 and 3.1, RFC 9449, MCP authorization.
 *
 * <pre>{@code
 * URI mcp = URI.create("https://mcp.example.com/mcp");
 * McpClient client = McpClient.builder(mcp).filter(oauth.filterFor(mcp)).build();
 * WebClient web = WebClient.builder().baseUrl("https://mcp.example.com")
 *     .filter(McpOAuthExchangeFilter.of(oauth, mcp))
 *     .build();
 * web.get().uri("/api/reports").retrieve().bodyToMono(String.class);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class McpOAuthExchangeFilter implements ExchangeFilterFunction {

    private final dev.reactivemcp.transport.ExchangeFilterFunction tokens;
    private final URI mcpEndpoint;

    private McpOAuthExchangeFilter(dev.reactivemcp.transport.ExchangeFilterFunction tokens, URI mcpEndpoint) {
        this.tokens = tokens;
        this.mcpEndpoint = mcpEndpoint;
    }

    /**
     * The filter authorizing requests with the credentials {@code oauth} keeps for {@code mcpEndpoint}.
     *
     * @param oauth       the OAuth engine, shared with the {@code McpClient} of {@code mcpEndpoint}
     * @param mcpEndpoint the MCP endpoint whose credentials to use, exactly as the {@code McpClient} connects to it
     * @return the filter to add with {@code WebClient.Builder.filter}
     * @throws NullPointerException when {@code oauth} or {@code mcpEndpoint} is {@code null}
     */
    public static McpOAuthExchangeFilter of(McpOAuth oauth, URI mcpEndpoint) {
        Objects.requireNonNull(oauth, "oauth");
        Objects.requireNonNull(mcpEndpoint, "mcpEndpoint");
        return new McpOAuthExchangeFilter(oauth.resourceFilterFor(mcpEndpoint), mcpEndpoint);
    }

    /**
     * Sends {@code request} through the token engine: with the owner's token, renewed and replayed once on a 401.
     *
     * @param request the request as built by the {@code WebClient}
     * @param next    the rest of the chain, ending in the HTTP connector
     * @return the response the caller sees: the answer to the last attempt
     */
    @Override
    public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
        SpringExchange exchange = new SpringExchange(request, next);
        return tokens.filter(exchange.request(), exchange::send).map(exchange::delivered);
    }

    /**
     * The endpoint's scheme, host, port and path: never a token, user info or query.
     *
     * @return a description naming the MCP endpoint whose credentials this filter uses
     */
    @Override
    public String toString() {
        return "McpOAuthExchangeFilter[" + mcpEndpoint.getScheme() + "://" + mcpEndpoint.getHost()
                + (mcpEndpoint.getPort() < 0 ? "" : ":" + mcpEndpoint.getPort()) + mcpEndpoint.getRawPath() + "]";
    }
}
