package dev.reactivemcp.transport;

import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * Intercepts every HTTP exchange the client makes (POST, GET and DELETE to the MCP endpoint): the place to add
 * headers, observe statuses, and replay a request once, for example after refreshing a token. Same shape as
 * Spring WebFlux's filter, over this SDK's own immutable request and response types.
 *
 * <pre>{@code
 * ExchangeFilterFunction bearer = (request, next) ->
 *     next.exchange(request.withHeader("Authorization", "Bearer " + token));
 * McpClient client = McpClient.builder(uri).filter(bearer).build();
 * }</pre>
 *
 * <p>Contract: a filter calls {@code next} zero or more times; when it replays, it releases the body of the
 * response it drops ({@link McpHttpResponse#releaseBody()}) and should pass {@link McpHttpRequest#nextAttempt()}.
 * Non-2xx responses reach filters as responses, not errors.
 */
@FunctionalInterface
public interface ExchangeFilterFunction {

    /**
     * Handles {@code request}, delegating to {@code next} to continue the chain.
     *
     * @param request the request as the previous filter passed it on
     * @param next    the rest of the chain (further filters, then the HTTP exchange)
     * @return the response to hand back up the chain; a non-2xx status is a response, not an error
     */
    Mono<McpHttpResponse> filter(McpHttpRequest request, ExchangeFunction next);

    /**
     * A filter that runs this one first, then {@code after}, then whatever comes next.
     *
     * @param after the filter to run inside this one; not {@code null}
     * @return the combined filter
     * @throws NullPointerException when {@code after} is {@code null}
     */
    default ExchangeFilterFunction andThen(ExchangeFilterFunction after) {
        Objects.requireNonNull(after, "after");
        return (request, next) -> filter(request, r -> after.filter(r, next));
    }

    /**
     * This filter applied in front of {@code exchange}.
     *
     * @param exchange the exchange to wrap; not {@code null}
     * @return an exchange that runs this filter, then {@code exchange}
     * @throws NullPointerException when {@code exchange} is {@code null}
     */
    default ExchangeFunction apply(ExchangeFunction exchange) {
        Objects.requireNonNull(exchange, "exchange");
        return request -> filter(request, exchange);
    }
}
