package dev.reactivemcp.oauth.internal.filter;

import dev.reactivemcp.transport.ExchangeFilterFunction;
import dev.reactivemcp.transport.ExchangeFunction;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.McpHttpResponse;
import reactor.core.publisher.Mono;

/** Sends a configured {@code Authorization} value (static bearer token); never refreshes. */
final class StaticAuthorizationFilter implements ExchangeFilterFunction {

    private final String authorization;

    StaticAuthorizationFilter(String authorization) {
        this.authorization = authorization;
    }

    @Override
    public Mono<McpHttpResponse> filter(McpHttpRequest request, ExchangeFunction next) {
        return next.exchange(request.carriesCredentials() ? request : request.withHeader("Authorization", authorization));
    }

    @Override
    public String toString() {
        return "StaticAuthorizationFilter[<redacted>]";
    }
}
