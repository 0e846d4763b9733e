package dev.reactivemcp.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reactivemcp.transport.Implementation;
import dev.reactivemcp.transport.InitializeResult;
import dev.reactivemcp.transport.ProtocolEra;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The compact immutable copies of parsed JSON a client keeps for its life: same content, order, Map contract. */
class CompactJsonTest {

    private static Map<String, Object> parsedLike() {
        Map<String, Object> tools = new LinkedHashMap<>();
        tools.put("listChanged", true);
        Map<String, Object> caps = new LinkedHashMap<>();
        caps.put("zeta", Map.of());
        caps.put("tools", tools);
        caps.put("logging", new LinkedHashMap<>());
        caps.put("absent", null);
        caps.put("list", new ArrayList<>(Arrays.asList(1, null, "x", new LinkedHashMap<>(Map.of("k", 2.5)))));
        caps.put("alpha", "last");
        return caps;
    }

    @Test
    void aCopyIsEqualToItsSourceHashesAlikeAndIteratesInTheSameOrder() {
        Map<String, Object> source = parsedLike();
        Map<String, Object> copy = CompactJson.object(source);

        assertThat(copy).isEqualTo(source);
        assertThat(source).isEqualTo(copy);
        assertThat(copy.hashCode()).isEqualTo(source.hashCode());
        assertThat(copy.toString()).isEqualTo(source.toString());
        assertThat(new ArrayList<>(copy.keySet())).containsExactly("zeta", "tools", "logging", "absent", "list", "alpha");
        assertThat(new ArrayList<>(copy.values())).isEqualTo(new ArrayList<>(source.values()));
        List<String> forEachOrder = new ArrayList<>();
        copy.forEach((k, v) -> forEachOrder.add(k));
        assertThat(forEachOrder).containsExactlyElementsOf(source.keySet());
    }

