package dev.reactivemcp.transport;

import static org.mockserver.model.HttpRequest.request;

import dev.reactivemcp.transport.internal.Json;
import dev.reactivemcp.transport.internal.JsonCodec;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.mockserver.integration.ClientAndServer;
import org.mockserver.model.Header;
import org.mockserver.model.HttpRequest;
import org.mockserver.model.HttpResponse;
import org.mockserver.model.NottableString;
import reactor.core.publisher.Sinks;

/**
 * A scripted MCP endpoint on MockServer (port 0, path {@code /mcp}). One catch-all expectation dispatches every
 * request to the responder registered for its JSON-RPC method (or {@code GET}/{@code DELETE}), echoing request
 * ids; every request is recorded both by MockServer and here, parsed, for assertions.
 */
final class MockMcpServer implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(20);
    private static final JsonCodec CODEC = JsonCodec.get();

    /** One recorded HTTP request. */
    record Call(String httpMethod, Headers headers, String body, Map<String, Object> json) {
        String rpcMethod() {
            return Json.string(json, "method");
        }

        Object id() {
            return json == null ? null : json.get("id");
        }

        Map<String, Object> params() {
            return Json.objectOrEmpty(json, "params");
        }

        Map<String, Object> meta() {
            return Json.objectOrEmpty(params(), "_meta");
        }

        String header(String name) {
            return headers.first(name).orElse(null);
        }

        /** The JSON-RPC method, else {@code response} for a POSTed response, else the HTTP method. */
        String key() {
            if (rpcMethod() != null) {
                return rpcMethod();
            }
            return "POST".equals(httpMethod) ? "response" : httpMethod;
        }

        boolean isRequest() {
            return rpcMethod() != null && json.containsKey("id");
        }
    }

    /** Answers one request. */
    @FunctionalInterface
    interface Responder {
        HttpResponse respond(Call call);
    }

    private final ClientAndServer mock;
    private final Map<String, Responder> responders = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Sinks.Many<Call> arrivals = Sinks.many().replay().all();

    MockMcpServer() {
        mock = ClientAndServer.startClientAndServer(0);
        mock.when(request().withPath("/mcp")).respond(this::dispatch);
    }

    URI uri() {
        return URI.create("http://localhost:" + mock.getPort() + "/mcp");
    }

    ClientAndServer mock() {
        return mock;
    }

    /** Answers {@code key} (a JSON-RPC method, {@code GET}, {@code DELETE}, or {@code response}) with {@code r}. */
    MockMcpServer on(String key, Responder r) {
        responders.put(key, r);
        return this;
    }

    /** A legacy server: initialize answered with {@code version}, optionally issuing a session id. */
    MockMcpServer legacy(String version, String sessionId) {
        return on("initialize", c -> {
            HttpResponse r = result(c, initializeResult(version));
            return sessionId == null ? r : r.withHeader("Mcp-Session-Id", sessionId);
        });
    }

    /** A modern server: server/discover answered with serverInfo in {@code _meta}. */
    MockMcpServer modern() {
        return on("server/discover", c -> result(c, discoverResult()));
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<Call> calls(String rpcMethodOrHttpMethod) {
        return calls.stream().filter(c -> rpcMethodOrHttpMethod.equals(c.key())).toList();
    }

    Call only(String rpcMethodOrHttpMethod) {
        List<Call> found = calls(rpcMethodOrHttpMethod);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + rpcMethodOrHttpMethod + " but got " + found.size()
                    + ": " + calls);
        }
        return found.get(0);
    }

    /** Waits (real time, bounded) for a request matching {@code p}; for requests the client sends asynchronously. */
    Call await(Predicate<Call> p) {
        return arrivals.asFlux().filter(p).next().block(WAIT);
    }

    Call await(String rpcMethodOrHttpMethod) {
        return await(c -> rpcMethodOrHttpMethod.equals(c.key()));
    }

    /** Requests MockServer itself recorded on {@code /mcp}. */
    HttpRequest[] recorded() {
        return mock.retrieveRecordedRequests(request().withPath("/mcp"));
    }

    @Override
    public void close() {
        mock.stop();
    }

    private HttpResponse dispatch(HttpRequest r) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header h : r.getHeaderList()) {
            headers.put(h.getName().getValue(), h.getValues().stream().map(NottableString::getValue).toList());
        }
        String body = r.getBodyAsString();
        Map<String, Object> json = null;
        if (body != null && !body.isEmpty()) {
            json = Json.asObject(CODEC.read(body, "test request"));
        }
        Call c = new Call(r.getMethod().getValue(), Headers.of(headers), body == null ? "" : body, json);
        calls.add(c);
        arrivals.emitNext(c, Sinks.EmitFailureHandler.busyLooping(WAIT));
        String key = c.key();
        Responder responder = responders.get(key);
        if (responder != null) {
            return responder.respond(c);
        }
        if ("ping".equals(key)) {
            return result(c, "{}");
        }
        if ("GET".equals(key)) {
            return status(405);
        }
        if ("DELETE".equals(key) || !c.isRequest()) {
            return status("DELETE".equals(key) ? 200 : 202);
        }
        return rpcError(c, 200, -32601, "Method not found", null);
    }

    // ---- responses ----

    static HttpResponse status(int status) {
        return HttpResponse.response().withStatusCode(status);
    }

    static HttpResponse json(int status, String body) {
        return HttpResponse.response().withStatusCode(status).withHeader("Content-Type", "application/json")
                .withBody(body);
    }

    static HttpResponse result(Call c, String resultJson) {
        return json(200, "{\"jsonrpc\":\"2.0\",\"id\":" + CODEC.writeString(c.id()) + ",\"result\":" + resultJson + "}");
    }

    static HttpResponse rpcError(Call c, int status, int code, String message, String dataJson) {
        return json(status, "{\"jsonrpc\":\"2.0\",\"id\":" + CODEC.writeString(c.id()) + ",\"error\":{\"code\":" + code
                + ",\"message\":" + CODEC.writeString(message) + (dataJson == null ? "" : ",\"data\":" + dataJson) + "}}");
    }

    static HttpResponse sse(String body) {
        return HttpResponse.response().withStatusCode(200).withHeader("Content-Type", "text/event-stream")
                .withBody(body);
    }

    /** The JSON-RPC response message for {@code c} with {@code resultJson}, as one line. */
    static String response(Call c, String resultJson) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + CODEC.writeString(c.id()) + ",\"result\":" + resultJson + "}";
    }

    static String initializeResult(String version) {
        return "{\"protocolVersion\":\"" + version + "\",\"capabilities\":{\"tools\":{}},"
                + "\"serverInfo\":{\"name\":\"mock\",\"version\":\"1.0\"}}";
    }

    static String discoverResult() {
        return "{\"resultType\":\"complete\",\"supportedVersions\":[\"2026-07-28\"],\"capabilities\":{\"tools\":{}},"
                + "\"_meta\":{\"io.modelcontextprotocol/serverInfo\":{\"name\":\"modern-mock\",\"version\":\"2.0\"}},"
                + "\"ttlMs\":0,\"cacheScope\":\"public\"}";
    }

    /** A responder that answers the n-th call with the n-th responder, repeating the last one. */
    static Responder sequence(Responder... steps) {
        AtomicInteger n = new AtomicInteger();
        return c -> steps[Math.min(n.getAndIncrement(), steps.length - 1)].respond(c);
    }
}
