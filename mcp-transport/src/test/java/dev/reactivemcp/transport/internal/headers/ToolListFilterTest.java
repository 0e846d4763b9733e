package dev.reactivemcp.transport.internal.headers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.transport.internal.headers.Binding.Type;
import dev.reactivemcp.transport.internal.headers.ToolListFilter.Rejected;
import dev.reactivemcp.transport.internal.headers.ToolListFilter.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolListFilterTest {

    @Test
    void keepsOnlyTheValidToolOfTheInvalidToolHeadersScenario() {
        List<Object> tools = tools("http-invalid-tool-headers.tools-list.json");

        Result result = ToolListFilter.filter(tools);

        assertThat(result.tools()).singleElement().isSameAs(tools.get(0));
        assertThat(result.bindingsByTool()).containsExactly(
                Map.entry("valid_tool", List.of(new Binding("Region", List.of("region"), Type.STRING))));
    }

    @Test
    void rejectsEveryInvalidToolWithAReasonNamingItAndItsRule() {
        Result result = ToolListFilter.filter(tools("http-invalid-tool-headers.tools-list.json"));

        assertThat(result.rejected()).extracting(Rejected::toolName).containsExactly(
                "invalid_empty_header", "invalid_object_header", "invalid_array_header", "invalid_null_header",
                "invalid_number_header", "invalid_duplicate_same_case", "invalid_duplicate_diff_case",
                "invalid_space_in_name", "invalid_colon_in_name", "invalid_non_ascii_name",
                "invalid_control_char_name");
        List<String> rules = List.of("not-empty", "primitive-only", "primitive-only", "primitive-only",
                "primitive-only", "unique", "unique", "charset", "charset", "charset", "charset");
        for (int i = 0; i < rules.size(); i++) {
            Rejected rejected = result.rejected().get(i);
            assertThat(rejected.reason()).as(rejected.toolName())
                    .startsWith("tool \"" + rejected.toolName() + "\" rejected: x-mcp-header ")
                    .contains(" breaks the " + rules.get(i) + " rule: ");
        }
    }

    @Test
    void keepsToolsWithoutAnnotationsInOrderAsTheSameInstances() {
        List<Object> tools = new ArrayList<>(tools("http-custom-headers.tools-list.json"));
        Map<String, Object> plain = Fixtures.json("""
                {"name":"plain","inputSchema":{"type":"object","properties":{"q":{"type":"string"}}}}""");
        Map<String, Object> noSchema = Fixtures.json("{\"name\":\"no_schema\"}");
        tools.add(1, plain);
        tools.add(noSchema);

        Result result = ToolListFilter.filter(tools);

        assertThat(result.tools()).hasSize(4);
        for (int i = 0; i < tools.size(); i++) {
            assertThat(result.tools().get(i)).isSameAs(tools.get(i));
        }
        assertThat(result.rejected()).isEmpty();
        assertThat(result.bindingsByTool()).containsOnlyKeys("test_custom_headers", "plain",
                "test_custom_headers_null", "no_schema");
        assertThat(result.bindingsByTool().get("plain")).isEmpty();
        assertThat(result.bindingsByTool().get("test_custom_headers")).extracting(Binding::headerName)
                .containsExactly("Region", "Priority", "Verbose", "Debug", "EmptyVal", "Method", "NonAscii",
                        "Whitespace", "LeadingSpace", "TrailingSpace", "InternalSpace", "ControlChar", "CrLf",
                        "Tab");
    }

    @Test
    void rejectsEntriesThatAreNotObjectsAndIgnoresAToolsValueThatIsNotAnArray() {
        Result result = ToolListFilter.filter(Fixtures.json("{\"t\":[\"x\",null,{\"name\":\"ok\"}]}").get("t"));

        assertThat(result.tools()).extracting(t -> t.get("name")).containsExactly("ok");
        assertThat(result.rejected()).hasSize(2).allSatisfy(r -> assertThat(r.reason()).contains("not a JSON object"));
        assertThat(ToolListFilter.filter(Map.of()).tools()).isEmpty();
        assertThat(ToolListFilter.filter(null).rejected()).isEmpty();
    }

    @Test
    void keepsAValidToolWithoutAStringNameButCannotIndexItsBindings() {
        Result result = ToolListFilter.filter(List.of(Map.of("name", 7, "inputSchema", Map.of())));

        assertThat(result.tools()).hasSize(1);
        assertThat(result.bindingsByTool()).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> tools(String fixture) {
        return (List<Object>) Fixtures.object(fixture).get("tools");
    }
}
