package dev.reactivemcp.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one decision "may this request run twice": by protocol, or by the tool's own annotations. */
class IdempotenceTest {

    private final Idempotence idempotence = new Idempotence();

    private static Map<String, Object> tool(String name, Object annotations) {
        return annotations == null ? Map.of("name", name) : Map.of("name", name, "annotations", annotations);
    }

    private static Map<String, Object> call(String name) {
        return Map.of("name", name, "arguments", Map.of());
    }

    @Test
    void readsAndListsAreIdempotentByProtocolAndUnknownMethodsAreNot() {
        for (String m : List.of("ping", "tools/list", "resources/read", "prompts/get", "server/discover",
                "completion/complete", "initialize")) {
            assertThat(idempotence.test(m, Map.of())).as(m).isTrue();
        }
        assertThat(idempotence.test("tools/call", call("x"))).isFalse();
        assertThat(idempotence.test("sampling/whatever", Map.of())).isFalse();
        assertThat(idempotence.test(null, null)).isFalse();
    }

    @Test
    void aToolIsIdempotentOnlyWhenItsAnnotationsSaySo() {
        idempotence.learn(Map.of("tools", List.of(
                tool("read", Map.of("readOnlyHint", true)),
                tool("put", Map.of("idempotentHint", true, "readOnlyHint", false)),
                tool("delete", Map.of("destructiveHint", true)),
                tool("plain", null),
                tool("stringly", Map.of("readOnlyHint", "true")))));

        assertThat(idempotence.test("tools/call", call("read"))).isTrue();
        assertThat(idempotence.test("tools/call", call("put"))).isTrue();
        assertThat(idempotence.test("tools/call", call("delete"))).isFalse();
        assertThat(idempotence.test("tools/call", call("plain"))).isFalse();
        assertThat(idempotence.test("tools/call", call("stringly"))).as("only a JSON true counts").isFalse();
        assertThat(idempotence.test("tools/call", Map.of())).as("no name").isFalse();
    }

    @Test
    void aLaterListingWinsAndAListChangeForgetsEverything() {
        idempotence.learn(Map.of("tools", List.of(tool("t", Map.of("readOnlyHint", true)))));
        idempotence.learn(Map.of("tools", List.of(tool("t", Map.of("readOnlyHint", false)))));
        assertThat(idempotence.test("tools/call", call("t"))).isFalse();

        idempotence.learn(Map.of("tools", List.of(tool("t", Map.of("readOnlyHint", true)))));
        idempotence.forget();
        assertThat(idempotence.test("tools/call", call("t"))).isFalse();
    }

    @Test
    void aServerListingEndlessToolsIsBelievedOnlyUpToTheBound() {
        List<Object> many = new ArrayList<>();
        for (int i = 0; i <= Idempotence.MAX_TOOLS; i++) {
            many.add(tool("t" + i, Map.of("readOnlyHint", true)));
        }
        idempotence.learn(Map.of("tools", many));

        assertThat(idempotence.test("tools/call", call("t0"))).isTrue();
        assertThat(idempotence.test("tools/call", call("t" + Idempotence.MAX_TOOLS))).isFalse();
    }
}
