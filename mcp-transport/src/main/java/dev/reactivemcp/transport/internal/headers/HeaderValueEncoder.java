package dev.reactivemcp.transport.internal.headers;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * Value encoding for {@code Mcp-Name} and {@code Mcp-Param-*} headers (2026-07-28 Streamable HTTP, Value Encoding).
 * A value goes plain when {@link #isPlainSafe} holds, otherwise as {@code =?base64?{Base64(UTF-8)}?=}.
 *
 * <p>Decisions beyond the spec text, all of which a conforming server accepts because it MUST decode the sentinel:
 * <ul>
 *   <li>{@code ""} is sent as {@code =?base64??=}: some HTTP stacks and truthiness checks drop an empty header, and a
 *       server that sees the header missing while the body has a value MUST answer {@code HeaderMismatch}
 *       (the TypeScript SDK does the same; the conformance referee accepts either form).</li>
 *   <li>HTAB is never sent plain, even inside a value: RFC 9110 allows it, but the conformance referee treats any tab
 *       as needing Base64 and intermediaries may rewrite whitespace.</li>
 *   <li>A lone surrogate has no UTF-8 form; it is encoded as U+FFFD, as JavaScript's {@code TextEncoder} does.</li>
 * </ul>
 */
final class HeaderValueEncoder {

    /** Sentinel prefix, case-sensitive. */
    public static final String PREFIX = "=?base64?";
    /** Sentinel suffix. */
    public static final String SUFFIX = "?=";

    private HeaderValueEncoder() {
    }

    /** The header value for {@code value}: itself when plain-safe, otherwise the Base64 sentinel form. */
    public static String encode(String value) {
        Objects.requireNonNull(value, "value");
        if (isPlainSafe(value)) {
            return value;
        }
        byte[] utf8 = wellFormed(value).getBytes(StandardCharsets.UTF_8);
        return PREFIX + Base64.getEncoder().encodeToString(utf8) + SUFFIX;
    }

    /**
     * True when {@code value} can travel as-is: non-empty, only SP and visible ASCII (0x20–0x7E), no leading or
     * trailing space, and not shaped like the sentinel (prefix and suffix, overlapping or not).
     */
    public static boolean isPlainSafe(String value) {
        if (value == null || value.isEmpty()) {
            return false;
        }
        if (value.charAt(0) == ' ' || value.charAt(value.length() - 1) == ' ') {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
        }
        return !(value.startsWith(PREFIX) && value.endsWith(SUFFIX));
    }

    /**
     * The original value of a received header. A sentinel value (prefix, suffix, payload in between) must carry
     * canonical padded Base64 of valid UTF-8; anything else is taken literally but must be a legal field value.
     *
     * @throws IllegalArgumentException for a malformed sentinel payload or illegal characters (a server answers
     *                                  {@code HeaderMismatch})
     */
    public static String decode(String headerValue) {
        Objects.requireNonNull(headerValue, "headerValue");
        boolean sentinel = headerValue.length() >= PREFIX.length() + SUFFIX.length()
                && headerValue.startsWith(PREFIX) && headerValue.endsWith(SUFFIX);
        if (!sentinel) {
            requireFieldValueChars(headerValue);
            return headerValue;
        }
        String payload = headerValue.substring(PREFIX.length(), headerValue.length() - SUFFIX.length());
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(payload);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Base64 payload is not valid Base64", e);
        }
        if (payload.length() % 4 != 0 || !Base64.getEncoder().encodeToString(bytes).equals(payload)) {
            throw new IllegalArgumentException("Base64 payload is not canonical padded Base64");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("Base64 payload is not valid UTF-8", e);
        }
    }

    private static void requireFieldValueChars(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\t' && (c < 0x20 || c > 0x7E)) {
                throw new IllegalArgumentException("header value has a character outside VCHAR/SP/HTAB at " + i);
            }
        }
    }

    /** {@code value} with every unpaired surrogate replaced by U+FFFD. */
    private static String wellFormed(String value) {
        StringBuilder out = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean lone = Character.isHighSurrogate(c)
                    ? i + 1 == value.length() || !Character.isLowSurrogate(value.charAt(i + 1))
                    : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(value.charAt(i - 1)));
            if (lone && out == null) {
                out = new StringBuilder(value.length()).append(value, 0, i);
            }
            if (out != null) {
                out.append(lone ? '\uFFFD' : c);
            }
        }
        return out == null ? value : out.toString();
    }
}
