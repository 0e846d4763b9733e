package dev.reactivemcp.observation;

import dev.reactivemcp.oauth.CredentialEvent;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.testsupport.LoopbackMcpServer;
import dev.reactivemcp.transport.McpCallListener;
import dev.reactivemcp.transport.McpClient;
import dev.reactivemcp.transport.ProtocolNegotiation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Run in a class loader without Micrometer: a call with OAuth, a refresh, credential events and a call listener.
 * Refers to no Micrometer type (nor to {@link McpObservation}).
 */
public final class CoreWithoutMicrometer implements Callable<String> {

    @Override
    public String call() throws Exception {
        Seeds.Renewing provider = new Seeds.Renewing();
        List<String> seen = new CopyOnWriteArrayList<>();
        try (LoopbackMcpServer server = LoopbackMcpServer.start()) {
            McpOAuth oauth = Seeds.expiredOAuth(server.mcpUri(), provider);
            var events = oauth.events().map(CredentialEvent::kind).collectList().toFuture();
            McpClient client = McpClient.builder(server.mcpUri()).negotiation(ProtocolNegotiation.legacyOnly())
                    .listeningStream(false).filter(oauth.filterFor(server.mcpUri()))
                    .callListener((call, context) -> McpCallListener.Ending.onAnyEnd(() -> seen.add(call.method())))
                    .build();
            String text = client.callTool("echo", Map.of()).block(Duration.ofSeconds(10)).text();
            client.close().then(oauth.shutdown()).block(Duration.ofSeconds(10));
            return text + " " + seen + " " + events.get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
