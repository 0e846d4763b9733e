package dev.reactivemcp.transport.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.StreamReadException;

/**
 * Free-form values straight from a token stream: objects as {@link CompactMap} (up to
 * {@link CompactMap#MAX_DECODED} members) or {@link LinkedHashMap}, arrays as {@link ArrayList}, strings, integers
 * as Integer, Long or BigInteger by size, other numbers as Double, booleans and null: the values Jackson's untyped
 * deserializer gives, without its per-document context, scopes and hash maps. A repeated member name keeps its
 * first position and its last value, as a map put does. The parser enforces the codec's limits (nesting depth,
 * string and number lengths), so the recursion is as deep as the nesting allowed; malformed input, an empty
 * document and anything after the root value fail with a {@link JacksonException}.
 */
final class FreeFormReader {

    private FreeFormReader() { }

    /** The one value of the document behind {@code p}, which this closes. */
    static Object read(JsonParser p) {
        try (p) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new StreamReadException(p, "No content to map due to end-of-input");
            }
            Object value = value(p, t);
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw new StreamReadException(p, "Trailing token (of type " + trailing + ") found after value");
            }
            return value;
        }
    }

    private static Object value(JsonParser p, JsonToken t) {
        switch (t) {
            case START_OBJECT:
                return object(p);
            case START_ARRAY:
                return array(p);
            case VALUE_STRING:
                return p.getString();
            case VALUE_NUMBER_INT:
                return p.getNumberValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            case VALUE_EMBEDDED_OBJECT:
                return p.getEmbeddedObject();
            default:
                throw new StreamReadException(p, "Unexpected token (" + t + ")");
        }
    }

    private static Map<String, Object> object(JsonParser p) {
        String name = p.nextName();
        if (name == null) {
            return new CompactMap(0);
        }
        CompactMap small = new CompactMap(4);
        Map<String, Object> large = null;
        do {
            Object v = value(p, next(p));
            if (large != null) {
                large.put(name, v);
            } else if (small.size() < CompactMap.MAX_DECODED || small.containsKey(name)) {
                small.put(name, v);
            } else {
                large = new LinkedHashMap<>(small);
                large.put(name, v);
            }
            name = p.nextName();
        } while (name != null);
        return large != null ? large : small;
    }

    private static List<Object> array(JsonParser p) {
        List<Object> list = new ArrayList<>(4);
        for (JsonToken t = next(p); t != JsonToken.END_ARRAY; t = next(p)) {
            list.add(value(p, t));
        }
        return list;
    }

    private static JsonToken next(JsonParser p) {
        JsonToken t = p.nextToken();
        if (t == null) {
            throw new StreamReadException(p, "Unexpected end-of-input");
        }
        return t;
    }
}
