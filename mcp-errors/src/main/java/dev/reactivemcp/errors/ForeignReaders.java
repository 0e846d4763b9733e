package dev.reactivemcp.errors;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The {@link ForeignPayloadReader}s: those declared in {@code META-INF/services} (loaded once) plus those registered
 * in code. Loading reads service files, which is blocking I/O, so it happens before the first classification: when
 * a client is built ({@link McpFailures#loadReaders()}), on the thread that builds it. A non-blocking thread never
 * loads in place; if it classifies before the load it starts the load in the background and classifies without the
 * declared readers (registered ones always apply). A provider that cannot be loaded, or whose library turns out to
 * be missing when it is first called (a {@link LinkageError}), is skipped from then on with one WARN.
 */
final class ForeignReaders {

    static final ForeignReaders INSTALLED = new ForeignReaders(ForeignReaders::load);

    private static final Logger LOG = Loggers.getLogger(ForeignReaders.class);
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
    private final List<ForeignPayloadReader> registered = new CopyOnWriteArrayList<>();
    private final Set<ForeignPayloadReader> disabled = ConcurrentHashMap.newKeySet();
    private volatile List<ForeignPayloadReader> declared;
    /** Declared plus registered minus disabled; recomputed on every change, read on every classification. */
    private volatile List<ForeignPayloadReader> active = List.of();

    ForeignReaders(Supplier<List<ForeignPayloadReader>> loader) {
        this.loader = loader;
    }

    /** The readers to use now; without the declared ones on a non-blocking thread while they are still loading. */
    List<ForeignPayloadReader> current() {
        if (declared == null) {
            if (mayBlock(Thread.currentThread())) {
                loadHere();
            } else {
                startLoading();
            }
        }
        return active;
    }

    /** Whether the declared readers are loaded (a verdict reached before may lack what they would have said). */
    boolean isLoaded() {
        return declared != null;
    }

    /** Loads the declared readers now when this thread may block, else starts the load in the background. */
    void prepare() {
        if (declared == null) {
            if (mayBlock(Thread.currentThread())) {
                loadHere();
            } else {
                startLoading();
            }
        }
    }

    /** Adds a reader in code; it applies at once, on every thread. Registering the same instance twice is a no-op. */
    synchronized void register(ForeignPayloadReader reader) {
        if (!registered.contains(reader)) {
            registered.add(reader);
            recompute();
        }
    }

    /** Skips {@code reader} from now on: its library is missing (one WARN per reader). */
    void disable(ForeignPayloadReader reader, Throwable why) {
        if (disabled.add(reader)) {
            LOG.warn("MCP payload reader {} is skipped: its library is missing ({})", reader.getClass().getName(),
                why.toString());
            synchronized (this) {
                recompute();
            }
        }
    }

    /** Completes with the declared readers once loaded, starting the load in the background if needed. */
    Mono<List<ForeignPayloadReader>> whenLoaded() {
        startLoading();
        return loaded.asMono();
    }

    void startLoading() {
        if (declared == null && started.compareAndSet(false, true)) {
            Schedulers.boundedElastic().schedule(this::loadHere);
        }
    }

    /** Only ever entered on threads that may block. */
    private synchronized void loadHere() {
        if (declared == null) {
            declared = loader.get();
            recompute();
            loaded.tryEmitValue(declared);
        }
    }

    private void recompute() {
        List<ForeignPayloadReader> all = new ArrayList<>(declared == null ? List.of() : declared);
        all.addAll(registered);
        all.removeIf(disabled::contains);
        active = List.copyOf(all);
    }

    private static boolean mayBlock(Thread thread) {
        return !Schedulers.isNonBlockingThread(thread) && !NETTY_THREAD.get(thread.getClass());
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
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (Throwable broken) {
                // ServiceConfigurationError or a LinkageError: a provider that cannot be loaded must not break
                // classification; the next one is tried.
                LOG.warn("MCP payload reader skipped: {}", String.valueOf(broken));
            }
        }
        return List.copyOf(found);
    }
}
