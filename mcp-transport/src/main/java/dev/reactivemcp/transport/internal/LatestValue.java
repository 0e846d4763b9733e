package dev.reactivemcp.transport.internal;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The latest of a series of values (a client's listening-stream states) and, for subscribers, a replay-latest sink
 * that is created only when the first one subscribes: most clients never ask, and an idle client then holds the
 * value alone instead of a sink with its replay buffer (issue 16, heap per idle client). Emissions come from
 * schedulers and event loops: serialised by this object's monitor (a few field writes, never I/O).
 *
 * @param <T> the value type
 */
final class LatestValue<T> {

    private T latest;
    private Sinks.Many<T> sink;
    private boolean completed;

    /** Emits {@code value} to the subscribers, and to later ones as the latest. */
    synchronized void next(T value) {
        if (completed) {
            return;
        }
        latest = value;
        if (sink != null) {
            sink.tryEmitNext(value);
        }
    }

    /** Completes the series: subscribers, present and later, get the latest value (if any), then completion. */
    synchronized void complete() {
        completed = true;
        if (sink != null) {
            sink.tryEmitComplete();
        }
    }

    /** The latest value, then every later one, until {@link #complete()}. */
    Flux<T> flux() {
        return Flux.defer(this::sinkFlux);
    }

    private synchronized Flux<T> sinkFlux() {
        if (sink == null) {
            sink = Sinks.many().replay().latest();
            if (latest != null) {
                sink.tryEmitNext(latest);
            }
            if (completed) {
                sink.tryEmitComplete();
            }
        }
        return sink.asFlux();
    }
}
