package dev.reactivemcp.transport;

import reactor.core.publisher.Mono;

/**
 * Answers a server's elicitation (MCP client/elicitation). Registering one declares the {@code elicitation}
 * capability. In the legacy era it answers {@code elicitation/create} requests; in the modern era it fulfils
 * {@code inputRequests} of an {@code input_required} result.
 */
@FunctionalInterface
public interface ElicitationHandler {
    /** Asks the user; must not block. */
    Mono<ElicitResult> elicit(ElicitRequest request);
}
