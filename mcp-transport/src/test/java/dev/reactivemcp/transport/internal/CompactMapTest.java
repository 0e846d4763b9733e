package dev.reactivemcp.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The compact map behaves as a LinkedHashMap does, operation by operation, and so does its frozen copy (the same
 * {@link ArrayMap} code; its immutability is in {@link CompactJsonTest}).
 */
class CompactMapTest {

    @Test
    void aRandomSequenceOfOperationsLeavesItEqualToALinkedHashMapAtEveryStep() {
        Random random = new Random(16);
        for (int run = 0; run < 200; run++) {
            CompactMap ours = new CompactMap(random.nextInt(3));
            Map<String, Object> reference = new LinkedHashMap<>();
            for (int step = 0; step < 60; step++) {
                String key = "k" + random.nextInt(12);
                Object value = random.nextInt(4) == 0 ? null : random.nextInt(100);
                switch (random.nextInt(6)) {
                    case 0, 1, 2 -> assertThat(ours.put(key, value)).isEqualTo(reference.put(key, value));
                    case 3 -> assertThat(ours.remove(key)).isEqualTo(reference.remove(key));
                    case 4 -> {
                        ours.entrySet().removeIf(e -> e.getValue() == null);
                        reference.entrySet().removeIf(e -> e.getValue() == null);
                    }
                    default -> {
                        if (random.nextInt(10) == 0) {
                            ours.clear();
                            reference.clear();
                        }
                    }
                }
                assertSame(ours, reference);
            }
        }
    }

    private static void assertSame(CompactMap ours, Map<String, Object> reference) {
        assertBehavesAs(ours, reference);
        Map<String, Object> frozen = CompactJson.object(ours);
        assertThat(frozen).isInstanceOf(ArrayMap.Frozen.class); // the empty one too: it answers null lookups
        assertBehavesAs(frozen, reference);
    }

    private static void assertBehavesAs(Map<String, Object> ours, Map<String, Object> reference) {
        assertThat(ours).isEqualTo(reference);
        assertThat(reference).isEqualTo(ours);
        assertThat(ours.hashCode()).isEqualTo(reference.hashCode());
        assertThat(ours.toString()).isEqualTo(reference.toString());
        assertThat(ours.size()).isEqualTo(reference.size());
        assertThat(new ArrayList<>(ours.keySet())).isEqualTo(new ArrayList<>(reference.keySet()));
        assertThat(new ArrayList<>(ours.values())).isEqualTo(new ArrayList<>(reference.values()));
        for (String k : List.of("k0", "k5", "k11", "absent")) {
            assertThat(ours.containsKey(k)).isEqualTo(reference.containsKey(k));
            assertThat(ours.get(k)).isEqualTo(reference.get(k));
        }
        assertThat(ours.containsValue(null)).isEqualTo(reference.containsValue(null));
        List<String> forEachOrder = new ArrayList<>();
        ours.forEach((k, v) -> forEachOrder.add(k));
        assertThat(forEachOrder).containsExactlyElementsOf(reference.keySet());
    }

    @Test
    void aNullValueIsNotEqualToAMissingKeyEitherWay() {
        CompactMap ours = new CompactMap(2);
        ours.put("a", null);
        Map<String, Object> other = new LinkedHashMap<>();
        other.put("b", null);
        Map<String, Object> same = new LinkedHashMap<>();
        same.put("a", null);

        for (Map<String, Object> m : List.of(ours, CompactJson.object(ours))) {
            assertThat(m).isNotEqualTo(other).isEqualTo(same).isNotEqualTo(Map.of("a", 1)).isNotEqualTo(List.of());
            assertThat(other).isNotEqualTo(m);
            assertThat(m.hashCode()).isEqualTo(same.hashCode());
        }
        CompactMap nullKey = new CompactMap(1);
        nullKey.put(null, 1);
        assertThat(nullKey.equals(Map.of("a", 1))).as("against a map that refuses null lookups").isFalse();
    }

    @Test
    void entriesWriteThroughAndIteratorsRemove() {
        CompactMap m = new CompactMap(2);
        m.put("a", 1);
        m.put("b", 2);
        m.put("c", 3);
        for (Map.Entry<String, Object> e : m.entrySet()) {
            e.setValue(((Integer) e.getValue()) * 10);
        }
        Iterator<String> keys = m.keySet().iterator();
        keys.next();
        keys.remove();
        assertThatThrownBy(keys::remove).isInstanceOf(IllegalStateException.class);

        assertThat(m).containsExactly(Map.entry("b", 20), Map.entry("c", 30));
        assertThat(m.entrySet()).contains(Map.entry("c", 30));
        assertThat(Map.entry("b", 20)).isEqualTo(m.entrySet().iterator().next());
    }

    @Test
    void aStructuralChangeDuringIterationFailsFast() {
        CompactMap m = new CompactMap(4);
        m.put("a", 1);
        m.put("b", 2);
        Iterator<Map.Entry<String, Object>> it = m.entrySet().iterator();
        it.next();
        m.put("c", 3);

        assertThatThrownBy(it::next).isInstanceOf(ConcurrentModificationException.class);
        assertThatThrownBy(() -> m.forEach((k, v) -> m.remove("a")))
                .isInstanceOf(ConcurrentModificationException.class);
    }

    @Test
    void survivesJavaSerializationAsAnEqualMap() throws Exception {
        CompactMap m = new CompactMap(1);
        m.put("x", List.of(1, 2));
        m.put("y", null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(m);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            @SuppressWarnings("unchecked")
            Map<String, Object> back = (Map<String, Object>) in.readObject();
            assertThat(back).isEqualTo(m).containsExactly(org.assertj.core.api.Assertions.entry("x", List.of(1, 2)), org.assertj.core.api.Assertions.entry("y", null));
            back.put("z", 1);
            assertThat(back).hasSize(3);
        }
    }
}
