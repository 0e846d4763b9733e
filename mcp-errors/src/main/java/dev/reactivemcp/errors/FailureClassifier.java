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
 * Identity-based cycle guard; at most {@link #MAX_DEPTH} levels and {@link #MAX_NODES} nodes.
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
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        Deque<Node> pending = new ArrayDeque<>();
        pending.push(new Node(root, 0));
        McpFailure best = null;
        while (!pending.isEmpty() && seen.size() < MAX_NODES) {
            Node node = pending.pop();
            if (seen.put(node.error, Boolean.TRUE) != null) {
                continue;
            }
            best = Specificity.better(best, read(node.error));
            if (node.depth + 1 < MAX_DEPTH) {
                pushChildren(node, pending);
            }
        }
        return best != null ? best : unknown(root);
    }

    private static McpFailure unknown(Throwable root) {
        try {
            return new McpFailure.Unknown(KnownThrowables.summary(rootCause(root)));
        } catch (RuntimeException brokenAccessor) {
            return new McpFailure.Unknown(root.getClass().getName());
        }
    }

    /** Pushed in reverse, so that the cause is visited first, then composites, then suppressed ones. */
    private static void pushChildren(Node node, Deque<Node> pending) {
        Throwable t = node.error;
        int depth = node.depth + 1;
        try {
            Throwable[] suppressed = t.getSuppressed();
            for (int i = Math.min(suppressed.length, MAX_FANOUT) - 1; i >= 0; i--) {
                pending.push(new Node(suppressed[i], depth));
            }
            if (Exceptions.isMultiple(t)) {
                List<Throwable> parts = Exceptions.unwrapMultiple(t);
                for (int i = Math.min(parts.size(), MAX_FANOUT) - 1; i >= 0; i--) {
                    pending.push(new Node(parts.get(i), depth));
                }
            }
            Throwable unwrapped = Exceptions.unwrap(t);
            pushIfPresent(unwrapped == t ? null : unwrapped, depth, pending);
            pushIfPresent(t.getCause(), depth, pending);
        } catch (RuntimeException brokenAccessor) {
            // An exception whose accessors throw contributes no children.
        }
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
            best = Specificity.better(best, safely(() -> HttpRules.classify((HttpFailurePayload) t)));
        }
        if (t instanceof JsonRpcErrorPayload) {
            best = Specificity.better(best, safely(() -> JsonRpcRules.classify((JsonRpcErrorPayload) t)));
        }
        for (ForeignPayloadReader reader : ForeignReaders.INSTALLED.current()) {
            best = Specificity.better(best,
                safely(() -> reader.httpPayload(t).map(HttpRules::classify).orElse(null)));
            best = Specificity.better(best,
                safely(() -> reader.jsonRpcPayload(t).map(JsonRpcRules::classify).orElse(null)));
        }
        return Specificity.better(best, safely(() -> KnownThrowables.classify(t)));
    }

    private static McpFailure safely(Supplier<McpFailure> source) {
        try {
            return source.get();
        } catch (RuntimeException broken) {
            return null;
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

    private static final class Node {
        final Throwable error;
        final int depth;

        Node(Throwable error, int depth) {
            this.error = error;
            this.depth = depth;
        }
    }
}
