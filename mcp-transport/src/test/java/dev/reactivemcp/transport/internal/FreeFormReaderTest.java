package dev.reactivemcp.transport.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The codec's own reader gives what Jackson's untyped deserializer gave (the reader it replaced): same values, same
 * types, same order, same typed errors for malformed documents.
 */
class FreeFormReaderTest {

    private final JsonCodec codec = JsonCodec.get();
    /** The reference: Jackson's untyped deserializer, configured as the codec used to be. */
    private final JsonMapper jackson = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],\"isError\":false}}",
        "{\"a\":1,\"b\":2147483648,\"c\":123456789012345678901234567890,\"d\":1.5,\"e\":-0.0,\"f\":1e400,\"g\":-7}",
        "{\"s\":\"\\u00e9\\n\\\"x\\\"\",\"t\":true,\"u\":false,\"n\":null,\"e\":{},\"l\":[],\"ll\":[[1],[{}]]}",
        "{\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,\"k8\":8,\"k9\":9,\"k10\":{\"x\":[1,2,3]}}",
        "{\"dup\":1,\"other\":2,\"dup\":3}",
        "[1,\"two\",3.0,null,{\"a\":[]}]",
        "\"just a string\"",
        "42",
        "null",
        "  {\"spaced\" : [ 1 , 2 ] }  "
    })
    void readsWhatJacksonsUntypedDeserializerReads(String json) {
        Object ours = codec.read(json.getBytes(UTF_8), "test");
        Object theirs = jackson.readValue(json, Object.class);

        assertThat(ours).isEqualTo(theirs);
        assertThat(describe(ours)).isEqualTo(describe(theirs));
        assertThat(codec.read(json, "test")).isEqualTo(ours);
    }

    @Test
    void keepsTheDocumentsOrderInSmallAndLargeObjects() {
        StringBuilder json = new StringBuilder("{");
        for (int i = 20; i > 0; i--) {
            json.append(i < 20 ? "," : "").append("\"k").append(i).append("\":{\"z\":1,\"a\":2,\"m\":3}");
        }
        Map<String, Object> read = Json.asObject(codec.read(json.append('}').toString(), "test"));

        assertThat(read.keySet()).first().isEqualTo("k20");
        assertThat(new ArrayList<>(read.keySet())).hasSize(20).endsWith("k2", "k1");
        assertThat(Json.object(read, "k7").keySet()).containsExactly("z", "a", "m");
    }

    @Test
    void aRepeatedNameKeepsItsFirstPlaceAndItsLastValue() {
        Map<String, Object> read = Json.asObject(codec.read("{\"a\":1,\"b\":2,\"a\":3}", "test"));

        assertThat(read).containsExactly(Map.entry("a", 3), Map.entry("b", 2));
    }

    @Test
    void decodedValuesStayMutableAsTheyWere() {
        Map<String, Object> read = Json.asObject(codec.read("{\"a\":1,\"l\":[1]}", "test"));
        read.put("b", 2);
        read.remove("a");
        Json.array(read, "l").add(2);

        assertThat(read).isEqualTo(Map.of("b", 2, "l", List.of(1, 2)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "{", "{\"a\":", "{\"a\" 1}", "[1,2", "{\"a\":1}}", "{\"a\":1} {\"b\":2}",
        "[1] 2", "{nope", "{'a':1}", "[1,]", "tru", "\"unterminated", "{\"a\":01}", "NaN"})
    void malformedDocumentsAreTypedProtocolErrorsNamingTheirContext(String json) {
        assertThatThrownBy(() -> jackson.readValue(json, Object.class)).as("the reference rejects it too")
                .isInstanceOf(tools.jackson.core.JacksonException.class);
        assertThatThrownBy(() -> codec.read(json.getBytes(UTF_8), "the test document"))
                .isInstanceOfSatisfying(McpException.class, e -> assertThat(e.failure())
                        .isInstanceOf(McpFailure.ProtocolError.class))
                .hasMessageStartingWith("malformed JSON in the test document: ");
    }

    @Test
    void aQuietReadOfAMalformedDocumentNamesThePositionOnly() {
        assertThatThrownBy(() -> codec.readQuietly("{\"token\":\"s3cret\"} trailing".getBytes(UTF_8)))
                .isInstanceOfSatisfying(JsonCodec.MalformedJson.class, e -> assertThat(e.line()).isEqualTo(1))
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void nestingDeeperThanTheLimitIsRejected() {
        JsonCodec shallow = new JsonCodec(4);
        assertThat(shallow.read("[[[[1]]]]", "test")).isEqualTo(List.of(List.of(List.of(List.of(1)))));
        assertThatThrownBy(() -> shallow.read("[[[[[1]]]]]", "test"))
                .isInstanceOfSatisfying(McpException.class, e -> assertThat(e.failure())
                        .isInstanceOf(McpFailure.ProtocolError.class))
                .hasMessageContaining("depth");

        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThatThrownBy(() -> codec.read(deep, "test")).isInstanceOf(McpException.class);
    }

    @Test
    void writesDecodedValuesBackAsTheSameDocument() {
        String json = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"b\":[1,{\"x\":null}],\"a\":\"é\"}}";

        assertThat(new String(codec.write(codec.read(json, "test")), UTF_8)).isEqualTo(json);
    }

    private static String describe(Object v) {
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            m.forEach((k, x) -> sb.append(k).append('=').append(describe(x)).append(';'));
            return sb.append('}').toString();
        }
        if (v instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            l.forEach(x -> sb.append(describe(x)).append(';'));
            return sb.append(']').toString();
        }
        return v == null ? "null" : v.getClass().getSimpleName() + ":" + v;
    }

    @Test
    void numbersHaveTheTypesOfBefore() {
        Map<String, Object> read = Json.asObject(codec.read(
                "{\"i\":1,\"l\":4294967296,\"b\":18446744073709551616,\"d\":0.1}", "test"));

        assertThat(read.get("i")).isInstanceOf(Integer.class);
        assertThat(read.get("l")).isInstanceOf(Long.class);
        assertThat(read.get("b")).isEqualTo(new BigInteger("18446744073709551616"));
        assertThat(read.get("d")).isEqualTo(0.1d);
        assertThat(new LinkedHashMap<>(read)).isEqualTo(read);
    }
}
