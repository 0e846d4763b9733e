package dev.reactivemcp.oauth.internal.dpop;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.transport.ExchangeFilterFunction;
import dev.reactivemcp.transport.ExchangeFunction;
import dev.reactivemcp.transport.McpHttpRequest;
import dev.reactivemcp.transport.McpHttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Puts a fresh proof on each request it applies to, remembers every {@code DPoP-Nonce} answered, and re-sends a
 * request once, with a new proof carrying the new nonce, when the server demands one ({@link DpopNonceRetry}).
 * Other requests pass through untouched (their nonces are still remembered).
 */
final class DpopFilter implements ExchangeFilterFunction {

    /** The most of a token-endpoint 400 body read to look for {@code use_dpop_nonce}; the rest is cut. */
    static final int MAX_ERROR_BODY = 64 * 1024;

    private final DpopRequests dpop;
    private final DpopTarget target;
    private final Predicate<McpHttpRequest> applies;

    DpopFilter(DpopRequests dpop, DpopTarget target, Predicate<McpHttpRequest> applies) {
        this.dpop = dpop;
        this.target = target;
        this.applies = applies;
    }

    @Override
    public Mono<McpHttpResponse> filter(McpHttpRequest request, ExchangeFunction next) {
        if (!applies.test(request)) {
            return next.exchange(request).doOnNext(r -> dpop.nonces().observe(target, request.uri(), r.headers()));
        }
        return attempt(request, next, 0);
    }

    private Mono<McpHttpResponse> attempt(McpHttpRequest request, ExchangeFunction next, int nonceRetries) {
        return Mono.defer(() -> next.exchange(dpop.prepare(target, request, DpopRequests.dpopToken(request))))
                .flatMap(response -> {
                    dpop.nonces().observe(target, request.uri(), response.headers());
                    if (!DpopNonceRetry.needsBody(target, response.status(), response.headers())) {
                        return decide(request, next, nonceRetries, response, null);
                    }
                    return response.bodyPrefix(MAX_ERROR_BODY).flatMap(body -> decide(request, next, nonceRetries,
                            rebuilt(response, body), new String(body, StandardCharsets.UTF_8)));
                });
    }

    private Mono<McpHttpResponse> decide(McpHttpRequest request, ExchangeFunction next, int nonceRetries,
                                         McpHttpResponse response, String body) {
        DpopNonceRetry.Decision decision;
        try {
            decision = DpopNonceRetry.decide(target, response.status(), response.headers(), body, nonceRetries);
        } catch (McpException e) {
            return response.releaseBody().then(Mono.error(e));
        }
        if (decision == DpopNonceRetry.Decision.USE_RESPONSE) {
            return Mono.just(response);
        }
        return response.releaseBody().then(attempt(request.nextAttempt(), next, nonceRetries + 1));
    }

    /** The response again with its (already read) body, remembering the request it answers. */
    private static McpHttpResponse rebuilt(McpHttpResponse response, byte[] body) {
        return response.request()
                .map(sent -> McpHttpResponse.streaming(sent, response.status(), response.headers(),
                        () -> body.length == 0 ? Flux.<byte[]>empty() : Flux.just(body), Mono::empty))
                .orElseGet(() -> McpHttpResponse.of(response.status(), response.headers(), body));
    }

    @Override
    public String toString() {
        return "DpopFilter[" + target + "]";
    }
}
