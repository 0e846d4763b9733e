package dev.reactivemcp.transport;

import static dev.reactivemcp.transport.Clients.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.server.HttpServerResponse;

/**
 * One client serving several callers, each with their own credentials (here an {@code X-User} header set through the
 * call's Reactor context, as a token filter would send each user's token): the first connect of the client is shared
 * by the callers that arrive while it runs, but a failure that depends on the caller who ran it (a 401, or a filter
 * refusing that caller before sending) reaches only the callers with that same context. The others run the handshake
 * again in their own context; a success is shared by everyone (one handshake counted at the server), and so is a
 * failure of the server itself. The server holds its first handshake answer until every caller waits for it.
 */
class ConnectPerCallerTest {

    static final int CALLS_PER_CALLER = 5;

    @RegisterExtension
    final LoopbackMcp mcp = new LoopbackMcp();

    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> handshakes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> lists = new ConcurrentHashMap<>();
    private final Sinks.Empty<Void> firstHandshakeMayAnswer = Sinks.empty();
    private final AtomicBoolean held = new AtomicBoolean();
    private volatile int firstHandshakeStatus = 200;
    private final StreamingServer server = mcp.closeAfter(StreamingServer.start(this::answer));

    private Publisher<Void> answer(StreamingServer.Exchange ex, HttpServerResponse resp) {
        String method = ex.rpcMethod();
        boolean handshake = "server/discover".equals(method) || "initialize".equals(method);
        Mono<Void> gate = handshake && held.compareAndSet(false, true) ? firstHandshakeMayAnswer.asMono() : Mono.empty();
        return gate.then(Mono.defer(() -> Mono.from(respond(ex, resp, handshake))));
    }

    private Publisher<Void> respond(StreamingServer.Exchange ex, HttpServerResponse resp, boolean handshake) {
        String user = ex.header("X-User");
        String method = ex.rpcMethod();
        if (method == null || method.startsWith("notifications/")) {
            return resp.status(202).send();
        }
        (handshake ? handshakes : lists).computeIfAbsent(String.valueOf(user), u -> new AtomicInteger())
                .incrementAndGet();
        if (handshake && firstHandshakeStatus != 200) {
            int status = firstHandshakeStatus;
            firstHandshakeStatus = 200;
            return resp.status(status).sendString(Mono.just("server trouble"));
        }
        if (refused.contains(user)) {
            return resp.status(401).header("WWW-Authenticate", "Bearer error=\"invalid_token\"")
                    .header("Content-Type", "application/json")
                    .sendString(Mono.just("{\"error\":\"invalid_token\",\"error_description\":\"refused " + user
                            + "\"}"));
        }
        String result = switch (method) {
            case "server/discover" -> MockMcpServer.discoverResult();
            case "initialize" -> MockMcpServer.initializeResult("2025-11-25");
            default -> "{\"tools\":[{\"name\":\"for-" + user + "\",\"inputSchema\":{\"type\":\"object\"}}]}";
        };
        return StreamingServer.json(resp, ex.response(result));
    }

    private int handshakesOf(String user) {
        return handshakes.getOrDefault(user, new AtomicInteger()).get();
    }

    private int listsOf(String user) {
        return lists.getOrDefault(user, new AtomicInteger()).get();
    }

    /** The outcome of one caller's call: the tool the server listed for them, or the failure. */
    private record Outcome(String caller, String tool, Throwable error) { }

    /**
     * {@code callers} (in this order, round robin) each list tools {@link #CALLS_PER_CALLER} times, all subscribed
     * before the server answers its first handshake.
     */
    private List<Outcome> firstCallsOf(McpClient client, String... callers) {
        return firstCallsOf(client, Mono.empty(), callers);
    }

