package dev.reactivemcp.errors;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * The {@link ForeignPayloadReader}s on the class path, loaded once; broken providers are skipped. Loading reads
 * {@code META-INF/services} files, which is blocking I/O: a thread that may block loads them in place; a
 * non-blocking thread (Reactor's {@code NonBlocking} or a Netty event loop) never does, it starts the load on
 * {@code boundedElastic} and classifies without foreign readers until that load is done.
 */
final class ForeignReaders {

    static final ForeignReaders INSTALLED = new ForeignReaders(ForeignReaders::load);

    private static final int MAX_ATTEMPTS = 64;
    private static final ClassValue<Boolean> NETTY_THREAD = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                if (c.getName().equals("io.netty.util.concurrent.FastThreadLocalThread")) {
                    return true;
                }
            }
            return false;
        }
    };

    private final Supplier<List<ForeignPayloadReader>> loader;
    private final AtomicBoolean started = new AtomicBoolean();
    private final Sinks.One<List<ForeignPayloadReader>> loaded = Sinks.one();
    private volatile List<ForeignPayloadReader> readers;

    ForeignReaders(Supplier<List<ForeignPayloadReader>> loader) {
        this.loader = loader;
    }

    /** The readers; empty on a non-blocking thread while they are still loading. */
    List<ForeignPayloadReader> current() {
        List<ForeignPayloadReader> known = readers;
        if (known != null) {
            return known;
        }
        Thread thread = Thread.currentThread();
        if (Schedulers.isNonBlockingThread(thread) || NETTY_THREAD.get(thread.getClass())) {
            startLoading();
            return List.of();
        }
        return loadHere();
    }

    /** Completes with the readers once loaded, starting the load in the background if needed. */
    Mono<List<ForeignPayloadReader>> whenLoaded() {
        startLoading();
        return loaded.asMono();
    }

    void startLoading() {
        if (readers == null && started.compareAndSet(false, true)) {
            Schedulers.boundedElastic().schedule(this::loadHere);
        }
    }

    /** Only ever entered on threads that may block. */
    private synchronized List<ForeignPayloadReader> loadHere() {
        if (readers == null) {
            readers = loader.get();
            loaded.tryEmitValue(readers);
        }
        return readers;
    }

    static List<ForeignPayloadReader> load() {
        List<ForeignPayloadReader> found = new ArrayList<>();
        Iterator<ForeignPayloadReader> providers =
            ServiceLoader.load(ForeignPayloadReader.class, ForeignPayloadReader.class.getClassLoader()).iterator();
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            try {
                if (!providers.hasNext()) {
                    break;
                }
                found.add(providers.next());
            } catch (ServiceConfigurationError broken) {
                // A provider that cannot be loaded must not break classification; the next one is tried.
            }
        }
        return List.copyOf(found);
    }
}
