package dev.reactivemcp.transport;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The client side of {@link HostileBodiesTest}, run in its own small-heap JVM: {@code <uri> <calls> <budget or 0>}.
 * Fires the calls at once (half huge JSON, half huge SSE), prints one {@code outcome <kind> <count>} line per kind of
 * result, then one more ordinary call ({@code after <text>}) and {@code budget-in-use <bytes>}.
 */
public final class HugeBodiesClient {

    private HugeBodiesClient() { }

    public static void main(String[] args) {
        URI uri = URI.create(args[0]);
        int calls = Integer.parseInt(args[1]);
        long budget = Long.parseLong(args[2]);
        McpClient.Builder builder = McpClient.builder(uri).negotiation(ProtocolNegotiation.legacyOnly())
                .listeningStream(false).requestTimeout(Duration.ofSeconds(120));
        if (budget > 0) {
            builder.maxBufferedBytes(budget);
        }
        McpClient client = builder.build();
        client.connect().block(Duration.ofSeconds(30));
        Map<String, Integer> outcomes = new TreeMap<>();
        long start = System.nanoTime();
        Flux.range(0, calls)
                .flatMap(i -> client.callTool(i % 2 == 0 ? "huge-json" : "huge-sse", Map.of())
                        .map(r -> "ok")
                        .onErrorResume(e -> Mono.just(kind(e))), calls)
                .doOnNext(k -> outcomes.merge(k, 1, Integer::sum))
                .blockLast(Duration.ofSeconds(120));
        System.out.println("calls-ms " + (System.nanoTime() - start) / 1_000_000);
        outcomes.forEach((k, n) -> System.out.println("outcome " + k + " " + n));
        System.out.println("after " + client.callTool("small", Map.of()).block(Duration.ofSeconds(30)).text());
        client.close().block(Duration.ofSeconds(30));
        System.out.flush();
        System.exit(0);
    }

    private static String kind(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return "OutOfMemoryError";
            }
        }
        McpFailure f = McpFailures.classify(e);
        if (f instanceof McpFailure.ProtocolError p) {
            return "ProtocolError/" + (p.detail().contains("budget") ? "budget" : p.detail().contains("limit")
                    ? "message-limit" : "other");
        }
        return f.getClass().getSimpleName() + "/" + e.getClass().getSimpleName();
    }
}
