package dev.reactivemcp.transport;

import reactor.core.publisher.Mono;

/**
 * Executes one HTTP exchange: the next step of a filter chain, ending in the HTTP client.
 * The returned {@code Mono} is cold; cancelling it aborts the exchange.
 */
@FunctionalInterface
public interface ExchangeFunction {

    /**
     * Sends {@code request} and emits the response once its status and headers have arrived.
     *
     * @param request the request to send
     * @return the response, its body not yet read (consume or release it); any status is a response. Fails with
     *         an {@code McpException} when no response arrives (connection failure, timeout)
     */
    Mono<McpHttpResponse> exchange(McpHttpRequest request);
}
