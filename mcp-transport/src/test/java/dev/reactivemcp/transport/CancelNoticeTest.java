package dev.reactivemcp.transport;

import static dev.reactivemcp.transport.StreamingServer.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The legacy era's fire-and-forget {@code notifications/cancelled} does not hold a connection for a whole request
 * timeout when the server never answers it (issue 10, black hole: 15 connections still held after recovery). The
 * HTTP I/O is real; the timeout runs in virtual time.
 */
class CancelNoticeTest {

    @RegisterExtension
    final LoopbackMcp mcp = new LoopbackMcp();
    private final RecordingVirtualTime time = mcp.disposeAfter(new RecordingVirtualTime());
    private StreamingServer server;
    private McpClient client;

    private Publisher<Void> handle(StreamingServer.Exchange ex, HttpServerResponse resp) {
        String method = ex.rpcMethod();
        if ("initialize".equals(method)) {
            return StreamingServer.json(resp, ex.response(StreamingServer.initializeResult("2025-11-25")));
        }
        if ("notifications/initialized".equals(method)) {
            return resp.status(202).send();
        }
        return StreamingServer.hang(); // the black hole: the call and the cancel notice are never answered
    }

    @Test
    void aCancelNoticeTheServerNeverAnswersReleasesItsConnectionAfterTwoSeconds() {
        server = mcp.closeAfter(StreamingServer.start(this::handle));
        client = mcp.client(Clients.legacy(server.uri()).scheduler(time).requestTimeout(Duration.ofSeconds(60)));
        client.connect().block(WAIT);

        Disposable call = client.callTool("slow", Map.of()).subscribe(r -> { }, e -> { });
        server.await("tools/call");
        call.dispose();
        StreamingServer.Exchange notice = server.await("notifications/cancelled");
        time.advancePast(Duration.ofSeconds(2));

        assertThat(notice.disconnected().then(reactor.core.publisher.Mono.just(true)).block(WAIT))
                .as("the notice's connection closed, seen from the server").isTrue();
    }
}
