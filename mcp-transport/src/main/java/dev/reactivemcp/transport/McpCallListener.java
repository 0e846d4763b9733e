package dev.reactivemcp.transport;

import java.net.URI;
import java.util.Objects;
import reactor.util.context.ContextView;

/**
 * Told when each handshake and each call of an {@link McpClient} starts and how it ends: the hook metrics and
 * tracing plug into (the {@code mcp-observation} module turns it into Micrometer observations), free of any
 * metrics library. Installed with {@link McpClient.Builder#callListener}; without one nothing is called and
 * nothing is allocated.
 *
 * <pre>{@code
 * McpClient client = McpClient.builder(uri)
 *     .callListener((call, context) -> {
 *         long start = System.nanoTime();
 *         return McpCallListener.Ending.onAnyEnd(() -> timings.record(call.method(), System.nanoTime() - start));
 *     })
 *     .build();
 * }</pre>
 *
 * <p>Called on the thread that subscribes (start) and the thread that signals (end): implementations must be fast,
 * non-blocking and thread-safe. An exception thrown by a listener is logged and ignored, never seen by the call.
 * Each subscription is one call: {@link Ending} is told exactly one of its three ends. A handshake is observed
 * when {@link McpClient#connect()} is subscribed, including the implicit connect of a first call.
 * MCP basic/lifecycle (handshake) and basic/transports.
 */
@FunctionalInterface
public interface McpCallListener {

    /**
     * A handshake or call starts (is subscribed).
     *
     * @param call    what starts; never {@code null}
     * @param context the Reactor context of the subscriber (a parent trace or observation may be found there)
     * @return what to tell of its end; {@code null} for nothing
     */
    Ending started(Call call, ContextView context);

    /**
     * A handshake or a call.
     *
     * @param kind     a handshake or a call
     * @param endpoint the MCP endpoint of the client
     * @param method   the JSON-RPC method ({@code "tools/call"}, ...); for a handshake {@code "connect"}
     * @param toolName the tool's name for {@code tools/call}, else {@code null}
     */
    record Call(Kind kind, URI endpoint, String method, String toolName) {

        /** What is observed. */
        public enum Kind {
            /** Protocol negotiation: {@code initialize} (2025-11-25 and earlier) or {@code server/discover} (2026-07-28). */
            HANDSHAKE,
            /** One request and its result. */
            CALL
        }

        /**
         * Validates.
         *
         * @param kind     a handshake or a call
         * @param endpoint the MCP endpoint
         * @param method   the method
         * @param toolName the tool's name, or {@code null}
         * @throws NullPointerException when {@code kind}, {@code endpoint} or {@code method} is {@code null}
         */
        public Call {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(endpoint, "endpoint");
            Objects.requireNonNull(method, "method");
        }
    }

    /** The end of one handshake or call: exactly one of these methods is called, once. */
    interface Ending {

        /**
         * It succeeded.
         *
         * @param era       the protocol era of the session (the negotiated one for a handshake)
         * @param toolError for {@code tools/call}, whether the tool answered with {@code isError: true} (an answer,
         *                  not a failure of the call)
         */
        void succeeded(ProtocolEra era, boolean toolError);

        /**
         * It failed.
         *
         * @param era   the protocol era of the session, or {@code null} when no handshake succeeded
         * @param error the failure (classify it with {@code McpFailures.classify})
         */
        void failed(ProtocolEra era, Throwable error);

        /**
         * Its subscriber cancelled it.
         *
         * @param era the protocol era of the session, or {@code null} when no handshake succeeded
         */
        void cancelled(ProtocolEra era);

        /**
         * An ending that runs {@code action} whatever the end.
         *
         * @param action what to run once the call ends; not {@code null}
         * @return the ending
         * @throws NullPointerException when {@code action} is {@code null}
         */
        static Ending onAnyEnd(Runnable action) {
            Objects.requireNonNull(action, "action");
            return new Ending() {
                @Override
                public void succeeded(ProtocolEra era, boolean toolError) {
                    action.run();
                }

                @Override
                public void failed(ProtocolEra era, Throwable error) {
                    action.run();
                }

                @Override
                public void cancelled(ProtocolEra era) {
                    action.run();
                }
            };
        }
    }
}
