package dev.reactivemcp.errors.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonReaderTest {

    @Test
    void readsNestedObjectsArraysAndScalars() {
        Map<String, Object> json = JsonReader.parseObject(
            " {\"error\":{\"code\":-32022,\"message\":\"no\",\"data\":{\"supported\":[\"2026-07-28\",\"2025-11-25\"],"
                + "\"ratio\":1.5e2,\"ok\":true,\"none\":null,\"empty\":{},\"list\":[]}}} ").orElseThrow();

        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) json.get("error");
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) error.get("data");
        assertThat(error.get("code")).isEqualTo(-32022L);
        assertThat(data.get("supported")).isEqualTo(List.of("2026-07-28", "2025-11-25"));
        assertThat(data).containsEntry("ratio", 150.0).containsEntry("ok", true).containsEntry("none", null)
            .containsEntry("empty", Map.of()).containsEntry("list", List.of());
    }

    @Test
    void decodesEveryStringEscapeIncludingSurrogatePairs() {
        Map<String, Object> json = JsonReader.parseObject(
            "{\"s\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"}").orElseThrow();

        assertThat(json.get("s")).isEqualTo("\"\\/\b\f\n\r\té\uD83D\uDE00");
    }

    @Test
    void returnedObjectsAndArraysAreUnmodifiable() {
        Map<String, Object> json = JsonReader.parseObject("{\"a\":[1]}").orElseThrow();

        assertThat(json).isUnmodifiable();
        assertThat((List<?>) json.get("a")).isUnmodifiable();
    }

    @Test
    void refusesAnythingButExactlyOneValidObject() {
        List<String> invalid = List.of("", "[]", "\"x\"", "{", "{}}", "{} x", "{\"a\":1,}", "{\"a\" 1}", "{a:1}",
            "{\"a\":01}", "{\"a\":-}", "{\"a\":1.}", "{\"a\":1e}", "{\"a\":tru}", "{\"a\":\"\u0001\"}",
            "{\"a\":\"\\x\"}", "{\"a\":\"\\u12g4\"}", "{\"a\":\"open}", "{\"a\":1,\"a\":2}", "{'a':1}");

        assertThat(invalid).allSatisfy(text -> assertThat(JsonReader.parseObject(text)).as(text).isEmpty());
        assertThat(JsonReader.parseObject(null)).isEmpty();
    }

    @Test
    void refusesNestingDeeperThanTheBound() {
        String deep = "{\"a\":".repeat(JsonReader.MAX_DEPTH + 2) + "1" + "}".repeat(JsonReader.MAX_DEPTH + 2);
        String fine = "{\"a\":".repeat(JsonReader.MAX_DEPTH) + "1" + "}".repeat(JsonReader.MAX_DEPTH);

        assertThat(JsonReader.parseObject(deep)).isEmpty();
        assertThat(JsonReader.parseObject(fine)).isPresent();
    }

    @Test
    void refusesInputLongerThanTheBound() {
        String padded = "{\"a\":\"" + "x".repeat(JsonReader.MAX_LENGTH) + "\"}";

        assertThat(JsonReader.parseObject(padded)).isEmpty();
    }

    @Test
    void largeIntegersBecomeDoublesInsteadOfOverflowing() {
        assertThat(JsonReader.parseObject("{\"n\":123456789012345678901}").orElseThrow().get("n"))
            .isEqualTo(1.2345678901234568E20);
    }

    @Test
    void garbageNeverThrows() {
        String alphabet = "{}[]\":,\\ tfnrue0123456789-+.eEa\u0001";
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder("{");
            for (int k = random.nextInt(40); k > 0; k--) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertThat(JsonReader.parseObject(text.toString())).isNotNull();
        }
        System.out.println("JsonReaderTest: 20000 random, mostly malformed JSON error bodies parsed, 0 threw");
    }
}
