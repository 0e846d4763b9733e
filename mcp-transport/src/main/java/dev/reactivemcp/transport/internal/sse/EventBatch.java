package dev.reactivemcp.transport.internal.sse;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;

/** Collects the events of one chunk without allocating a list for the common 0 or 1 event. */
final class EventBatch implements Consumer<SseEvent> {

    private SseEvent first;
    private List<SseEvent> all;

    @Override
    public void accept(SseEvent event) {
        if (first == null) {
            first = event;
            return;
        }
        if (all == null) {
            all = new ArrayList<>();
            all.add(first);
        }
        all.add(event);
    }

    List<SseEvent> drainList() {
        List<SseEvent> result = all != null ? all : first != null ? List.of(first) : List.of();
        clear();
        return result;
    }

    /** Scalar publishers for 0 or 1 event, which {@code concatMap} emits without subscribing. */
    Flux<SseEvent> drainFlux() {
        Flux<SseEvent> result = all != null ? Flux.fromIterable(all) : first != null ? Flux.just(first) : Flux.empty();
        clear();
        return result;
    }

    private void clear() {
        first = null;
        all = null;
    }
}
