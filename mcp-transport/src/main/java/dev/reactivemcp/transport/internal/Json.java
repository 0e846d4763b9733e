package dev.reactivemcp.transport.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Lenient, typed reads of free-form JSON values (a wrong type reads as absent). */
public final class Json {
    private Json() { }

    /** The string at {@code key}, or null. */
    public static String string(Map<String, Object> m, String key) {
        return m != null && m.get(key) instanceof String s ? s : null;
    }

    /** The object at {@code key}, or null. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Map<String, Object> m, String key) {
        return m != null && m.get(key) instanceof Map<?, ?> o ? (Map<String, Object>) o : null;
    }

    /** The object at {@code key}, or an empty map. */
    public static Map<String, Object> objectOrEmpty(Map<String, Object> m, String key) {
        Map<String, Object> o = object(m, key);
        return o == null ? Map.of() : o;
    }

    /** The array at {@code key}, or an empty list. */
    @SuppressWarnings("unchecked")
    public static List<Object> array(Map<String, Object> m, String key) {
        return m != null && m.get(key) instanceof List<?> l ? (List<Object>) l : List.of();
    }

    /** The number at {@code key}, or null. */
    public static Number number(Map<String, Object> m, String key) {
        return m != null && m.get(key) instanceof Number n ? n : null;
    }

    /** The boolean at {@code key}, or {@code dflt}. */
    public static boolean bool(Map<String, Object> m, String key, boolean dflt) {
        return m != null && m.get(key) instanceof Boolean b ? b : dflt;
    }

    /** {@code value} as an object, or null. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> asObject(Object value) {
        return value instanceof Map<?, ?> o ? (Map<String, Object>) o : null;
    }

    /** The objects of an array (other elements skipped), unmodifiable. */
    public static List<Map<String, Object>> objects(Map<String, Object> m, String key) {
        List<Object> array = array(m, key);
        int n = array.size();
        if (n == 0) {
            return List.of();
        }
        if (n == 1) {
            Map<String, Object> only = asObject(array.get(0));
            return only == null ? List.of() : List.of(only);
        }
        List<Map<String, Object>> result = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, Object> o = asObject(array.get(i));
            if (o != null) {
                result.add(o);
            }
        }
        return Collections.unmodifiableList(result);
    }

    /** An unmodifiable view of a mutable copy (top level). */
    public static Map<String, Object> frozen(Map<String, Object> m) {
        return m == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }
}
