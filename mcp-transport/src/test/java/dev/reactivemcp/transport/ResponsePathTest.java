package dev.reactivemcp.transport;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reactivemcp.errors.McpException;
import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.transport.internal.HeaderView;
import dev.reactivemcp.transport.internal.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The cheaper response path: bodies of one chunk adopted, not copied; headers read in place from the received
 * ones; lower-case and well-known names looked up without lower-casing; results mapped without streams.
 */
class ResponsePathTest {

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    // ---- bodies

    @Test
    void aBodyOfOneChunkIsHandedOverWithoutACopy() {
        byte[] chunk = bytes("{\"a\":1}");
        McpHttpResponse r = McpHttpResponse.streaming(200, Headers.empty(), () -> Flux.just(chunk), Mono::empty);

        assertThat(r.bodyBytes(1024).block()).isSameAs(chunk);
    }

    @Test
    void aBufferedResponseNeverAliasesTheCallersArrayNorItsPreviousAnswers() {
        byte[] original = bytes("hello");
        McpHttpResponse first = McpHttpResponse.of(200, Headers.empty(), original);
        McpHttpResponse second = McpHttpResponse.of(200, Headers.empty(), original);
        original[0] = 'J';

        byte[] a = first.bodyBytes(1024).block();
        byte[] b = second.bodyBytes(1024).block();
        assertThat(a).isNotSameAs(original).isNotSameAs(b).isEqualTo(bytes("hello"));
        a[1] = 'X';
        assertThat(b).isEqualTo(bytes("hello"));
    }

    @Test
    void manyChunksAreJoinedInOrderWhateverContentLengthSays() {
        for (String length : new String[] {"5", "2", "100", "-1", "junk"}) {
            McpHttpResponse r = McpHttpResponse.streaming(200, Headers.empty().with("Content-Length", length),
                    () -> Flux.just(bytes("ab"), new byte[0], bytes("cd"), bytes("e")), Mono::empty);

            assertThat(r.bodyAsString(5).block()).as("Content-Length %s", length).isEqualTo("abcde");
        }
    }

    @Test
    void aBufferGrowingPastItsFirstSizeKeepsEveryByte() {
        byte[] big = new byte[3000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < big.length; i += 7) {
            chunks.add(java.util.Arrays.copyOfRange(big, i, Math.min(big.length, i + 7)));
        }
        McpHttpResponse r = McpHttpResponse.streaming(200, Headers.empty(), () -> Flux.fromIterable(chunks),
                Mono::empty);

        assertThat(r.bodyBytes(3000).block()).isEqualTo(big);
    }

    @Test
    void anEmptyBodyIsAnEmptyArray() {
        McpHttpResponse r = McpHttpResponse.streaming(200, Headers.empty(), Flux::empty, Mono::empty);

        assertThat(r.bodyBytes(10).block()).isEmpty();
    }

    @Test
    void oneChunkOverTheBoundIsStillAnError() {
        McpHttpResponse r = McpHttpResponse.streaming(200, Headers.empty(), () -> Flux.just(new byte[11]),
                Mono::empty);

        StepVerifier.create(r.bodyBytes(10))
                .expectErrorSatisfies(e -> assertThat(((McpException) e).failure())
                        .isInstanceOf(McpFailure.ProtocolError.class))
                .verify();
    }

    @Test
    void aPrefixOfOneLongChunkIsACopyOfItsStart() {
        byte[] chunk = bytes("0123456789");
        McpHttpResponse r = McpHttpResponse.streaming(500, Headers.empty(), () -> Flux.just(chunk), Mono::empty);

        byte[] prefix = r.bodyPrefix(4).block();
        assertThat(prefix).isEqualTo(bytes("0123"));
        prefix[0] = 'x';
        assertThat(chunk[0]).isEqualTo((byte) '0');
    }

    @Test
    void theBodyStaysSingleUseThroughEveryReader() {
        McpHttpResponse r = McpHttpResponse.of(200, Headers.empty(), bytes("x"));

        assertThat(r.bodyBytes(10).block()).isEqualTo(bytes("x"));
        StepVerifier.create(r.bodyBytes(10)).expectError(IllegalStateException.class).verify();
        StepVerifier.create(r.bodyPrefix(10)).expectError(IllegalStateException.class).verify();
        StepVerifier.create(r.body()).expectError(IllegalStateException.class).verify();
        StepVerifier.create(r.releaseBody()).verifyComplete();
    }

    // ---- header names

    @Test
    void namesCompareCaseInsensitivelyWhateverCaseTheyAreGivenIn() {
        Headers h = Headers.builder().set("content-type", "application/json").set("Mcp-Session-Id", "s1")
                .set("X-Custom", "c").set("lower-only", "l").build();

        for (String name : List.of("Content-Type", "content-type", "CONTENT-TYPE", "Content-type")) {
            assertThat(h.first(name)).as(name).contains("application/json");
        }
        for (String name : List.of("Mcp-Session-Id", "mcp-session-id", "MCP-SESSION-ID")) {
            assertThat(h.first(name)).as(name).contains("s1");
        }
        assertThat(h.first("x-custom")).contains("c");
        assertThat(h.first("LOWER-ONLY")).contains("l");
        assertThat(h.with("CONTENT-TYPE", "text/plain").all("content-type")).containsExactly("text/plain");
        assertThat(h.without("MCP-SESSION-ID").contains("Mcp-Session-Id")).isFalse();
        assertThat(h.asMap()).containsOnlyKeys("content-type", "Mcp-Session-Id", "X-Custom", "lower-only");
    }

