package dev.reactivemcp.benchmarks.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * A streaming look at one JSON-RPC message: the raw id, the method, {@code params.protocolVersion} (initialize)
 * and {@code params._meta["io.modelcontextprotocol/protocolVersion"]} (2026-07-28). No tree is built.
 */
record JsonRpcPeek(byte[] rawId, String method, String offeredVersion, String metaVersion) {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final String META_VERSION = "io.modelcontextprotocol/protocolVersion";

    boolean isNotification() {
        return rawId == null;
    }

    static JsonRpcPeek parse(byte[] body) {
        byte[] id = null;
        String method = null;
        String offered = null;
        String meta = null;
        try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String name;
            while ((name = p.nextName()) != null) {
                JsonToken t = p.nextToken();
                switch (name) {
                    case "id" -> id = rawId(p, t);
                    case "method" -> method = p.getString();
                    case "params" -> {
                        if (t != JsonToken.START_OBJECT) {
                            p.skipChildren();
                            break;
                        }
                        String pn;
                        while ((pn = p.nextName()) != null) {
                            JsonToken pt = p.nextToken();
                            if (pn.equals("protocolVersion") && pt == JsonToken.VALUE_STRING) {
                                offered = p.getString();
                            } else if (pn.equals("_meta") && pt == JsonToken.START_OBJECT) {
                                meta = metaVersion(p);
                            } else {
                                p.skipChildren();
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        } catch (RuntimeException e) {
            return null;
        }
        return new JsonRpcPeek(id, method, offered, meta);
    }

    private static String metaVersion(JsonParser p) {
        String version = null;
        String n;
        while ((n = p.nextName()) != null) {
            JsonToken t = p.nextToken();
            if (n.equals(META_VERSION) && t == JsonToken.VALUE_STRING) {
                version = p.getString();
            } else {
                p.skipChildren();
            }
        }
        return version;
    }

    private static byte[] rawId(JsonParser p, JsonToken t) {
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return p.getString().getBytes(UTF_8);
        }
        if (t == JsonToken.VALUE_STRING) {
            String s = p.getString().replace("\\", "\\\\").replace("\"", "\\\"");
            return ("\"" + s + "\"").getBytes(UTF_8);
        }
        return t == JsonToken.VALUE_NULL ? null : "null".getBytes(UTF_8);
    }
}
