package dev.reactivemcp.benchmarks.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Precomputed response bytes: every answer is {@code prefix + id + suffix}, built once at start-up, so a request
 * costs the server one small streaming parse and a composite buffer of three wrapped arrays.
 */
final class CannedResponses {

    /** The text of the echo tool's fixed answer (64 bytes). */
    static final String ECHO_TEXT = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    static final String MODERN = "2026-07-28";
    static final String LATEST_LEGACY = "2025-11-25";
    private static final String SERVER_INFO = "{\"name\":\"bench-server\",\"version\":\"1.0.0\"}";
    private static final String SERVER_META = "\"_meta\":{\"io.modelcontextprotocol/serverInfo\":" + SERVER_INFO + "}";
    private static final String TOOL = "{\"name\":\"echo\",\"description\":\"Answers a fixed text\","
            + "\"inputSchema\":{\"type\":\"object\",\"properties\":{\"message\":{\"type\":\"string\"}}}}";

    private final boolean sse;
    private final byte[] head;
    private final byte[] tail;

    /** One canned answer per method and era. */
    final Answer discover;
    final Answer toolsListLegacy;
    final Answer toolsListModern;
    final Answer callLegacy;
    final Answer callModern;
    final Answer ping;
    final Answer notFound;
    final Answer missingMeta;

    CannedResponses(boolean sse) {
        this.sse = sse;
        this.head = bytes(sse ? "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":" : "{\"jsonrpc\":\"2.0\",\"id\":");
        this.tail = bytes(sse ? "}\n\n" : "}");
        discover = result("{\"resultType\":\"complete\",\"supportedVersions\":[\"" + MODERN + "\",\"" + LATEST_LEGACY
                + "\"],\"capabilities\":{\"tools\":{}},\"ttlMs\":0,\"cacheScope\":\"public\"," + SERVER_META + "}");
        toolsListLegacy = result("{\"tools\":[" + TOOL + "]}");
        toolsListModern = result("{\"resultType\":\"complete\",\"tools\":[" + TOOL
                + "],\"ttlMs\":0,\"cacheScope\":\"public\"," + SERVER_META + "}");
        String content = "\"content\":[{\"type\":\"text\",\"text\":\"" + ECHO_TEXT + "\"}],\"isError\":false";
        callLegacy = result("{" + content + "}");
        callModern = result("{\"resultType\":\"complete\"," + content + "," + SERVER_META + "}");
        ping = result("{}");
        notFound = error(-32601, "method not found");
        missingMeta = error(-32602, "a 2026-07-28 request needs params._meta with the protocol version");
    }

    /** The answer to {@code initialize} at {@code version}: built per call (only handshakes pay for it). */
    Answer initialize(String version) {
        return result("{\"protocolVersion\":\"" + version + "\",\"capabilities\":{\"tools\":{}},\"serverInfo\":"
                + SERVER_INFO + "}");
    }

    String contentType() {
        return sse ? "text/event-stream" : "application/json";
    }

    private Answer result(String resultJson) {
        return new Answer(bytes(",\"result\":" + resultJson));
    }

    private Answer error(int code, String message) {
        return new Answer(bytes(",\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\"}"));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    /** One canned answer; {@link #render(byte[])} wraps the request's raw id between the fixed parts. */
    final class Answer {
        private final byte[] middle;

        Answer(byte[] middle) {
            this.middle = middle;
        }

        ByteBuf render(byte[] rawId) {
            return Unpooled.wrappedBuffer(head, rawId, middle, tail);
        }

        int length(byte[] rawId) {
            return head.length + rawId.length + middle.length + tail.length;
        }
    }
}