    @Test
    @SuppressWarnings("unchecked")
    void lookupsKeepJsonNullsApartFromMissingKeys() {
        Map<String, Object> copy = CompactJson.object(parsedLike());

        assertThat(copy).hasSize(6).containsKey("absent").doesNotContainKey("missing");
        assertThat(copy.get("absent")).isNull();
        assertThat(copy.getOrDefault("absent", "d")).isNull();
        assertThat(copy.getOrDefault("missing", "d")).isEqualTo("d");
        assertThat(copy.get(null)).isNull();
        assertThat(copy.containsValue("last")).isTrue();
        assertThat((List<Object>) copy.get("list")).containsExactly(1, null, "x", Map.of("k", 2.5));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theCopyIsDeepAndIndependentOfLaterChangesToTheSource() {
        Map<String, Object> source = parsedLike();
        Map<String, Object> copy = CompactJson.object(source);

        ((Map<String, Object>) source.get("tools")).put("listChanged", false);
        ((List<Object>) source.get("list")).add("more");
        source.put("added", 1);

        assertThat(Json.object(copy, "tools")).containsEntry("listChanged", true);
        assertThat((List<Object>) copy.get("list")).hasSize(4);
        assertThat(copy).doesNotContainKey("added");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyMutatorOfTheCopyAndOfItsNestedValuesFails() {
        Map<String, Object> copy = CompactJson.object(parsedLike());
        Map<String, Object> nested = Json.object(copy, "tools");
        List<Object> list = (List<Object>) copy.get("list");

        for (Runnable mutation : List.<Runnable>of(() -> copy.put("a", 1), () -> copy.remove("tools"),
                copy::clear, () -> copy.putAll(Map.of("a", 1)), () -> copy.putIfAbsent("a", 1),
                () -> copy.computeIfAbsent("a", k -> 1), () -> copy.merge("alpha", 1, (a, b) -> b),
                () -> copy.replaceAll((k, v) -> v), () -> copy.entrySet().clear(),
                () -> copy.keySet().remove("tools"), () -> copy.values().clear(),
                () -> copy.entrySet().iterator().next().setValue(1), () -> copy.replace("alpha", "x"),
                () -> copy.remove("missing"), () -> copy.putIfAbsent("alpha", "x"), () -> firstRemoved(copy),
                () -> copy.entrySet().removeIf(e -> true), () -> copy.keySet().retainAll(List.of()),
                () -> nested.put("listChanged", false), () -> list.add(2), () -> list.set(0, 2))) {
            assertThatThrownBy(mutation::run).isInstanceOf(UnsupportedOperationException.class);
        }
        assertThat(copy).isEqualTo(parsedLike());
    }

    private static void firstRemoved(Map<String, Object> map) {
        Iterator<String> keys = map.keySet().iterator();
        keys.next();
        keys.remove();
    }

    @Test
    void aCopyOfADecodedObjectIsFrozenAndADecodedObjectItself() {
        @SuppressWarnings("unchecked")
        Map<String, Object> decoded = (Map<String, Object>) JsonCodec.get().read(
                "{\"tools\":{\"listChanged\":true},\"x\":null,\"n\":[1,{\"a\":2}]}", "test");
        Map<String, Object> copy = CompactJson.object(decoded);

        assertThat(decoded).isInstanceOf(CompactMap.class);
        assertThat(copy).isInstanceOf(ArrayMap.Frozen.class).isEqualTo(decoded).isNotSameAs(decoded);
        assertThat(new ArrayList<>(copy.keySet())).containsExactly("tools", "x", "n");
        assertThat(CompactJson.readOnly(copy)).isSameAs(copy);
        decoded.put("later", 1);
        Json.object(decoded, "tools").put("listChanged", false);
        assertThat(copy).hasSize(3).containsEntry("tools", Map.of("listChanged", true));
        assertThatThrownBy(() -> Json.object(copy, "tools").put("k", 1))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void anEmptyObjectIsOneSharedCopyThatAnswersNullQueriesAndALargeOneKeepsItsOrder() {
        Map<String, Object> empty = CompactJson.object(new LinkedHashMap<>());
        assertThat(CompactJson.object(Map.of())).isSameAs(empty);
        assertThat(empty).isEmpty();
        assertThat(empty).isEqualTo(Map.of()).hasSameHashCodeAs(Map.of());
        // what a decoded LinkedHashMap answers; Map.of() would throw NullPointerException
        assertThat(empty.containsKey(null)).isFalse();
        assertThat(empty.containsValue(null)).isFalse();
        assertThat(empty.get(null)).isNull();
        assertThatThrownBy(() -> empty.put("k", 1)).isInstanceOf(UnsupportedOperationException.class);
        List<Object> none = CompactJson.array(new ArrayList<>());
        assertThat(CompactJson.array(List.of())).isSameAs(none);
        assertThat(none.contains(null)).isFalse();
        assertThat(none.indexOf(null)).isEqualTo(-1);
        assertThat(none).isEqualTo(List.of());
        assertThat(CompactJson.object(null)).isNull();

        Map<String, Object> large = new LinkedHashMap<>();
        for (int i = CompactJson.LINEAR_MAX * 2; i > 0; i--) {
            large.put("k" + i, i);
        }
        Map<String, Object> copy = CompactJson.object(large);
        assertThat(copy).isEqualTo(large);
        assertThat(new ArrayList<>(copy.keySet())).containsExactlyElementsOf(large.keySet());
        assertThatThrownBy(() -> copy.put("k1", 0)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aCopyIsNotCopiedAgainAndTheHandshakeResultDoesNotWrapIt() {
        Map<String, Object> copy = CompactJson.object(parsedLike());
        assertThat(CompactJson.object(copy)).isSameAs(copy);

        InitializeResult r = new InitializeResult("2025-11-25", ProtocolEra.LEGACY, copy,
                Implementation.of("s", "1"), null, null);
        assertThat(r.capabilities()).isSameAs(copy);
        assertThat(r.meta()).isEmpty();
        Map<String, Object> mutable = new LinkedHashMap<>(Map.of("tools", Map.of()));
        InitializeResult wrapped = new InitializeResult("2025-11-25", ProtocolEra.LEGACY, mutable, null, null, null);
        assertThatThrownBy(() -> wrapped.capabilities().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aCopyEncodesToTheSameJsonAsItsSource() {
        JsonCodec codec = JsonCodec.get();
        Map<String, Object> source = parsedLike();
        assertThat(new String(codec.write(CompactJson.object(source)), StandardCharsets.UTF_8))
                .isEqualTo(new String(codec.write(source), StandardCharsets.UTF_8));
    }
}
