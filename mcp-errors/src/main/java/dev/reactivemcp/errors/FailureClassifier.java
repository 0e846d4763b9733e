package dev.reactivemcp.errors;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import reactor.core.Exceptions;

/**
 * Walks an error graph depth-first, causes before suppressed exceptions: {@code getCause()} (which covers
 * {@code CompletionException}, {@code ExecutionException}, {@code UndeclaredThrowableException}, Reactor's
 * retry-exhausted and {@code Exceptions.propagate} wrappers), {@code Exceptions.unwrap},
 * {@code Exceptions.unwrapMultiple} composites and suppressed exceptions. Each node is read for an explicit
 * {@link McpException} failure, payloads (own or through {@link ForeignPayloadReader}s) and well-known types.
 * Identity-based cycle guard; at most {@link #MAX_DEPTH} levels, {@link #MAX_NODES} nodes and {@link #MAX_FANOUT}
 * children of one kind per node.
 *
 * <p>Never throws: whatever a user's {@code getCause()}, {@code getSuppressed()}, {@code getMessage()}, payload
 * accessor or reader throws (unchecked, sneaky checked, {@link LinkageError}, {@link StackOverflowError}) makes that
 * one source say nothing. Only an {@link OutOfMemoryError} or other {@link VirtualMachineError} (the JVM itself is
 * failing) is rethrown.
 *
 * <p>When the walk stops at a bound with parts of the graph unseen, a retryable verdict is not given: an unseen part
 * may hold a 401, and a retry loop keyed on {@code isRetryable} would then retry a dead credential forever. The
 * verdict is {@link McpFailure.Unknown} (neither retryable nor authentication), naming the partial finding.
 */
final class FailureClassifier {

    static final int MAX_DEPTH = 100;
    static final int MAX_NODES = 1000;
    /** At most this many suppressed exceptions or composite parts are followed per node. */
    static final int MAX_FANOUT = 64;

    private FailureClassifier() { }

    static McpFailure classify(Throwable root) {
        if (root == null) {
            return new McpFailure.Unknown(null);
        }
        try {
            return walk(root);
        } catch (Throwable broken) {
            rethrowIfFatal(broken);
            return new McpFailure.Unknown(root.getClass().getName());
        }
    }

