package dev.reactivemcp.transport;

import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Answers a server's {@code sampling/createMessage} (MCP client/sampling) with a {@code CreateMessageResult} as
 * free-form JSON. Registering one declares the {@code sampling} capability.
 */
@FunctionalInterface
public interface SamplingHandler {
    /** Runs the model; must not block. */
    Mono<Map<String, Object>> createMessage(Map<String, Object> params);
}
