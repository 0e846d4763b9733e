package dev.reactivemcp.transport;

import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Answers a server's {@code sampling/createMessage} (MCP client/sampling) with a {@code CreateMessageResult} as
 * free-form JSON. Registering one declares the {@code sampling} capability.
 */
@FunctionalInterface
public interface SamplingHandler {
    /**
     * Runs the model; must not block.
     *
     * @param params the request's params ({@code messages}, {@code maxTokens}, {@code modelPreferences}, ...) as
     *               free-form JSON
     * @return the {@code CreateMessageResult} ({@code role}, {@code content}, {@code model}, {@code stopReason}).
     *         An error is answered to a legacy server as a JSON-RPC internal error (without its message); in the
     *         2026-07-28 era it fails the call that needed the input
     */
    Mono<Map<String, Object>> createMessage(Map<String, Object> params);
}
