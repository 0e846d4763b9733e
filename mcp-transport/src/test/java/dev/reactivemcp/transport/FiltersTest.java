package dev.reactivemcp.transport;

import static dev.reactivemcp.transport.Clients.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Every HTTP exchange (POST, GET, DELETE) runs through the {@link ExchangeFilterFunction} chain. */
class FiltersTest {

    @RegisterExtension
    final LoopbackMcp mcp = new LoopbackMcp();
    private final MockMcpServer server = mcp.server();
    private final List<String> trace = new CopyOnWriteArrayList<>();
    private McpClient client;

    private ExchangeFilterFunction tracing(String name) {
        return (request, next) -> {
            trace.add(name + ">" + request.method());
            return next.exchange(request.withHeader("X-Chain", request.headers().first("X-Chain").orElse("") + name))
                    .doOnNext(response -> trace.add(name + "<" + response.status()));
        };
    }

    @Test
    void runsFiltersInTheOrderAddedTheFirstOneOutermost() {
        server.legacy("2025-11-25", null);
        client = mcp.client(Clients.legacy(server.uri()).filter(tracing("a")).filter(tracing("b")));

        client.connect().block(WAIT);

        assertThat(trace.subList(0, 4)).containsExactly("a>POST", "b>POST", "b<200", "a<200");
        assertThat(server.calls()).allSatisfy(c -> assertThat(c.header("X-Chain")).isEqualTo("ab"));
    }

    @Test
    void andThenComposesLikeAddingBothFilters() {
        server.legacy("2025-11-25", null);
        client = mcp.client(Clients.legacy(server.uri()).filter(tracing("a").andThen(tracing("b"))));

        client.connect().block(WAIT);

        assertThat(trace.subList(0, 4)).containsExactly("a>POST", "b>POST", "b<200", "a<200");
        assertThat(server.only("initialize").header("X-Chain")).isEqualTo("ab");
    }

    @Test
    void filtersSeeTheListeningGetAndTheClosingDelete() {
        server.legacy("2025-11-25", "s");
        client = mcp.client(Clients.legacy(server.uri()).listeningStream(true)
                .filter((request, next) -> next.exchange(request.withHeader("X-Tenant", "acme"))));

        client.connect().block(WAIT);
        server.await("GET");
        client.close().block(WAIT);

        assertThat(server.calls()).extracting(MockMcpServer.Call::httpMethod).contains("POST", "GET", "DELETE");
        assertThat(server.calls()).allSatisfy(c -> assertThat(c.header("X-Tenant")).isEqualTo("acme"));
    }

    @Test
    void aFilterReadsTheChallengeReleasesTheBodyAndReplaysOnce() {
        server.legacy("2025-11-25", null).on("initialize", c -> c.headers().contains("Authorization")
                ? MockMcpServer.result(c, MockMcpServer.initializeResult("2025-11-25"))
                : MockMcpServer.status(401).withHeader("WWW-Authenticate", "Bearer realm=\"mcp\"")
                        .withBody("{\"error\":\"unauthorized\"}"));
        List<String> challenges = new CopyOnWriteArrayList<>();
        ExchangeFilterFunction login = (request, next) -> next.exchange(request).flatMap(response -> {
            if (response.status() != 401 || request.attempt() > 0) {
                return Mono.just(response);
            }
            challenges.addAll(response.headers().all("WWW-Authenticate"));
            return response.releaseBody()
                    .then(next.exchange(request.nextAttempt().withHeader("Authorization", "Bearer fresh")));
        });
        client = mcp.client(Clients.legacy(server.uri()).filter(login));

        StepVerifier.create(client.connect().map(InitializeResult::protocolVersion))
                .expectNext("2025-11-25")
                .verifyComplete();

        assertThat(challenges).containsExactly("Bearer realm=\"mcp\"");
        assertThat(server.calls("initialize")).extracting(c -> c.header("Authorization"))
                .containsExactly(null, "Bearer fresh");
        assertThat(server.recorded()).hasSize(server.calls().size());
    }

    @Test
    void aFilterCanAnswerWithoutCallingTheServer() {
        McpHttpResponse canned = McpHttpResponse.of(503, Headers.empty().with("Retry-After", "7"), new byte[0]);
        client = mcp.client(Clients.legacy(server.uri()).filter((request, next) -> Mono.just(canned)));

        StepVerifier.create(client.connect())
                .expectErrorSatisfies(e -> assertThat(((McpHttpException) e).headerValues("retry-after"))
                        .containsExactly("7"))
                .verify();
        assertThat(server.recorded()).isEmpty();
    }
}
