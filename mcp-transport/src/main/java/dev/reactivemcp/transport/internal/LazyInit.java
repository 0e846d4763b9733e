package dev.reactivemcp.transport.internal;

import java.lang.invoke.VarHandle;
import java.util.function.Supplier;

/**
 * Thread-safe lazy creation of a field's value (a concurrent map most clients never fill): a plain volatile read once
 * it exists, one compare-and-exchange when the first users race (the loser's fresh value is dropped, everybody gets
 * the winner's); no lock. Saves the empty maps of idle clients (issue 16, heap per idle client).
 *
 * <pre>{@code
 * private static final VarHandle TOOLS = LazyInit.handle(MethodHandles.lookup(), "tools", Map.class);
 * private volatile Map<String, Boolean> tools; // null until first written
 * Map<String, Boolean> tools() { return LazyInit.get(TOOLS, this, ConcurrentHashMap::new); }
 * }</pre>
 */
public final class LazyInit {

    private LazyInit() {
    }

    /** The handle of {@code owner}'s field {@code name} of type {@code type}. */
    public static VarHandle handle(java.lang.invoke.MethodHandles.Lookup owner, String name, Class<?> type) {
        try {
            return owner.findVarHandle(owner.lookupClass(), name, type);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no field " + name + " in " + owner.lookupClass(), e);
        }
    }

    /** The field's value, created by {@code create} if it is still null; one value wins every race. */
    @SuppressWarnings("unchecked")
    public static <T> T get(VarHandle field, Object owner, Supplier<? extends T> create) {
        Object current = field.getAcquire(owner);
        if (current != null) {
            return (T) current;
        }
        T fresh = create.get();
        Object witness = field.compareAndExchange(owner, (Object) null, (Object) fresh);
        return witness == null ? fresh : (T) witness;
    }
}
