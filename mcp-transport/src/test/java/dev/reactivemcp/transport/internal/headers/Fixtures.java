package dev.reactivemcp.transport.internal.headers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** Loads JSON fixtures under {@code src/test/resources/headers/} as free-form values. */
final class Fixtures {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Fixtures() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(String name) {
        return (Map<String, Object>) read(name);
    }

    @SuppressWarnings("unchecked")
    static List<Object> array(String name) {
        return (List<Object>) read(name);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(String text) {
        return MAPPER.readValue(text, Map.class);
    }

    private static Object read(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/headers/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            return MAPPER.readValue(in, Object.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
