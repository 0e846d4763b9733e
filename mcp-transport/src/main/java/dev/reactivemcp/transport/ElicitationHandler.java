package dev.reactivemcp.transport;

import reactor.core.publisher.Mono;

/**
 * Answers a server's elicitation (MCP client/elicitation). Registering one declares the {@code elicitation}
 * capability. In the legacy era it answers {@code elicitation/create} requests; in the modern era it fulfils
 * {@code inputRequests} of an {@code input_required} result.
 */
@FunctionalInterface
public interface ElicitationHandler {
    /**
     * Asks the user; must not block.
     *
     * @param request what the server asks for: a message and a form schema, or a URL
     * @return the user's answer ({@code accept}, {@code decline} or {@code cancel}); empty means {@code cancel}.
     *         An error is answered to a legacy server as a JSON-RPC internal error (without its message); in the
     *         2026-07-28 era it fails the call that needed the input
     */
    Mono<ElicitResult> elicit(ElicitRequest request);
}
