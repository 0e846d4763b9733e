package dev.reactivemcp.transport.internal.headers;

import java.util.List;
import java.util.Objects;

/**
 * The {@code x-mcp-header} annotations of one tool's {@code inputSchema}, checked against the constraints of
 * 2026-07-28 {@code server/tools} § x-mcp-header: {@link Valid} with the bindings to mirror, or {@link Invalid} with
 * the rule broken (the tool MUST then be left out of {@code tools/list}).
 *
 * <p>Decisions:
 * <ul>
 *   <li>An annotation not on a {@code properties} chain from the root (under {@code items}, {@code allOf},
 *       {@code $defs}, {@code if}, ... or on the root itself) makes the tool invalid, as the spec says; the sweep
 *       covers the subschema keywords of JSON Schema 2020-12 and draft-07. {@code $ref} is not followed; its
 *       targets under {@code $defs}/{@code definitions} are swept.</li>
 *   <li>The annotated property must declare {@code type} itself: {@code "string"}, {@code "integer"},
 *       {@code "boolean"}, or a one-element array of one of these. {@code ["string","null"]} is invalid:
 *       {@code null} is not one of the permitted types (as in the TypeScript SDK).</li>
 *   <li>An annotation value that is not a string (including JSON {@code null}) breaks the not-empty rule.</li>
 *   <li>A schema that is absent or not an object has no annotations: valid, no bindings.</li>
 * </ul>
 */
sealed interface ToolHeaderBindings permits ToolHeaderBindings.Valid, ToolHeaderBindings.Invalid {

    /** Scans {@code inputSchema} (any free-form JSON value); never throws. */
    static ToolHeaderBindings of(String toolName, Object inputSchema) {
        return XMcpHeaderScanner.scan(toolName, inputSchema);
    }

    /** The constraint an annotation breaks; {@link #id()} is the suffix of the conformance check id. */
    enum Rule {
        NOT_EMPTY("not-empty"),
        CHARSET("charset"),
        UNIQUE("unique"),
        PRIMITIVE_ONLY("primitive-only"),
        STATICALLY_REACHABLE("statically-reachable");

        private final String id;

        Rule(String id) {
            this.id = id;
        }

        /** Short name used in log lines, e.g. {@code primitive-only}. */
        public String id() {
            return id;
        }
    }

    /** Every annotation is valid; {@code bindings} in schema order, possibly empty. */
    record Valid(List<Binding> bindings) implements ToolHeaderBindings {
        public Valid {
            bindings = List.copyOf(bindings);
        }
    }

    /** The first annotation found to break {@code rule}; {@code reason} names the tool, path and rule. */
    record Invalid(Rule rule, String reason) implements ToolHeaderBindings {
        public Invalid {
            Objects.requireNonNull(rule, "rule");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