    @Test
    void aWellKnownNameAddedInAnotherCaseJoinsTheSameHeader() {
        Headers h = Headers.builder().add("Accept", "a").add("accept", "b").add("ACCEPT", "c").build();

        assertThat(h.all("Accept")).containsExactly("a", "b", "c");
        assertThat(h.asMap()).containsOnlyKeys("Accept");
    }

    // ---- headers read in place

    /** A view like the exchange's, over a list of header lines. */
    private static final class Lines extends HeaderView {
        private final List<String[]> lines = new ArrayList<>();

        Lines add(String name, String value) {
            lines.add(new String[] {name, value});
            return this;
        }

        @Override
        public String first(String name) {
            return lines.stream().filter(l -> l[0].equalsIgnoreCase(name)).map(l -> l[1]).findFirst().orElse(null);
        }

        @Override
        public List<String> all(String name) {
            return lines.stream().filter(l -> l[0].equalsIgnoreCase(name)).map(l -> l[1]).toList();
        }

        @Override
        public boolean contains(String name) {
            return first(name) != null;
        }

        @Override
        public boolean isEmpty() {
            return lines.isEmpty();
        }

        @Override
        public void forEachHeader(BiConsumer<String, String> action) {
            lines.forEach(l -> action.accept(l[0], l[1]));
        }
    }

    @Test
    void receivedHeadersReadInPlaceBehaveAsCopiedOnes() {
        Lines lines = new Lines().add("content-type", "text/event-stream").add("Set-Cookie", "a=1")
                .add("set-cookie", "b=2").add("Mcp-Session-Id", "s");
        Headers view = Headers.of(lines);
        Headers copy = Headers.builder().add("content-type", "text/event-stream").add("Set-Cookie", "a=1")
                .add("set-cookie", "b=2").add("Mcp-Session-Id", "s").build();

        assertThat(view.first("Content-Type")).contains("text/event-stream");
        assertThat(view.all("SET-COOKIE")).containsExactly("a=1", "b=2");
        assertThat(view.contains("mcp-session-id")).isTrue();
        assertThat(view.first("Absent")).isEmpty();
        assertThat(view.all("Absent")).isEmpty();
        assertThat(view.isEmpty()).isFalse();
        assertThat(view).isEqualTo(copy).hasSameHashCodeAs(copy);
        assertThat(copy).isEqualTo(view);
        assertThat(view.asMap()).isEqualTo(copy.asMap());
        assertThat(view.toString()).isEqualTo(copy.toString()).contains("Set-Cookie=<redacted>")
                .doesNotContain("a=1");
        Map<String, List<String>> seen = new LinkedHashMap<>();
        view.forEach(seen::put);
        assertThat(seen).isEqualTo(copy.asMap());
        assertThat(view.with("X-A", "1").first("x-a")).contains("1");
        assertThat(view.without("Set-Cookie").contains("set-cookie")).isFalse();
        assertThat(view.without("Absent")).isSameAs(view);
        assertThat(Headers.empty().withAll(view)).isEqualTo(copy);
        assertThat(view.toBuilder().set("Accept", "x").build().first("accept")).contains("x");
        assertThat(Headers.builder().setAll(view).build()).isEqualTo(copy);
        assertThat(Headers.of(new Lines())).isSameAs(Headers.empty());
    }

    // ---- results

    private static Map<String, Object> block(String type, Object text) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("text", text);
        return m;
    }

    private static CallToolResult result(Object... content) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("content", List.of(content));
        return CallToolResult.fromJson(json);
    }

    @Test
    void theTextOfOneBlockIsThatStringItself() {
        String text = new String("only"); // a distinct instance
        assertThat(result(block("text", text)).text()).isSameAs(text);
    }

    @Test
    void textsJoinWithNewlinesAsBefore() {
        assertThat(result().text()).isEmpty();
        assertThat(result(block("image", "x")).text()).isEmpty();
        assertThat(result(block("text", "a"), block("image", "x"), block("text", "b")).text()).isEqualTo("a\nb");
        assertThat(result(block("text", "a"), block("text", ""), block("text", "c")).text()).isEqualTo("a\n\nc");
        assertThat(result(block("text", ""), block("text", "b")).text()).isEqualTo("b");
        assertThat(result(block("text", ""), block("text", ""), block("text", "c")).text()).isEqualTo("c");
        assertThat(result(block("text", "a"), block("text", "")).text()).isEqualTo("a\n");
        assertThat(result(block("text", 3), block("text", "b")).text()).isEqualTo("b");
    }

    @Test
    void contentKeepsOnlyObjectsAndCannotBeModified() {
        CallToolResult r = result(block("text", "a"), "not an object", 7, block("text", "b"));

        assertThat(r.content()).hasSize(2);
        assertThatThrownBy(() -> r.content().add(Map.of())).isInstanceOf(UnsupportedOperationException.class);
        assertThat(result("x").content()).isEmpty();
        assertThat(result(block("text", "a")).content()).hasSize(1);
        assertThat(Json.objects(null, "content")).isEmpty();
        assertThat(Json.objects(Map.of("content", "no array"), "content")).isEmpty();
    }
}