    /** As above; {@code afterSubscribing} runs once every call waits, before the server's first answer is awaited. */
    private List<Outcome> firstCallsOf(McpClient client, Mono<Void> afterSubscribing, String... callers) {
        CompletableFuture<List<Outcome>> all = Flux.range(0, callers.length * CALLS_PER_CALLER)
                .map(i -> callers[i % callers.length])
                .flatMap(caller -> client.listTools(null)
                        .map(page -> new Outcome(caller, page.items().get(0).name(), null))
                        .onErrorResume(e -> Mono.just(new Outcome(caller, null, e)))
                        .contextWrite(McpClient.requestHeaders(Headers.empty().with("X-User", caller))))
                .collectList().toFuture();
        afterSubscribing.block(WAIT);
        server.await(e -> "server/discover".equals(e.rpcMethod()) || "initialize".equals(e.rpcMethod()));
        firstHandshakeMayAnswer.tryEmitEmpty();
        return all.orTimeout(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join();
    }

    private static List<Outcome> of(List<Outcome> outcomes, String caller) {
        return outcomes.stream().filter(o -> o.caller().equals(caller)).toList();
    }

    /** Each of {@code outcomes} is a 401 whose body names {@code caller} (the refusal of their own request). */
    private static void ownRefusals(List<Outcome> outcomes, String caller) {
        assertThat(outcomes).hasSize(CALLS_PER_CALLER).allSatisfy(o -> {
            assertThat(o.error()).as("%s's call fails", caller).isInstanceOf(McpHttpException.class);
            assertThat(McpFailures.classify(o.error())).isInstanceOf(McpFailure.AuthenticationRequired.class);
            assertThat(((McpHttpException) o.error()).bodyPreview()).as("the refusal of %s's own request", caller)
                    .contains("refused " + caller);
        });
    }

    private static void ownResults(List<Outcome> outcomes, String caller) {
        assertThat(outcomes).hasSize(CALLS_PER_CALLER).allSatisfy(o -> {
            assertThat(o.error()).as("%s's call", caller).isNull();
            assertThat(o.tool()).isEqualTo("for-" + caller);
        });
    }

    @Test
    void aRefusedFirstCallerKeepsItsRefusalAndTheOthersConnectInTheirOwnContextSharingOneDiscover() {
        refused.add("alice");
        McpClient client = mcp.client(Clients.modern(server.uri()).listeningStream(false));

        List<Outcome> outcomes = firstCallsOf(client, "alice", "bob");

        ownRefusals(of(outcomes, "alice"), "alice");
        ownResults(of(outcomes, "bob"), "bob");
        assertThat(handshakesOf("alice")).as("alice's calls shared her one refused discover").isEqualTo(1);
        assertThat(handshakesOf("bob")).as("bob's calls shared one discover, run with his credentials").isEqualTo(1);
        assertThat(listsOf("bob")).isEqualTo(CALLS_PER_CALLER);
        assertThat(listsOf("alice")).as("alice was never connected with bob's success while hers ran").isZero();
    }

    @Test
    void aSuccessfulFirstCallerConnectsEveryoneAndEachLaterRefusalIsTheCallersOwn() {
        refused.add("alice");
        McpClient client = mcp.client(Clients.modern(server.uri()).listeningStream(false));

        List<Outcome> outcomes = firstCallsOf(client, "bob", "alice");

        ownResults(of(outcomes, "bob"), "bob");
        ownRefusals(of(outcomes, "alice"), "alice");
        assertThat(handshakes.values().stream().mapToInt(AtomicInteger::get).sum()).as("one discover for all")
                .isEqualTo(1);
        assertThat(listsOf("alice")).as("each of alice's calls was refused on its own request")
                .isEqualTo(CALLS_PER_CALLER);
    }

    @Test
    void callersAFilterRefusesBeforeSendingGetTheirOwnFailureAndNothingOfThemReachesTheServer() {
        Set<String> withoutCredentials = Set.of("alice", "carol");
        Sinks.Empty<Void> lookedUp = Sinks.empty(); // the filter's credential lookup answers once every call waits
        ExchangeFilterFunction credentials = (request, next) -> {
            String user = request.headers().first("X-User").orElse("");
            return lookedUp.asMono().then(withoutCredentials.contains(user)
                    ? Mono.error(new McpTransportException(new McpFailure.AuthenticationRequired(List.of(), false),
                            "no credentials for " + user, null))
                    : next.exchange(request));
        };
        McpClient client = mcp.client(Clients.modern(server.uri()).listeningStream(false).filter(credentials));

        List<Outcome> outcomes = firstCallsOf(client, Mono.fromRunnable(lookedUp::tryEmitEmpty), "alice", "carol",
                "bob");

        for (String user : withoutCredentials) {
            assertThat(of(outcomes, user)).hasSize(CALLS_PER_CALLER).allSatisfy(o ->
                    assertThat(o.error()).hasMessage("no credentials for " + user));
        }
        ownResults(of(outcomes, "bob"), "bob");
        assertThat(handshakes.keySet()).as("only bob's requests reached the server").containsExactly("bob");
        assertThat(handshakesOf("bob")).isEqualTo(1);
    }

    @Test
    void aServerFailureOfTheSharedConnectIsStillSharedByEveryCallerWaitingForIt() {
        firstHandshakeStatus = 503;
        McpClient client = mcp.client(Clients.modern(server.uri()).listeningStream(false));

        List<Outcome> outcomes = firstCallsOf(client, "alice", "bob");

        assertThat(outcomes).hasSize(2 * CALLS_PER_CALLER).allSatisfy(o ->
                assertThat(McpFailures.classify(o.error())).isInstanceOf(McpFailure.ServerError.class));
        assertThat(outcomes.stream().map(Outcome::error).distinct()).as("one failure, shared").hasSize(1);
        assertThat(handshakes.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(1);
    }

    @Test
    void inTheLegacyEraARefusedInitializeReachesOnlyItsCallerAndTheOthersInitializeOnceWithTheirOwn() {
        refused.add("alice");
        McpClient client = mcp.client(Clients.legacy(server.uri()));

        List<Outcome> outcomes = firstCallsOf(client, "alice", "bob");

        ownRefusals(of(outcomes, "alice"), "alice");
        ownResults(of(outcomes, "bob"), "bob");
        assertThat(handshakesOf("alice")).isEqualTo(1);
        assertThat(handshakesOf("bob")).as("one initialize shared by bob's calls").isEqualTo(1);
        assertThat(client.initializeResult()).as("the session is the one bob initialized").isNotNull();
        assertThat(client.initializeResult().era()).isEqualTo(ProtocolEra.LEGACY);
    }
}
