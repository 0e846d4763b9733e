package dev.reactivemcp.oauth.internal.flow;

import reactor.core.publisher.Mono;

/** How a metadata probe is read: found (2xx), absent (try the next URL), or an error that stops discovery. */
final class Discovery {

    private Discovery() { }

    /**
     * Emits the response when it is a success, completes empty when the document is absent there (404 and any
     * other 3xx/4xx), and fails on 408, 429 and 5xx: an overloaded server is not a server without metadata.
     */
    static Mono<FlowHttp.Response> found(FlowHttp.Response response, String what) {
        int status = response.status();
        if (response.isSuccess()) {
            return Mono.just(response);
        }
        if (status == 408 || status == 429 || status >= 500) {
            return Mono.error(FlowErrors.httpStatus(what + " at " + response.url(), response));
        }
        return Mono.empty();
    }
}
