package dev.reactivemcp.transport.internal.headers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StandardHeadersTest {

    @SuppressWarnings("unchecked")
    static Stream<Arguments> fixtureCases() {
        return Fixtures.array("http-standard-headers.json").stream().map(c -> (Map<String, Object>) c)
                .map(c -> Arguments.of(c.get("method"), c.get("params"), c.get("headers")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("fixtureCases")
    void derivesMcpMethodAndMcpNameFromTheBody(String method, Map<String, Object> params,
                                               Map<String, String> expected) {
        Map<String, String> headers = StandardHeaders.standardHeaders(method, params);

        assertThat(headers).containsExactlyEntriesOf(expected);
    }

    @Test
    void putsMcpMethodFirst() {
        Map<String, String> headers = StandardHeaders.standardHeaders("prompts/get", Map.of("name", "p"));

        assertThat(List.copyOf(headers.keySet())).containsExactly("Mcp-Method", "Mcp-Name");
    }

    @Test
    void matchesMethodNamesCaseSensitively() {
        assertThat(StandardHeaders.standardHeaders("Tools/Call", Map.of("name", "x")))
                .containsOnlyKeys("Mcp-Method");
    }

    @Test
    void refusesAMethodThatNoHeaderCanCarryAsIs() {
        assertThatThrownBy(() -> StandardHeaders.standardHeaders("tools/call\r\nX-Evil: 1", Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StandardHeaders.standardHeaders("", Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
