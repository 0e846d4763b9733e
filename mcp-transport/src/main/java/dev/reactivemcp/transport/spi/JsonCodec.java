package dev.reactivemcp.transport.spi;

import java.util.function.Supplier;

/**
 * JSON text to free-form values and back, with the JSON implementation {@code mcp-transport} carries inside its jar
 * (no JSON library type appears here, and none reaches the application's classpath). Free-form values are
 * {@code Map<String, Object>} in document order, {@code List<Object>}, {@code String}, {@code Integer}/{@code Long}/
 * {@code BigInteger}, {@code Double}, {@code Boolean} and {@code null}; read them with {@link Json}.
 *
 * <pre>{@code
 * JsonCodec json = JsonCodec.get();
 * Map<String, Object> body = Json.asObject(json.read(bytes, "token response"));
 * byte[] request = json.write(Map.of("client_name", "my app", "redirect_uris", List.of(redirect)));
 * }</pre>
 *
 * <p>Thread-safe and immutable. Malformed input fails with a {@link dev.reactivemcp.transport.McpTransportException}
 * carrying a {@code ProtocolError} that names the document (RFC 8259 defines the syntax), or, for documents holding
 * secrets, with a {@link MalformedJson} that names only the position.
 */
public final class JsonCodec {

    private static final JsonCodec DEFAULT = new JsonCodec(dev.reactivemcp.transport.internal.JsonCodec.get());

    private final dev.reactivemcp.transport.internal.JsonCodec codec;

    private JsonCodec(dev.reactivemcp.transport.internal.JsonCodec codec) {
        this.codec = codec;
    }

    /**
     * The shared codec, rejecting documents nested deeper than 64 levels.
     *
     * @return the shared codec
     */
    public static JsonCodec get() {
        return DEFAULT;
    }

    /**
     * Parses a JSON document.
     *
     * @param json the UTF-8 bytes
     * @param context what the document is, for the error message (e.g. "token response")
     * @return the free-form value
     * @throws dev.reactivemcp.transport.McpTransportException with a {@code ProtocolError} when malformed
     */
    public Object read(byte[] json, String context) {
        return codec.read(json, context);
    }

    /**
     * Parses a JSON document, building the context only when it is malformed.
     *
     * @param json the UTF-8 bytes
     * @param context what the document is, computed only for an error message
     * @return the free-form value
     * @throws dev.reactivemcp.transport.McpTransportException with a {@code ProtocolError} when malformed
     */
    public Object read(byte[] json, Supplier<String> context) {
        return codec.read(json, context);
    }

    /**
     * Parses a JSON document from a string.
     *
     * @param json the text
     * @param context what the document is, for the error message
     * @return the free-form value
     * @throws dev.reactivemcp.transport.McpTransportException with a {@code ProtocolError} when malformed
     */
    public Object read(String json, String context) {
        return codec.read(json, context);
    }

    /**
     * Parses a document that holds secrets (a token file): a malformed one fails without quoting any of its text.
     *
     * @param json the UTF-8 bytes
     * @return the free-form value
     * @throws MalformedJson naming the position only
     */
    public Object readQuietly(byte[] json) {
        try {
            return codec.readQuietly(json);
        } catch (dev.reactivemcp.transport.internal.JsonCodec.MalformedJson e) {
            throw new MalformedJson(e.line(), e.column());
        }
    }

    /**
     * Serializes a free-form value (or a record or bean, converted first).
     *
     * @param value the value
     * @return the UTF-8 bytes of the compact JSON
     */
    public byte[] write(Object value) {
        return codec.write(value);
    }

    /**
     * Serializes a free-form value as indented JSON, for files people read.
     *
     * @param value the value
     * @return the UTF-8 bytes of the indented JSON
     */
    public byte[] writePretty(Object value) {
        return codec.writePretty(value);
    }

    /**
     * Serializes a free-form value to a string.
     *
     * @param value the value
     * @return the compact JSON text
     */
    public String writeString(Object value) {
        return codec.writeString(value);
    }

    /**
     * Converts a free-form value to {@code type} (a record, a bean, a {@code Map}). On the module path the package of
     * {@code type} must be open to {@code dev.reactivemcp.transport}.
     *
     * @param <T> the target type
     * @param value the free-form value
     * @param type the target class
     * @return the converted value
     * @throws dev.reactivemcp.transport.McpTransportException with a {@code ProtocolError} when it does not fit
     */
    public <T> T convert(Object value, Class<T> type) {
        return codec.convert(value, type);
    }

    /**
     * Converts a record, bean or map to free-form values (free-form values are returned as they are).
     *
     * @param value the value
     * @return the free-form value
     */
    public Object toFreeForm(Object value) {
        return codec.toFreeForm(value);
    }

    /** A malformed document's position (1-based line and column; 0 when unknown), without any of its text. */
    public static final class MalformedJson extends RuntimeException {
        private static final long serialVersionUID = 1L;
        /** The 1-based line, or 0. */
        private final int line;
        /** The 1-based column, or 0. */
        private final int column;

        MalformedJson(int line, int column) {
            super("malformed JSON" + (line > 0 ? " (line " + line + ", column " + column + ")" : ""), null, false,
                    false);
            this.line = line;
            this.column = column;
        }

        /**
         * The line of the error.
         *
         * @return the 1-based line, or 0 when unknown
         */
        public int line() {
            return line;
        }

        /**
         * The column of the error.
         *
         * @return the 1-based column, or 0 when unknown
         */
        public int column() {
            return column;
        }
    }
}
