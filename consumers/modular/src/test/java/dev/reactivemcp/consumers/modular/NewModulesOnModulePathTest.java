package dev.reactivemcp.consumers.modular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reactivemcp.errors.McpFailure;
import dev.reactivemcp.errors.McpFailures;
import dev.reactivemcp.observation.McpObservation;
import dev.reactivemcp.oauth.McpOAuth;
import dev.reactivemcp.spring.webflux.McpOAuthExchangeFilter;
import dev.reactivemcp.tokenstore.redis.RedisTokenStore;
import dev.reactivemcp.transport.McpCallListener;
import dev.reactivemcp.transport.ProtocolEra;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.util.context.Context;

/** mcp-token-store-redis, mcp-observation and mcp-spring-webflux are named modules that work on the module path. */
class NewModulesOnModulePathTest {

    @Test
    void theNewModulesAreNamedModulesExportingOnlyTheirApi() {
        Module redis = RedisTokenStore.class.getModule();
        assertEquals("dev.reactivemcp.tokenstore.redis", redis.getName());
        assertEquals("dev.reactivemcp.observation", McpObservation.class.getModule().getName());
        Module spring = McpOAuthExchangeFilter.class.getModule();
        assertEquals("dev.reactivemcp.spring.webflux", spring.getName());
        assertFalse(spring.isExported("dev.reactivemcp.spring.webflux.internal"));
        assertTrue(redis.getLayer().findModule("lettuce.core").orElseThrow().getDescriptor().isAutomatic(),
                "Lettuce is on the module path as the automatic module lettuce.core");
    }

    @Test
    void springsWebClientResponseExceptionIsClassifiedThroughTheReaderTheModuleProvides() {
        McpFailures.loadReaders();
        HttpHeaders headers = new HttpHeaders();
        headers.add("WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\"expired\"");
        WebClientResponseException rejected = WebClientResponseException.create(401, "Unauthorized", headers,
                new byte[0], StandardCharsets.UTF_8);

        McpFailure failure = McpFailures.classify(rejected);

        assertTrue(failure instanceof McpFailure.AuthenticationRequired auth && auth.tokenRejected(),
                "read across modules by the provided ForeignPayloadReader: " + failure);
    }

    @Test
    void aCallIsObservedInAMicrometerRegistryFromTheModulePath() {
        ObservationRegistry registry = ObservationRegistry.create();
        List<String> stopped = new CopyOnWriteArrayList<>();
        registry.observationConfig().observationHandler(new ObservationHandler<Observation.Context>() {
            @Override
            public void onStop(Observation.Context context) {
                stopped.add(context.getName() + " " + context.getLowCardinalityKeyValue("mcp.tool.name").getValue());
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }
        });
        McpCallListener calls = McpObservation.calls(registry);

        calls.started(new McpCallListener.Call(McpCallListener.Call.Kind.CALL, URI.create("https://mcp.example.com/mcp"),
                "tools/call", "echo"), Context.empty()).succeeded(ProtocolEra.LEGACY, false);

        assertEquals(List.of("mcp.client.call echo"), stopped);
        McpOAuth oauth = McpOAuth.builder().build();
        assertEquals("McpOAuthExchangeFilter[https://mcp.example.com/mcp]",
                McpOAuthExchangeFilter.of(oauth, URI.create("https://mcp.example.com/mcp")).toString());
        oauth.shutdown().block(java.time.Duration.ofSeconds(10));
    }
}
