package dev.reactivemcp.errors.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small, strict, bounded JSON reader (RFC 8259) for error bodies: objects become unmodifiable
 * {@code Map<String, Object>} (duplicate names are rejected), arrays unmodifiable {@code List<Object>}, numbers
 * {@code Long} when integral and in range, otherwise {@code Double}. Input longer than {@link #MAX_LENGTH} or
 * nested deeper than {@link #MAX_DEPTH} is refused. Never throws on bad input. Not API.
 */
public final class JsonReader {

    /** Longest accepted input, in characters. */
    public static final int MAX_LENGTH = 64 * 1024;
    /** Deepest accepted nesting of objects and arrays. */
    public static final int MAX_DEPTH = 32;

    private final String s;
    private int pos;

    private JsonReader(String s) {
        this.s = s;
    }

    /** The top-level JSON object in {@code text}, or empty when the text is not exactly one valid object. */
    @SuppressWarnings("unchecked")
    public static Optional<Map<String, Object>> parseObject(String text) {
        if (text == null || text.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        JsonReader reader = new JsonReader(text);
        try {
            reader.skipWhitespace();
            if (reader.peek() != '{') {
                return Optional.empty();
            }
            Object value = reader.readValue(0);
            reader.skipWhitespace();
            if (reader.pos != text.length()) {
                return Optional.empty();
            }
            return Optional.of((Map<String, Object>) value);
        } catch (Malformed e) {
            return Optional.empty();
        }
    }

    private Object readValue(int depth) {
        if (depth > MAX_DEPTH) {
            throw Malformed.INSTANCE;
        }
        skipWhitespace();
        char c = peek();
        switch (c) {
            case '{': return readObject(depth);
            case '[': return readArray(depth);
            case '"': return readString();
            case 't': return literal("true", Boolean.TRUE);
            case 'f': return literal("false", Boolean.FALSE);
            case 'n': return literal("null", null);
            default: return readNumber();
        }
    }

    private Map<String, Object> readObject(int depth) {
        pos++;
        Map<String, Object> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return Collections.unmodifiableMap(members);
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw Malformed.INSTANCE;
            }
            String name = readString();
            skipWhitespace();
            expect(':');
            if (members.containsKey(name)) {
                throw Malformed.INSTANCE;
            }
            members.put(name, readValue(depth + 1));
            skipWhitespace();
            if (next() == '}') {
                return Collections.unmodifiableMap(members);
            }
            pos--;
            expect(',');
        }
    }

    private List<Object> readArray(int depth) {
        pos++;
        List<Object> items = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return Collections.unmodifiableList(items);
        }
        while (true) {
            items.add(readValue(depth + 1));
            skipWhitespace();
            if (next() == ']') {
                return Collections.unmodifiableList(items);
            }
            pos--;
            expect(',');
        }
    }

    private String readString() {
        pos++;
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw Malformed.INSTANCE;
            }
            out.append(c == '\\' ? readEscape() : c);
        }
    }

    private char readEscape() {
        char c = next();
        switch (c) {
            case '"': case '\\': case '/': return c;
            case 'b': return '\b';
            case 'f': return '\f';
            case 'n': return '\n';
            case 'r': return '\r';
            case 't': return '\t';
            case 'u': return readHex4();
            default: throw Malformed.INSTANCE;
        }
    }

    private char readHex4() {
        int value = 0;
        for (int k = 0; k < 4; k++) {
            int digit = Character.digit(next(), 16);
            if (digit < 0) {
                throw Malformed.INSTANCE;
            }
            value = value * 16 + digit;
        }
        return (char) value;
    }

    private Object readNumber() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else {
            requireDigits();
        }
        boolean integral = true;
        if (pos < s.length() && s.charAt(pos) == '.') {
            pos++;
            requireDigits();
            integral = false;
        }
        if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            requireDigits();
            integral = false;
        }
        String text = s.substring(start, pos);
        if (integral && text.length() <= 18) {
            return Long.parseLong(text);
        }
        return Double.parseDouble(text);
    }

    private void requireDigits() {
        int start = pos;
        while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
            pos++;
        }
        if (pos == start) {
            throw Malformed.INSTANCE;
        }
    }

    private Object literal(String word, Object value) {
        if (!s.startsWith(word, pos)) {
            throw Malformed.INSTANCE;
        }
        pos += word.length();
        return value;
    }

    private void expect(char c) {
        if (next() != c) {
            throw Malformed.INSTANCE;
        }
    }

    private char peek() {
        if (pos >= s.length()) {
            throw Malformed.INSTANCE;
        }
        return s.charAt(pos);
    }

    private char next() {
        char c = peek();
        pos++;
        return c;
    }

    private void skipWhitespace() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    /** Unwinds the recursive descent on bad input; a shared, stackless signal, never seen outside. */
    private static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final Malformed INSTANCE = new Malformed();

        private Malformed() {
            super("malformed JSON", null, false, false);
        }
    }
}
