package dev.reactivemcp.transport.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The codec writes every value with exactly the bytes Jackson writes for it, with or without its own writer. */
class PlainJsonWriterTest {

    private final JsonCodec codec = JsonCodec.get();
    private final JsonMapper jackson = JsonMapper.builder().build();

    record Point(int x, int y) { }

    @Test
    void everyCharacterClassIsEscapedAsJacksonEscapesIt() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x3000; c++) {
            if (!Character.isSurrogate(c)) {
                all.append(c);
            }
        }
        all.append("\u2028\u2029\uFEFF\uFFFF/\\\"");
        Map<String, Object> value = new LinkedHashMap<>();
        value.put(all.toString(), all.toString());

        assertSameBytes(value);
        assertThat(PlainJsonWriter.write(value, style())).as("written by the plain writer").isNotNull();
    }

    @Test
    void randomDocumentsHaveJacksonsBytes() {
        Random random = new Random(8);
        for (int i = 0; i < 2000; i++) {
            assertSameBytes(randomValue(random, 0));
        }
    }

    @Test
    void numbersAtTheirLimitsHaveJacksonsBytes() {
        for (Object n : List.of(0, -1, 9, 10, 99, 100, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE,
                Long.MIN_VALUE, Long.MIN_VALUE + 1, (short) -5, (byte) 7, 0.0, -0.0, 1e-7, 1e21, 123456.789,
                Double.MIN_VALUE, Double.MAX_VALUE, new BigInteger("-123456789012345678901234567890"))) {
            assertSameBytes(List.of(n));
        }
    }

    @Test
    void whatThePlainWriterLeavesToJacksonStillHasJacksonsBytes() {
        List<Object> others = List.of(new Point(1, 2), 1.5f, Double.NaN, Double.POSITIVE_INFINITY,
                new BigDecimal("1.50"), "\uD83D\uDE00 pair", Optional.of("x"),
                new int[] {1, 2}, Map.of(1, "non-string key"));
        for (Object other : others) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("before", "x");
            doc.put("other", other);
            assertThat(PlainJsonWriter.write(doc, style())).as("left to Jackson: %s", other).isNull();
            assertThat(codec.write(doc)).isEqualTo(jackson.writeValueAsBytes(doc));
        }
    }

    @Test
    void aRequestHasTheBytesOfItsMessageMapWithAndWithoutParams() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("name", "echo");
        params.put("arguments", Map.of("message", "h\u00e9llo/\u0001"));
        params.put("_meta", codec.encodeOnce(Map.of("io.modelcontextprotocol/protocolVersion", "2026-07-28")));
        Map<String, Object> sameAsMap = new LinkedHashMap<>(params);
        sameAsMap.put("_meta", Map.of("io.modelcontextprotocol/protocolVersion", "2026-07-28"));

        for (Object id : List.of(0L, 42L, -3L, "abc")) {
            assertThat(new String(codec.writeRequest(id, "tools/call", params), UTF_8))
                    .isEqualTo(jackson.writeValueAsString(JsonRpc.request(id, "tools/call", sameAsMap)));
            assertThat(new String(codec.writeRequest(id, "ping", null), UTF_8))
                    .isEqualTo(jackson.writeValueAsString(JsonRpc.request(id, "ping", null)));
        }
    }

    private PlainJsonWriter.Style style() {
        return new PlainJsonWriter.Style(jackson.writeValueAsString("/").equals("\"\\/\""),
                jackson.writeValueAsString("\u001f").equals("\"\\u001F\""));
    }

    private void assertSameBytes(Object value) {
        assertThat(new String(codec.write(value), UTF_8)).isEqualTo(jackson.writeValueAsString(value));
        assertThat(Arrays.equals(codec.write(value), jackson.writeValueAsBytes(value))).isTrue();
    }

    private static Object randomValue(Random r, int depth) {
        int kind = r.nextInt(depth > 3 ? 6 : 8);
        switch (kind) {
            case 0:
                return null;
            case 1:
                return r.nextBoolean();
            case 2:
                return r.nextBoolean() ? (Object) r.nextInt() : (Object) r.nextLong();
            case 3:
                return r.nextBoolean() ? r.nextDouble() * Math.pow(10, r.nextInt(40) - 20) : (double) r.nextInt(1000);
            case 4:
            case 5:
                StringBuilder sb = new StringBuilder();
                for (int i = r.nextInt(12); i > 0; i--) {
                    sb.append((char) (r.nextInt(4) == 0 ? r.nextInt(0x100) : r.nextInt(3) == 0
                            ? 0x400 + r.nextInt(0x2000) : ' ' + r.nextInt(95)));
                }
                return sb.toString();
            case 6:
                Map<String, Object> m = r.nextBoolean() ? new LinkedHashMap<>() : new HashMap<>();
                for (int i = r.nextInt(5); i > 0; i--) {
                    m.put("k" + r.nextInt(100) + (r.nextBoolean() ? "/\n" : ""), randomValue(r, depth + 1));
                }
                return m;
            default:
                List<Object> l = new ArrayList<>();
                for (int i = r.nextInt(5); i > 0; i--) {
                    l.add(randomValue(r, depth + 1));
                }
                return l;
        }
    }
}
