package dev.reactivemcp.transport.internal;

import dev.reactivemcp.transport.ElicitationHandler;
import dev.reactivemcp.transport.ExchangeFilterFunction;
import dev.reactivemcp.transport.Headers;
import dev.reactivemcp.transport.Implementation;
import dev.reactivemcp.transport.ProtocolNegotiation;
import dev.reactivemcp.transport.Root;
import dev.reactivemcp.transport.SamplingHandler;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.http.client.HttpClient;

/** Everything a client session is configured with; immutable. */
public record ClientConfig(
        URI endpoint,
        Implementation clientInfo,
        ProtocolNegotiation negotiation,
        Duration requestTimeout,
        Duration connectTimeout,
        HttpClient httpClient,
        Headers headers,
        List<ExchangeFilterFunction> filters,
        ElicitationHandler elicitationHandler,
        SamplingHandler samplingHandler,
        Mono<List<Root>> roots,
        Map<String, Object> extraCapabilities,
        Scheduler scheduler,
        int maxMessageBytes,
        int maxMrtrRounds,
        Duration defaultReconnectDelay,
        int maxStreamResumptions,
        boolean openListeningStream,
        boolean rememberLegacyVerdict,
        boolean cacheResults,
        long maxBufferedBytes,
        Duration maxReconnectDelay,
        Duration listeningDownWarning) {

    /** The capabilities this client declares, derived from its handlers plus the extra ones. */
    public Map<String, Object> capabilities() {
        Map<String, Object> caps = new java.util.LinkedHashMap<>(extraCapabilities);
        if (roots != null) {
            caps.putIfAbsent("roots", new java.util.LinkedHashMap<>(Map.of("listChanged", true)));
        }
        if (samplingHandler != null) {
            caps.putIfAbsent("sampling", new java.util.LinkedHashMap<>());
        }
        if (elicitationHandler != null) {
            caps.putIfAbsent("elicitation", new java.util.LinkedHashMap<>());
        }
        return caps;
    }
}
