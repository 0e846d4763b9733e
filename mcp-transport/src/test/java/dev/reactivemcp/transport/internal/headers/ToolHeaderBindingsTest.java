package dev.reactivemcp.transport.internal.headers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.transport.internal.headers.Binding.Type;
import dev.reactivemcp.transport.internal.headers.ToolHeaderBindings.Invalid;
import dev.reactivemcp.transport.internal.headers.ToolHeaderBindings.Rule;
import dev.reactivemcp.transport.internal.headers.ToolHeaderBindings.Valid;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ToolHeaderBindingsTest {

    static Stream<Arguments> invalidToolsOfTheConformanceScenario() {
        return Stream.of(
                Arguments.of("invalid_empty_header", Rule.NOT_EMPTY),
                Arguments.of("invalid_object_header", Rule.PRIMITIVE_ONLY),
                Arguments.of("invalid_array_header", Rule.PRIMITIVE_ONLY),
                Arguments.of("invalid_null_header", Rule.PRIMITIVE_ONLY),
                Arguments.of("invalid_number_header", Rule.PRIMITIVE_ONLY),
                Arguments.of("invalid_duplicate_same_case", Rule.UNIQUE),
                Arguments.of("invalid_duplicate_diff_case", Rule.UNIQUE),
                Arguments.of("invalid_space_in_name", Rule.CHARSET),
                Arguments.of("invalid_colon_in_name", Rule.CHARSET),
                Arguments.of("invalid_non_ascii_name", Rule.CHARSET),
                Arguments.of("invalid_control_char_name", Rule.CHARSET));
    }

    @ParameterizedTest(name = "{0} breaks {1}")
    @MethodSource("invalidToolsOfTheConformanceScenario")
    void rejectsEachInvalidToolOfTheConformanceScenarioForTheRuleItBreaks(String toolName, Rule rule) {
        ToolHeaderBindings result = ToolHeaderBindings.of(toolName, schemaOf(toolName));

        assertThat(result).isInstanceOfSatisfying(Invalid.class, invalid -> {
            assertThat(invalid.rule()).isEqualTo(rule);
            assertThat(invalid.reason()).contains("\"" + toolName + "\"").contains(rule.id() + " rule")
                    .doesNotContain("\t", "\n", "é");
        });
    }

    @Test
    void bindsTheValidToolOfTheConformanceScenario() {
        assertThat(ToolHeaderBindings.of("valid_tool", schemaOf("valid_tool")))
                .isEqualTo(new Valid(List.of(new Binding("Region", List.of("region"), Type.STRING))));
    }

    @Test
    void bindsEveryPermittedTypeInSchemaOrder() {
        Map<String, Object> schema = Fixtures.json("""
                {"type":"object","properties":{
                  "s":{"type":"string","x-mcp-header":"S"},
                  "i":{"type":"integer","x-mcp-header":"I"},
                  "b":{"type":["boolean"],"x-mcp-header":"B"},
                  "plain":{"type":"string"}}}""");

        assertThat(ToolHeaderBindings.of("t", schema)).isEqualTo(new Valid(List.of(
                new Binding("S", List.of("s"), Type.STRING),
                new Binding("I", List.of("i"), Type.INTEGER),
                new Binding("B", List.of("b"), Type.BOOLEAN))));
    }

    @Test
    void bindsANestedPropertyReachedThroughPropertiesAlone() {
        Map<String, Object> schema = Fixtures.json("""
                {"type":"object","properties":{"target":{"type":"object","properties":{
                  "region":{"type":"string","x-mcp-header":"Region"}}}}}""");

        assertThat(ToolHeaderBindings.of("t", schema)).isEqualTo(
                new Valid(List.of(new Binding("Region", List.of("target", "region"), Type.STRING))));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"object\",\"properties\":{\"list\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"x-mcp-header\":\"A\"}}}}",
        "{\"type\":\"object\",\"anyOf\":[{\"properties\":{\"a\":{\"type\":\"string\",\"x-mcp-header\":\"A\"}}}]}",
        "{\"type\":\"object\",\"allOf\":[{\"properties\":{\"a\":{\"type\":\"string\",\"x-mcp-header\":\"A\"}}}]}",
        "{\"type\":\"object\",\"properties\":{\"a\":{\"oneOf\":[{\"type\":\"string\",\"x-mcp-header\":\"A\"}]}}}",
        "{\"type\":\"object\",\"not\":{\"properties\":{\"a\":{\"type\":\"string\",\"x-mcp-header\":\"A\"}}}}",
        "{\"type\":\"object\",\"if\":{\"properties\":{\"a\":{\"type\":\"string\",\"x-mcp-header\":\"A\"}}}}",
        "{\"type\":\"object\",\"then\":{\"properties\":{\"a\":{\"type\":\"string\",\"x-mcp-header\":\"A\"}}}}",
        "{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/$defs/A\"}},\"$defs\":{\"A\":{\"type\":\"string\",\"x-mcp-header\":\"A\"}}}",
        "{\"type\":\"object\",\"definitions\":{\"A\":{\"type\":\"string\",\"x-mcp-header\":\"A\"}}}",
        "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\",\"x-mcp-header\":\"A\"}}",
        "{\"type\":\"object\",\"patternProperties\":{\"^a\":{\"type\":\"string\",\"x-mcp-header\":\"A\"}}}",
        "{\"type\":\"object\",\"x-mcp-header\":\"Root\"}"
    })
    void rejectsAnAnnotationThatIsNotStaticallyReachable(String json) {
        ToolHeaderBindings result = ToolHeaderBindings.of("t", Fixtures.json(json));

        assertThat(result).isInstanceOfSatisfying(Invalid.class,
                invalid -> assertThat(invalid.rule()).isEqualTo(Rule.STATICALLY_REACHABLE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[\"string\",\"null\"]", "[\"string\",\"integer\"]", "[]", "null", "\"number\"",
            "{\"const\":\"string\"}", "\"String\""})
    void rejectsATypeOtherThanOnePermittedPrimitive(String type) {
        Map<String, Object> schema = Fixtures.json(
                "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":" + type + ",\"x-mcp-header\":\"A\"}}}");

        assertThat(ToolHeaderBindings.of("t", schema)).isInstanceOfSatisfying(Invalid.class,
                invalid -> assertThat(invalid.rule()).isEqualTo(Rule.PRIMITIVE_ONLY));
    }

    @Test
    void rejectsAnAnnotatedPropertyWhoseTypeComesOnlyFromARef() {
        Map<String, Object> schema = Fixtures.json("""
                {"type":"object","properties":{"a":{"$ref":"#/$defs/S","x-mcp-header":"A"}},
                 "$defs":{"S":{"type":"string"}}}""");

        assertThat(ToolHeaderBindings.of("t", schema)).isInstanceOfSatisfying(Invalid.class,
                invalid -> assertThat(invalid.rule()).isEqualTo(Rule.PRIMITIVE_ONLY));
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "42", "true", "[\"A\"]", "{\"name\":\"A\"}", "\"\""})
    void rejectsAnAnnotationValueThatIsNotANonEmptyString(String value) {
        Map<String, Object> schema = Fixtures.json(
                "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"x-mcp-header\":" + value + "}}}");

        assertThat(ToolHeaderBindings.of("t", schema)).isInstanceOfSatisfying(Invalid.class,
                invalid -> assertThat(invalid.rule()).isEqualTo(Rule.NOT_EMPTY));
    }

    @ParameterizedTest
    @ValueSource(strings = {"A\\r\\nB", "A\\u0000", "A/B", "A(B)", "A,B", "A\\\"B", "A=B", "A@B", "A[B]", "A{B}",
            "A\\u007fB", "Ré", "A\\uD83D\\uDE00"})
    void rejectsAnAnnotationValueOutsideTheTokenCharset(String jsonEscaped) {
        Map<String, Object> schema = Fixtures.json("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\","
                + "\"x-mcp-header\":\"" + jsonEscaped + "\"}}}");

        assertThat(ToolHeaderBindings.of("t", schema)).isInstanceOfSatisfying(Invalid.class,
                invalid -> assertThat(invalid.rule()).isEqualTo(Rule.CHARSET));
    }

    @Test
    void acceptsEveryTokenCharacter() {
        String token = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        Map<String, Object> schema = Map.of("type", "object", "properties",
                Map.of("a", Map.of("type", "string", "x-mcp-header", token)));

        assertThat(ToolHeaderBindings.of("t", schema))
                .isEqualTo(new Valid(List.of(new Binding(token, List.of("a"), Type.STRING))));
    }

    @Test
    void rejectsDuplicatesAcrossNestingLevelsIgnoringCase() {
        Map<String, Object> schema = Fixtures.json("""
                {"type":"object","properties":{"region":{"type":"string","x-mcp-header":"Region"},
                  "nested":{"type":"object","properties":{"r":{"type":"string","x-mcp-header":"REGION"}}}}}""");

        assertThat(ToolHeaderBindings.of("t", schema)).isInstanceOfSatisfying(Invalid.class,
                invalid -> assertThat(invalid.rule()).isEqualTo(Rule.UNIQUE));
    }

    @Test
    void allowsTheHeaderNameMethodBecauseItBecomesMcpParamMethod() {
        Map<String, Object> schema = Fixtures.json("""
                {"type":"object","properties":{"m":{"type":"string","x-mcp-header":"Method"}}}""");

        assertThat(ToolHeaderBindings.of("t", schema)).isInstanceOfSatisfying(Valid.class,
                valid -> assertThat(valid.bindings().get(0).fieldName()).isEqualTo("Mcp-Param-Method"));
    }

    @Test
    void treatsAPropertyNamedLikeTheAnnotationAndDataValuesAsNoAnnotation() {
        Map<String, Object> schema = Fixtures.json("""
                {"type":"object","properties":{"x-mcp-header":{"type":"object"}},
                 "default":{"x-mcp-header":"A"},"examples":[{"x-mcp-header":"B"}],"const":{"x-mcp-header":"C"},
                 "x-vendor":{"x-mcp-header":"D"}}""");

        assertThat(ToolHeaderBindings.of("t", schema)).isEqualTo(new Valid(List.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "true", "\"object\"", "[1,2]", "{}",
            "{\"type\":\"object\",\"properties\":[{\"x-mcp-header\":\"A\"}]}",
            "{\"type\":\"object\",\"properties\":{\"a\":true,\"b\":\"string\"}}"})
    void findsNoBindingsInASchemaWithoutAnnotationsOrOfTheWrongShape(String json) {
        Object schema = Fixtures.json("{\"s\":" + json + "}").get("s");

        assertThat(ToolHeaderBindings.of("t", schema)).isEqualTo(new Valid(List.of()));
    }

    @Test
    void terminatesOnACyclicSchemaBuiltInCode() {
        Map<String, Object> node = new LinkedHashMap<>();
        Map<String, Object> props = new LinkedHashMap<>();
        node.put("type", "object");
        node.put("properties", props);
        node.put("items", node);
        props.put("self", node);
        props.put("a", Map.of("type", "string", "x-mcp-header", "A"));

        assertThat(ToolHeaderBindings.of("t", node)).isInstanceOfSatisfying(Invalid.class,
                invalid -> assertThat(invalid.rule()).isIn(Rule.UNIQUE, Rule.STATICALLY_REACHABLE));
    }

    @Test
    void reportsTheToolPathAndValueInOneLogSafeLine() {
        Invalid invalid = (Invalid) ToolHeaderBindings.of("evil\ntool", Fixtures.json("""
                {"type":"object","properties":{"o":{"type":"object","properties":{
                  "v":{"type":"string","x-mcp-header":"Region\\r\\nX-Injected: 1"}}}}}"""));

        assertThat(invalid.reason()).isEqualTo("tool \"evil\\u000atool\" rejected: x-mcp-header "
                + "\"Region\\u000d\\u000aX-Injected: 1\" at \"o.v\" breaks the charset rule: the value must be an "
                + "RFC 9110 token (no space, colon, control or non-ASCII character)");
    }

    @SuppressWarnings("unchecked")
    private static Object schemaOf(String toolName) {
        List<Object> tools = (List<Object>) Fixtures.object("http-invalid-tool-headers.tools-list.json").get("tools");
        return tools.stream().map(t -> (Map<String, Object>) t).filter(t -> toolName.equals(t.get("name")))
                .findFirst().orElseThrow().get("inputSchema");
    }
}
