package dev.reactivemcp.transport.spi;

import java.util.List;
import java.util.Map;

/**
 * Lenient, typed reads of free-form JSON values as {@link JsonCodec} produces them: a missing key or a value of
 * another type reads as absent ({@code null}, an empty collection or the given default), never as an exception.
 *
 * <pre>{@code
 * Map<String, Object> metadata = Json.asObject(JsonCodec.get().read(body, "authorization server metadata"));
 * String tokenEndpoint = Json.string(metadata, "token_endpoint");
 * boolean pkce = Json.array(metadata, "code_challenge_methods_supported").contains("S256");
 * }</pre>
 */
public final class Json {
    private Json() { }

    /**
     * The string at {@code key}.
     *
     * @param m an object, or null
     * @param key the member name
     * @return the string, or null when absent or not a string
     */
    public static String string(Map<String, Object> m, String key) {
        return dev.reactivemcp.transport.internal.Json.string(m, key);
    }

    /**
     * The object at {@code key}.
     *
     * @param m an object, or null
     * @param key the member name
     * @return the object, or null when absent or not an object
     */
    public static Map<String, Object> object(Map<String, Object> m, String key) {
        return dev.reactivemcp.transport.internal.Json.object(m, key);
    }

    /**
     * The object at {@code key}, or an empty map.
     *
     * @param m an object, or null
     * @param key the member name
     * @return the object, or an empty map when absent or not an object
     */
    public static Map<String, Object> objectOrEmpty(Map<String, Object> m, String key) {
        return dev.reactivemcp.transport.internal.Json.objectOrEmpty(m, key);
    }

    /**
     * The array at {@code key}, or an empty list.
     *
     * @param m an object, or null
     * @param key the member name
     * @return the array, or an empty list when absent or not an array
     */
    public static List<Object> array(Map<String, Object> m, String key) {
        return dev.reactivemcp.transport.internal.Json.array(m, key);
    }

    /**
     * The objects of the array at {@code key}; other elements are skipped.
     *
     * @param m an object, or null
     * @param key the member name
     * @return the objects, unmodifiable; empty when absent or not an array
     */
    public static List<Map<String, Object>> objects(Map<String, Object> m, String key) {
        return dev.reactivemcp.transport.internal.Json.objects(m, key);
    }

    /**
     * The number at {@code key}.
     *
     * @param m an object, or null
     * @param key the member name
     * @return the number, or null when absent or not a number
     */
    public static Number number(Map<String, Object> m, String key) {
        return dev.reactivemcp.transport.internal.Json.number(m, key);
    }

    /**
     * The boolean at {@code key}.
     *
     * @param m an object, or null
     * @param key the member name
     * @param dflt the answer when absent or not a boolean
     * @return the boolean, or {@code dflt}
     */
    public static boolean bool(Map<String, Object> m, String key, boolean dflt) {
        return dev.reactivemcp.transport.internal.Json.bool(m, key, dflt);
    }

    /**
     * {@code value} as an object.
     *
     * @param value a free-form value, or null
     * @return the value as an object, or null when it is not one
     */
    public static Map<String, Object> asObject(Object value) {
        return dev.reactivemcp.transport.internal.Json.asObject(value);
    }

    /**
     * An unmodifiable copy of the top level of {@code m}.
     *
     * @param m an object, or null
     * @return an unmodifiable copy (insertion order kept); empty for null
     */
    public static Map<String, Object> frozen(Map<String, Object> m) {
        return dev.reactivemcp.transport.internal.Json.frozen(m);
    }
}
