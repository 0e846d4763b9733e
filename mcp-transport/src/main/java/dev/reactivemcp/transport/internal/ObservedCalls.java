package dev.reactivemcp.transport.internal;

import dev.reactivemcp.transport.McpCallListener;
import dev.reactivemcp.transport.McpCallListener.Call;
import dev.reactivemcp.transport.McpCallListener.Ending;
import dev.reactivemcp.transport.ProtocolEra;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Runs a handshake or call under an {@link McpCallListener}: started on subscription (with the subscriber's
 * context), then exactly one end. A listener that throws is logged and ignored; without a listener the source is
 * returned as is.
 */
public final class ObservedCalls {

    private static final Logger LOG = Loggers.getLogger(ObservedCalls.class);

    private ObservedCalls() { }

    /** {@code source} observed as {@code call}; {@code era} is read at its end. */
    public static <T> Mono<T> observe(McpCallListener listener, Call call, Supplier<ProtocolEra> era, Mono<T> source) {
        if (listener == null) {
            return source;
        }
        return Mono.deferContextual(context -> {
            Ending ending;
            try {
                ending = listener.started(call, context);
            } catch (RuntimeException e) {
                LOG.debug("an MCP call listener failed at start: {}", e.toString());
                return source;
            }
            if (ending == null) {
                return source;
            }
            AtomicBoolean ended = new AtomicBoolean();
            return source
                    .doOnSuccess(value -> end(ended, () -> ending.succeeded(era.get(), isToolError(call, value))))
                    .doOnError(error -> end(ended, () -> ending.failed(era.get(), error)))
                    .doOnCancel(() -> end(ended, () -> ending.cancelled(era.get())));
        });
    }

    private static boolean isToolError(Call call, Object value) {
        return "tools/call".equals(call.method()) && value instanceof Map<?, ?> result
                && Boolean.TRUE.equals(result.get("isError"));
    }

    private static void end(AtomicBoolean ended, Runnable tell) {
        if (ended.compareAndSet(false, true)) {
            try {
                tell.run();
            } catch (RuntimeException e) {
                LOG.debug("an MCP call listener failed at the end: {}", e.toString());
            }
        }
    }
}