    private static McpFailure walk(Throwable root) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        Deque<Node> pending = new ArrayDeque<>();
        pending.push(new Node(root, 0));
        Walk walk = new Walk();
        McpFailure best = null;
        while (!pending.isEmpty()) {
            if (seen.size() >= MAX_NODES) {
                walk.incomplete = pending.stream().anyMatch(n -> !seen.containsKey(n.error));
                break;
            }
            Node node = pending.pop();
            if (seen.put(node.error, Boolean.TRUE) != null) {
                continue;
            }
            best = Specificity.better(best, read(node.error));
            pushChildren(node, pending, walk, seen);
        }
        if (best == null) {
            return unknown(root);
        }
        if (walk.incomplete && best.isRetryable()) {
            return new McpFailure.Unknown("error graph exceeds the classifier's bounds (" + MAX_NODES + " nodes, depth "
                + MAX_DEPTH + ", " + MAX_FANOUT + " per node); not retryable since an unseen part may require "
                + "authentication; partial finding: " + best.describe());
        }
        return best;
    }

    private static McpFailure unknown(Throwable root) {
        try {
            return new McpFailure.Unknown(KnownThrowables.summary(rootCause(root)));
        } catch (Throwable brokenAccessor) {
            rethrowIfFatal(brokenAccessor);
            return new McpFailure.Unknown(root.getClass().getName());
        }
    }

    /**
     * Pushed in reverse, so that the cause is visited first, then composites, then suppressed ones. Each accessor is
     * asked on its own: one that throws hides only its own children.
     */
    private static void pushChildren(Node node, Deque<Node> pending, Walk walk, Map<Throwable, Boolean> seen) {
        Throwable t = node.error;
        int depth = node.depth + 1;
        Throwable[] suppressed = attempt(t::getSuppressed);
        List<Throwable> parts = attempt(() -> Exceptions.isMultiple(t) ? Exceptions.unwrapMultiple(t) : null);
        Throwable unwrapped = attempt(() -> Exceptions.unwrap(t));
        Throwable cause = attempt(t::getCause);
        if (depth >= MAX_DEPTH) {
            walk.incomplete |= unseen(cause, seen) || unseen(unwrapped, seen)
                || suppressed != null && java.util.Arrays.stream(suppressed).anyMatch(s -> unseen(s, seen))
                || parts != null && parts.stream().anyMatch(p -> unseen(p, seen));
            return;
        }
        if (suppressed != null) {
            walk.incomplete |= suppressed.length > MAX_FANOUT;
            for (int i = Math.min(suppressed.length, MAX_FANOUT) - 1; i >= 0; i--) {
                pushIfPresent(suppressed[i], depth, pending);
            }
        }
        if (parts != null) {
            walk.incomplete |= parts.size() > MAX_FANOUT;
            for (int i = Math.min(parts.size(), MAX_FANOUT) - 1; i >= 0; i--) {
                pushIfPresent(parts.get(i), depth, pending);
            }
        }
        pushIfPresent(unwrapped == t ? null : unwrapped, depth, pending);
        pushIfPresent(cause, depth, pending);
    }

    private static boolean unseen(Throwable child, Map<Throwable, Boolean> seen) {
        return child != null && !seen.containsKey(child);
    }

    private static void pushIfPresent(Throwable child, int depth, Deque<Node> pending) {
        if (child != null) {
            pending.push(new Node(child, depth));
        }
    }

    /** What this one throwable says by itself; a payload accessor or reader that throws says nothing. */
    static McpFailure read(Throwable t) {
        McpFailure best = t instanceof McpException ? ((McpException) t).explicitFailure() : null;
        if (t instanceof HttpFailurePayload) {
            best = Specificity.better(best, attempt(() -> HttpRules.classify((HttpFailurePayload) t)));
        }
        if (t instanceof JsonRpcErrorPayload) {
            best = Specificity.better(best, attempt(() -> JsonRpcRules.classify((JsonRpcErrorPayload) t)));
        }
        for (ForeignPayloadReader reader : ForeignReaders.INSTALLED.current()) {
            best = Specificity.better(best, foreign(reader, t));
        }
        return Specificity.better(best, attempt(() -> KnownThrowables.classify(t)));
    }

    /** A reader's finding; a reader whose library is missing is disabled (one WARN), one that throws says nothing. */
    private static McpFailure foreign(ForeignPayloadReader reader, Throwable t) {
        try {
            McpFailure http = reader.httpPayload(t).map(HttpRules::classify).orElse(null);
            return Specificity.better(http, reader.jsonRpcPayload(t).map(JsonRpcRules::classify).orElse(null));
        } catch (LinkageError missingLibrary) {
            ForeignReaders.INSTALLED.disable(reader, missingLibrary);
            return null;
        } catch (Throwable broken) {
            rethrowIfFatal(broken);
            return null;
        }
    }

    /** The value, or {@code null} when the source throws anything but a fatal JVM error. */
    private static <T> T attempt(Supplier<T> source) {
        try {
            return source.get();
        } catch (Throwable broken) {
            rethrowIfFatal(broken);
            return null;
        }
    }

    private static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
            throw (VirtualMachineError) t;
        }
    }

    private static Throwable rootCause(Throwable root) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        Throwable current = root;
        while (seen.size() < MAX_DEPTH && seen.put(current, Boolean.TRUE) == null) {
            Throwable cause = current.getCause();
            if (cause == null) {
                break;
            }
            current = cause;
        }
        return current;
    }

    private static final class Walk {
        boolean incomplete;
    }

    private static final class Node {
        final Throwable error;
        final int depth;

        Node(Throwable error, int depth) {
            this.error = error;
            this.depth = depth;
        }
    }
}
