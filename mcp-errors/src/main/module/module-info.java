/**
 * The failure vocabulary of the reactive MCP client and its classifier: {@link dev.reactivemcp.errors.McpFailure}
 * (what went wrong, as a value), {@link dev.reactivemcp.errors.McpFailures} (classification of any exception chain,
 * usable as Reactor predicates) and {@link dev.reactivemcp.errors.StartupFailureReason}.
 *
 * <pre>{@code
 * client.connect().onErrorResume(McpFailures::isAuthenticationRequired, e -> login().then(client.connect()));
 * }</pre>
 *
 * <p>Readers for another HTTP client's exceptions are found with {@link java.util.ServiceLoader}
 * ({@code provides dev.reactivemcp.errors.ForeignPayloadReader with ...}).
 */
module dev.reactivemcp.errors {
    requires transitive reactor.core;
    requires transitive org.reactivestreams;

    exports dev.reactivemcp.errors;

    uses dev.reactivemcp.errors.ForeignPayloadReader;
}
