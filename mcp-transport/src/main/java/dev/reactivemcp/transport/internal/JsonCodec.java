package dev.reactivemcp.transport.internal;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.transport.McpTransportException;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.io.SerializedString;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JacksonSerializable;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.jsontype.TypeSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.util.RawValue;

/**
 * The only place Jackson is used: JSON bytes to free-form values ({@code Map<String,Object>} with insertion
 * order, {@code List<Object>}, String, Integer/Long/BigInteger, Double, Boolean, null) and back. Documents are read
 * by {@link FreeFormReader} straight from Jackson's token stream (small objects as {@link CompactMap}).
 */
public final class JsonCodec {

    private static final JsonCodec DEFAULT = new JsonCodec(64);

    private final JsonMapper mapper;
    /** Makes the parsers free-form values are read from (see {@link FreeFormReader}). */
    private final JsonFactory factory;
    /** How this codec's Jackson escapes, for {@link PlainJsonWriter} to write the same bytes. */
    private final PlainJsonWriter.Style plainStyle;

    /** A codec rejecting documents nested deeper than {@code maxDepth}. */
    public JsonCodec(int maxDepth) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxDepth).build())
                .build();
        this.mapper = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        this.factory = factory;
        this.plainStyle = new PlainJsonWriter.Style(mapper.writeValueAsString("/").equals("\"\\/\""),
                mapper.writeValueAsString("\u001f").equals("\"\\u001F\""));
    }

    /** The shared default codec. */
    public static JsonCodec get() {
        return DEFAULT;
    }

    /** Parses any JSON value; malformed input fails with a typed protocol error naming the context. */
    public Object read(byte[] json, String context) {
        try {
            return FreeFormReader.read(factory.createParser(json));
        } catch (JacksonException e) {
            throw malformed(context, e);
        }
    }

    /**
     * Parses any JSON value; the context naming the document is built only when it is malformed (the hot path
     * allocates no message).
     */
    public Object read(byte[] json, java.util.function.Supplier<String> context) {
        try {
            return FreeFormReader.read(factory.createParser(json));
        } catch (JacksonException e) {
            throw malformed(context.get(), e);
        }
    }

    /**
     * Parses any JSON value from {@code length} bytes of {@code json} starting at {@code offset} (e.g. the data of
     * an SSE event, without copying it to a String first).
     */
    public Object read(byte[] json, int offset, int length, String context) {
        try {
            return FreeFormReader.read(factory.createParser(json, offset, length));
        } catch (JacksonException e) {
            throw malformed(context, e);
        }
    }

    /** Parses any JSON value from a string. */
    public Object read(String json, String context) {
        try {
            return FreeFormReader.read(factory.createParser(json));
        } catch (JacksonException e) {
            throw malformed(context, e);
        }
    }

    /**
     * Parses any JSON value for a document that holds secrets (a token file): a malformed one throws
     * {@link MalformedJson}, which names the position only, never the text around it.
     */
    public Object readQuietly(byte[] json) {
        try {
            return FreeFormReader.read(factory.createParser(json));
        } catch (JacksonException e) {
            TokenStreamLocation at = e.getLocation();
            throw new MalformedJson(at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr());
        }
    }

    /** Serializes a free-form value as indented JSON (for files people read). */
    public byte[] writePretty(Object value) {
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
    }

    /** A malformed document's position (1-based line and column; 0 when unknown), without any of its text. */
    public static final class MalformedJson extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int line;
        private final int column;

        MalformedJson(int line, int column) {
            super("malformed JSON" + (line > 0 ? " (line " + line + ", column " + column + ")" : ""), null, false,
                    false);
            this.line = line;
            this.column = column;
        }

        /** The 1-based line, or 0 when unknown. */
        public int line() {
            return line;
        }

        /** The 1-based column, or 0 when unknown. */
        public int column() {
            return column;
        }
    }

    /** Serializes a free-form value. */
    public byte[] write(Object value) {
        byte[] plain = PlainJsonWriter.write(value, plainStyle);
        return plain != null ? plain : mapper.writeValueAsBytes(value);
    }

    /**
     * Serializes the JSON-RPC request {@code {"jsonrpc":"2.0","id":id,"method":method,"params":params}} (the bytes
     * {@link #write} gives for {@link JsonRpc#request}) straight from its parts, without building the message map.
     */
    public byte[] writeRequest(Object id, String method, Object params) {
        byte[] plain = PlainJsonWriter.writeRequest(id, method, params, plainStyle);
        return plain != null ? plain : mapper.writeValueAsBytes(new Request(id, method, params));
    }

    /** A request message as its parts, written in the order {@link JsonRpc#request} puts them. */
    private record Request(Object id, String method, Object params) implements JacksonSerializable {
        @Override
        public void serialize(JsonGenerator gen, SerializationContext ctxt) {
            gen.writeStartObject();
            gen.writeStringProperty("jsonrpc", "2.0");
            gen.writeName("id");
            ctxt.writeValue(gen, id);
            gen.writeStringProperty("method", method);
            if (params != null) {
                gen.writeName("params");
                ctxt.writeValue(gen, params);
            }
            gen.writeEndObject();
        }

        @Override
        public void serializeWithType(JsonGenerator gen, SerializationContext ctxt, TypeSerializer typeSer) {
            serialize(gen, ctxt);
        }
    }

    /**
     * {@code value} serialized now, once, as an opaque value that {@link #write} copies verbatim wherever it sits in
     * a document: for what every request repeats, such as the client's 2026-07-28 {@code _meta}. Only
     * {@link #write} understands it; it is not a free-form value, so keep it out of maps that other code reads.
     */
    public Object encodeOnce(Object value) {
        return new RawValue(new SerializedString(writeString(value)));
    }

    /** Serializes a free-form value to a string. */
    public String writeString(Object value) {
        return mapper.writeValueAsString(value);
    }

    /** Converts a free-form value to {@code type} (a record, a POJO, a Map...). */
    public <T> T convert(Object value, Class<T> type) {
        try {
            return mapper.convertValue(value, type);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new McpTransportException(new McpFailure.ProtocolError(
                    "cannot convert result to " + type.getSimpleName() + ": " + firstLine(e.getMessage())),
                    "cannot convert result to " + type.getName(), null);
        }
    }

    /** Converts a value (record, POJO, Map) to free-form JSON values. */
    public Object toFreeForm(Object value) {
        if (value == null || value instanceof Map || value instanceof List || value instanceof String
                || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        return mapper.convertValue(value, Object.class);
    }

    private static McpTransportException malformed(String context, JacksonException e) {
        String detail = "malformed JSON in " + context + ": " + firstLine(e.getOriginalMessage());
        return new McpTransportException(new McpFailure.ProtocolError(detail), detail, null);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
