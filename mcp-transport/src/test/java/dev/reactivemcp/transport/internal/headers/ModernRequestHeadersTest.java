package dev.reactivemcp.transport.internal.headers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.internal.headers.Binding.Type;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ModernRequestHeaders} gives exactly the headers worked out per call from the standard and param headers. */
class ModernRequestHeadersTest {

    private static final String V = "2026-07-28";
    private static final List<Binding> SEARCH = List.of(
            new Binding("Region", List.of("region"), Type.STRING),
            new Binding("Limit", List.of("options", "limit"), Type.INTEGER),
            new Binding("Dry", List.of("dry"), Type.BOOLEAN));

    private final Map<String, List<Binding>> listed = Map.of("search", SEARCH, "echo", List.of(),
            "=?base64?x?=", List.of(), "7", List.of(new Binding("S", List.of("s"), Type.STRING)));
    private final ModernRequestHeaders planned = new ModernRequestHeaders();

    ModernRequestHeadersTest() {
        planned.addTools(listed);
    }

    /** What the lifecycle sent before plans: every header worked out for the one call. */
    private Headers perCall(String version, String method, Map<String, Object> params) {
        Headers.Builder h = Headers.builder().set("MCP-Protocol-Version", version);
        StandardHeaders.standardHeaders(method, params).forEach(h::set);
        if ("tools/call".equals(method)) {
            List<Binding> bindings = listed.get(String.valueOf(params.get("name")));
            if (bindings != null && params.get("arguments") instanceof Map<?, ?> args) {
                @SuppressWarnings("unchecked")
                Map<String, Object> a = (Map<String, Object>) args;
                ParamHeaders.paramHeaders(bindings, a).forEach(h::set);
            }
        }
        return h.build();
    }

    private void assertSame(String version, String method, Map<String, Object> params) {
        for (int i = 0; i < 2; i++) { // the second time from what was cached
            Headers got = planned.headers(version, method, params);
            Headers want = perCall(version, method, params);
            assertThat(got).as(method + " " + params).isEqualTo(want);
            assertThat(new ArrayList<>(got.asMap().keySet())).as("names and order")
                    .isEqualTo(new ArrayList<>(want.asMap().keySet()));
        }
    }

