package dev.reactivemcp.transport.internal.headers;

import dev.reactivemcp.transport.internal.headers.ToolHeaderBindings.Invalid;
import dev.reactivemcp.transport.internal.headers.ToolHeaderBindings.Rule;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Walks a schema iteratively in document order; see {@link ToolHeaderBindings}. Safe on shared and cyclic maps built
 * in code: a node is visited once per (instance, path, reachability), and no deeper than {@link #MAX_PATH} properties.
 */
final class XMcpHeaderScanner {

    static final String ANNOTATION = "x-mcp-header";

    /** Keywords holding one subschema or an array of them. */
    private static final List<String> SUBSCHEMA_KEYWORDS = List.of(
            "items", "prefixItems", "additionalItems", "contains", "additionalProperties",
            "unevaluatedProperties", "unevaluatedItems", "propertyNames", "contentSchema",
            "allOf", "anyOf", "oneOf", "not", "if", "then", "else");

    /** Keywords holding a name-to-subschema object. */
    private static final List<String> SUBSCHEMA_MAP_KEYWORDS = List.of(
            "patternProperties", "dependentSchemas", "dependencies", "$defs", "definitions");

    /** RFC 9110 tchar, other than ALPHA and DIGIT. */
    private static final String TCHAR_SYMBOLS = "!#$%&'*+-.^_`|~";

    /** Far beyond what a JSON parser with a nesting limit can produce. */
    static final int MAX_PATH = 256;

    private record Node(Map<?, ?> schema, List<String> path, boolean reachable) { }

    /** A node keyed by schema identity: {@code Map.hashCode} would not terminate on a cyclic map. */
    private record Seen(IdentityKey schema, List<String> path, boolean reachable) { }

    private record IdentityKey(Map<?, ?> schema) {
        @Override
        public boolean equals(Object o) {
            return o instanceof IdentityKey k && k.schema == schema;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(schema);
        }
    }

    private final String toolName;
    private final List<Binding> bindings = new ArrayList<>();
    private final Set<String> seenNames = new HashSet<>();

    private XMcpHeaderScanner(String toolName) {
        this.toolName = toolName;
    }

    static ToolHeaderBindings scan(String toolName, Object inputSchema) {
        return new XMcpHeaderScanner(toolName).walk(inputSchema);
    }

    private ToolHeaderBindings walk(Object root) {
        Deque<Node> stack = new ArrayDeque<>();
        Set<Seen> visited = new HashSet<>();
        if (root instanceof Map<?, ?> m) {
            stack.push(new Node(m, List.of(), true));
        }
        while (!stack.isEmpty()) {
            Node node = stack.pop();
            if (!visited.add(new Seen(new IdentityKey(node.schema()), node.path(), node.reachable()))) {
                continue;
            }
            if (node.schema().containsKey(ANNOTATION)) {
                Invalid invalid = check(node);
                if (invalid != null) {
                    return invalid;
                }
            }
            List<Node> children = children(node);
            for (int i = children.size() - 1; i >= 0; i--) {
                stack.push(children.get(i));
            }
        }
        return new ToolHeaderBindings.Valid(bindings);
    }

    private static List<Node> children(Node node) {
        List<Node> out = new ArrayList<>();
        if (node.path().size() < MAX_PATH && node.schema().get("properties") instanceof Map<?, ?> props) {
            for (Map.Entry<?, ?> e : props.entrySet()) {
                if (e.getValue() instanceof Map<?, ?> child) {
                    out.add(new Node(child, append(node.path(), String.valueOf(e.getKey())), node.reachable()));
                }
            }
        }
        for (String keyword : SUBSCHEMA_KEYWORDS) {
            Object value = node.schema().get(keyword);
            if (value instanceof Map<?, ?> child) {
                out.add(new Node(child, node.path(), false));
            } else if (value instanceof List<?> list) {
                for (Object item : list) {
                    if (item instanceof Map<?, ?> child) {
                        out.add(new Node(child, node.path(), false));
                    }
                }
            }
        }
        for (String keyword : SUBSCHEMA_MAP_KEYWORDS) {
            if (node.schema().get(keyword) instanceof Map<?, ?> named) {
                for (Object value : named.values()) {
                    if (value instanceof Map<?, ?> child) {
                        out.add(new Node(child, node.path(), false));
                    }
                }
            }
        }
        return out;
    }

    private Invalid check(Node node) {
        Object value = node.schema().get(ANNOTATION);
        String shown = value instanceof String s ? quote(s) : String.valueOf(value);
        if (!node.reachable() || node.path().isEmpty()) {
            return invalid(Rule.STATICALLY_REACHABLE, shown, node,
                    "only properties reached from the root through 'properties' alone may be annotated");
        }
        if (!(value instanceof String name) || name.isEmpty()) {
            return invalid(Rule.NOT_EMPTY, shown, node, "the value must be a non-empty string");
        }
        if (!isToken(name)) {
            return invalid(Rule.CHARSET, shown, node,
                    "the value must be an RFC 9110 token (no space, colon, control or non-ASCII character)");
        }
        Binding.Type type = declaredType(node.schema().get("type"));
        if (type == null) {
            return invalid(Rule.PRIMITIVE_ONLY, shown, node,
                    "the property type must be string, integer or boolean, found "
                            + describe(node.schema().get("type")));
        }
        if (!seenNames.add(name.toLowerCase(Locale.ROOT))) {
            return invalid(Rule.UNIQUE, shown, node, "the value repeats another annotation, ignoring case");
        }
        bindings.add(new Binding(name, node.path(), type));
        return null;
    }

    private static Binding.Type declaredType(Object type) {
        if (type instanceof List<?> list) {
            return list.size() == 1 ? Binding.Type.fromJsonName(list.get(0)) : null;
        }
        return Binding.Type.fromJsonName(type);
    }

    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alnum && TCHAR_SYMBOLS.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    private Invalid invalid(Rule rule, String shownValue, Node node, String why) {
        String where = node.path().isEmpty() ? "<root>" : quote(String.join(".", node.path()));
        return new Invalid(rule, "tool " + quote(String.valueOf(toolName)) + " rejected: x-mcp-header " + shownValue
                + " at " + where + " breaks the " + rule.id() + " rule: " + why);
    }

    private static String describe(Object type) {
        if (type == null) {
            return "none";
        }
        return type instanceof String s ? quote(s) : quote(String.valueOf(type));
    }

    private static List<String> append(List<String> path, String key) {
        List<String> out = new ArrayList<>(path.size() + 1);
        out.addAll(path);
        out.add(key);
        return List.copyOf(out);
    }

    /** Double-quoted, with anything outside printable ASCII escaped, so the text is safe in one log line. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7E) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
