package dev.reactivemcp.transport.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A request written from its parts, and a value encoded once and spliced into every document it is put in. */
class JsonCodecRequestTest {

    private final JsonCodec codec = JsonCodec.get();

    @Test
    void aRequestWrittenFromItsPartsHasTheBytesOfTheMessageMap() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("name", "é \"quoted\"\n");
        params.put("arguments", Map.of("n", 1, "list", List.of(true, 2.5)));

        for (Object id : List.of(7L, 9_007_199_254_740_993L, "id-1")) {
            assertThat(new String(codec.writeRequest(id, "tools/call", params), UTF_8))
                    .isEqualTo(new String(codec.write(JsonRpc.request(id, "tools/call", params)), UTF_8));
        }
        assertThat(new String(codec.writeRequest(1L, "ping", null), UTF_8))
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
    }

    @Test
    void aValueEncodedOnceIsWrittenAsItsJsonWhereverItIsPut() {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("io.modelcontextprotocol/protocolVersion", "2026-07-28");
        meta.put("io.modelcontextprotocol/clientInfo", Map.of("name", "ü\"x\""));
        Object encoded = codec.encodeOnce(meta);

        for (int i = 0; i < 2; i++) {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("name", "echo");
            params.put("_meta", encoded);
            Map<String, Object> sameAsMap = new LinkedHashMap<>(params);
            sameAsMap.put("_meta", meta);

            byte[] written = codec.writeRequest(i, "tools/call", params);

            assertThat(new String(written, UTF_8))
                    .isEqualTo(new String(codec.writeRequest(i, "tools/call", sameAsMap), UTF_8));
            assertThat(codec.read(written, "request"))
                    .isEqualTo(JsonRpc.request(i, "tools/call", sameAsMap));
        }
    }
}