    private static Map<String, Object> call(Object name, Object arguments) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", name);
        if (arguments != null) {
            p.put("arguments", arguments);
        }
        p.put("_meta", Map.of("io.modelcontextprotocol/protocolVersion", V));
        return p;
    }

    @Test
    void toolCallsOfListedToolsGetTheSameHeadersAsWorkedOutPerCall() {
        Map<String, Object> nested = new HashMap<>();
        nested.put("limit", new BigDecimal("25.000"));
        assertSame(V, "tools/call", call("search", Map.of("region", "eu-west-1 ünïcode", "options", nested,
                "dry", true)));
        assertSame(V, "tools/call", call("search", Map.of("region", "eu-west", "options", Map.of("limit", 9))));
        assertSame(V, "tools/call", call("search", Map.of("region", " padded ", "options", "not an object",
                "dry", "not a boolean")));
        assertSame(V, "tools/call", call("search", Map.of("region", 42, "options", Map.of("limit", 1.5))));
        assertSame(V, "tools/call", call("search", Map.of()));
        assertSame(V, "tools/call", call("search", null));
        assertSame(V, "tools/call", call("search", "not an object"));
        assertSame(V, "tools/call", call("echo", Map.of("message", "hello")));
        assertSame(V, "tools/call", call("=?base64?x?=", Map.of()));
    }

    @Test
    void toolCallsOfOtherToolsAndNamesAreWorkedOutPerCall() {
        assertSame(V, "tools/call", call("unlisted", Map.of("region", "x")));
        assertSame(V, "tools/call", call("ünlisted tool", Map.of()));
        assertSame(V, "tools/call", call(7, Map.of("s", "seven")));
        assertSame(V, "tools/call", call(null, Map.of("s", "x")));
        assertSame(V, "tools/call", Map.of());
    }

    @Test
    void otherMethodsGetTheSameHeadersAsWorkedOutPerCall() {
        assertSame(V, "prompts/get", Map.of("name", "greet"));
        assertSame(V, "prompts/get", Map.of("name", "grüß"));
        assertSame(V, "resources/read", Map.of("uri", "file:///a%20b"));
        assertSame(V, "resources/read", Map.of("uri", 3));
        assertSame(V, "tools/list", Map.of());
        assertSame(V, "tools/list", Map.of("cursor", "c1"));
        assertSame(V, "server/discover", Map.of());
        assertSame(V, "subscriptions/listen", Map.of("notifications", Map.of()));
    }

    @Test
    void aNewVersionIsNotServedWhatWasCachedForTheOldOne() {
        assertSame(V, "tools/list", Map.of());
        assertSame("2027-01-01", "tools/list", Map.of());
        assertSame(V, "tools/call", call("echo", Map.of()));
        assertSame("2027-01-01", "tools/call", call("echo", Map.of()));
        assertSame("2027-01-01", "tools/call", call("search", Map.of("region", "r")));
        assertSame(V, "tools/list", Map.of());
    }

    @Test
    void relistingReplacesAToolsPlan() {
        planned.headers(V, "tools/call", call("echo", Map.of("message", "hi")));
        planned.addTools(Map.of("echo", List.of(new Binding("Message", List.of("message"), Type.STRING))));
        assertThat(planned.headers(V, "tools/call", call("echo", Map.of("message", "hi"))).first("Mcp-Param-Message"))
                .contains("hi");
    }

    @Test
    void aToolWithoutParamHeadersSharesOneHeadersInstance() {
        Headers first = planned.headers(V, "tools/call", call("echo", Map.of("message", "a")));
        assertThat(planned.headers(V, "tools/call", call("echo", Map.of("message", "b")))).isSameAs(first);
        assertThat(planned.headers(V, "tools/call", call("search", Map.of("other", 1)))).isSameAs(
                planned.headers(V, "tools/call", call("search", Map.of())));
    }

    @Test
    void repeatedArgumentValuesReuseTheLastHeadersAndChangedOnesDoNot() {
        Map<String, Object> options = new HashMap<>();
        Map<String, Object> args = new HashMap<>();
        args.put("options", options);
        Map<String, Object> p = call("search", args);
        Object[][] steps = {
            {"eu-west", 25, true}, {"eu-west", 25, true}, {"eu-west", 25L, true}, {"eu-west", 26, true},
            {"eu-west", new BigDecimal("26.0"), true}, {"eu-west", 26.5, true}, {"eu-west", 26.5, true},
            {"eu-west", 26.0, true}, {"eu-west", -0.0, true}, {"eu-west", 0.0, true}, {"eu west ü", 0.0, true},
            {new StringBuilder("eu-west"), 0.0, true}, {"eu-west", null, false}, {"eu-west", null, null},
            {"eu-west", Map.of("n", 1), null}, {"eu-west", Map.of("n", 2), null}, {null, null, null},
        };
        Headers previous = null;
        for (Object[] step : steps) {
            args.put("region", step[0]);
            options.put("limit", step[1]);
            args.put("dry", step[2]);
            Headers got = planned.headers(V, "tools/call", p);
            assertThat(got).as(java.util.Arrays.toString(step)).isEqualTo(perCall(V, "tools/call", p));
            if (previous != null && got.equals(previous)) {
                assertThat(planned.headers(V, "tools/call", p)).isEqualTo(previous);
            }
            previous = got;
        }
        args.put("region", "r");
        Headers once = planned.headers(V, "tools/call", p);
        assertThat(planned.headers(V, "tools/call", call("search", Map.of("region", "r", "options",
                Map.of("limit", 0.0), "dry", false)))).isEqualTo(perCall(V, "tools/call", call("search",
                Map.of("region", "r", "options", Map.of("limit", 0.0), "dry", false))));
        options.put("limit", 1);
        assertThat(planned.headers(V, "tools/call", p)).isNotSameAs(once).isEqualTo(perCall(V, "tools/call", p));
        assertThat(planned.headers(V, "tools/call", p)).as("unchanged: the last headers again")
                .isSameAs(planned.headers(V, "tools/call", p));
        assertThat(planned.headers("2027-01-01", "tools/call", p)).as("another version")
                .isEqualTo(perCall("2027-01-01", "tools/call", p));
    }

    @Test
    void aMethodThatCannotTravelAsIsIsRejectedEveryTime() {
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> planned.headers(V, "tools/list\r\nX-Evil: 1", Map.of()))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
