package dev.reactivemcp.transport.internal.headers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@code http-custom-headers} conformance scenario, replayed from its tools/list and context fixtures. */
class CustomHeadersScenarioTest {

    private static Map<String, List<Binding>> bindings;
    private static Map<String, String> mainCall;
    private static Map<String, String> nullCall;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void mirrorTheTwoContextCalls() {
        ToolListFilter.Result listed =
                ToolListFilter.filter(Fixtures.object("http-custom-headers.tools-list.json").get("tools"));
        assertThat(listed.rejected()).isEmpty();
        bindings = listed.bindingsByTool();
        List<Object> calls = (List<Object>) Fixtures.object("http-custom-headers.context.json").get("toolCalls");
        Map<String, Object> first = (Map<String, Object>) calls.get(0);
        Map<String, Object> second = (Map<String, Object>) calls.get(1);
        mainCall = ParamHeaders.paramHeaders(bindings.get((String) first.get("name")),
                (Map<String, Object>) first.get("arguments"));
        nullCall = ParamHeaders.paramHeaders(bindings.get((String) second.get("name")),
                (Map<String, Object>) second.get("arguments"));
    }

    @SuppressWarnings("unchecked")
    static Stream<Arguments> expectedMainCallHeaders() {
        Map<String, Object> expected = (Map<String, Object>) Fixtures.object("http-custom-headers.expected.json")
                .get("test_custom_headers");
        return expected.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("expectedMainCallHeaders")
    void sendsExactlyTheExpectedHeaderForEachContextValue(String header, String value) {
        assertThat(mainCall).containsEntry(header, value);
    }

    @Test
    void sendsNoOtherParamHeaderThanExpected() {
        Map<String, Object> expected = Fixtures.object("http-custom-headers.expected.json");

        assertThat(mainCall).containsExactlyEntriesOf(asStrings(expected.get("test_custom_headers")));
        assertThat(nullCall).containsExactlyEntriesOf(asStrings(expected.get("test_custom_headers_null")));
    }

    @Test
    void leavesUnannotatedAndNumberValuesUnmirrored() {
        assertThat(mainCall).doesNotContainKeys("Mcp-Param-Query", "Mcp-Param-FloatVal", "Mcp-Param-float_val",
                "Mcp-Method");
    }

    @Test
    void omitsTheHeaderOfANullArgument() {
        assertThat(nullCall).doesNotContainKey("Mcp-Param-Verbose")
                .containsEntry("Mcp-Param-Region", "us-east1").containsEntry("Mcp-Param-Priority", "1");
    }

    @Test
    void sendsHeaderSafeValuesPlainAndDecodesEveryBase64ValueBackToTheArgument() {
        Map<String, String> argumentByHeader = Map.ofEntries(
                Map.entry("Mcp-Param-Region", "us-west1"), Map.entry("Mcp-Param-Method", "test-method"),
                Map.entry("Mcp-Param-InternalSpace", "us west 1"), Map.entry("Mcp-Param-EmptyVal", ""),
                Map.entry("Mcp-Param-NonAscii", "Hello, 世界"), Map.entry("Mcp-Param-Whitespace", " padded "),
                Map.entry("Mcp-Param-LeadingSpace", " us-west1"), Map.entry("Mcp-Param-TrailingSpace", "us-west1 "),
                Map.entry("Mcp-Param-ControlChar", "line1\nline2"), Map.entry("Mcp-Param-CrLf", "line1\r\nline2"),
                Map.entry("Mcp-Param-Tab", "\tindented"));

        argumentByHeader.forEach((header, argument) -> {
            String sent = mainCall.get(header);
            assertThat(HeaderValueEncoder.decode(sent)).as(header).isEqualTo(argument);
            assertThat(sent.startsWith("=?base64?")).as(header).isEqualTo(!HeaderValueEncoder.isPlainSafe(argument));
        });
        assertThat(mainCall.get("Mcp-Param-InternalSpace")).isEqualTo("us west 1");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> asStrings(Object map) {
        return (Map<String, String>) map;
    }
}
